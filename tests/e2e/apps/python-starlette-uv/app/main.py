import os
import sys

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def healthz(request):
    return PlainTextResponse(
        f"ok uid={os.getuid()} python={sys.version_info.major}.{sys.version_info.minor}\n"
    )


app = Starlette(routes=[Route("/healthz", healthz)])
