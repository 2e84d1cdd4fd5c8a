import os
import sys

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse


def create_app() -> FastAPI:
    app = FastAPI()

    @app.get("/healthz", response_class=PlainTextResponse)
    def healthz() -> str:
        return f"ok uid={os.getuid()} python={sys.version_info.major}.{sys.version_info.minor} factory=yes\n"

    return app
