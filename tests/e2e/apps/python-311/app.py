import ctypes
import os
import sqlite3
import ssl
import sys

from flask import Flask

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    sqlite = sqlite3.connect(":memory:").execute("select sqlite_version()").fetchone()[0]
    strlen = ctypes.CDLL(None).strlen(b"ctypes")
    return (
        f"ok uid={os.getuid()} python={sys.version_info.major}.{sys.version_info.minor}"
        f" sqlite={sqlite.split('.')[0]} ctypes={'yes' if strlen == 6 else 'no'}"
        f" ssl={ssl.OPENSSL_VERSION.split('.')[0]}\n"
    )
