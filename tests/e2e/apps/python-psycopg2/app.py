import os
import sys

import psycopg2
from flask import Flask

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    # psycopg2 built from source loads libpq.so.5, which the runtime image does not ship.
    return (
        f"ok uid={os.getuid()} python={sys.version_info.major}.{sys.version_info.minor} "
        f"libpq={psycopg2.__libpq_version__ // 10000}\n"
    )
