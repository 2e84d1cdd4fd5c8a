import os
import sys

from flask import Flask

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return f"ok uid={os.getuid()} python={sys.version_info.major}.{sys.version_info.minor}\n"
