import os
import sys

import ldap
from flask import Flask

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    # python-ldap built from source links libldap.so.2, which the runtime image does not ship:
    # shiplight.toml names its package in runtime-libraries.
    info = ldap.get_option(ldap.OPT_API_INFO)
    return (
        f"ok uid={os.getuid()} python={sys.version_info.major}.{sys.version_info.minor} "
        f"ldap={ldap.__version__} vendor={info['vendor_name']}\n"
    )
