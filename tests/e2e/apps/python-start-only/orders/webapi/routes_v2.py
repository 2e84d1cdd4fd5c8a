import os
import sys

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

api = FastAPI()


@api.get("/{path:path}", response_class=PlainTextResponse)
def answer(path: str, request: Request) -> str:
    return f"ok uid={os.getuid()} python={sys.version_info.major}.{sys.version_info.minor} start=only\n"
