import os
import sys

from django.http import HttpResponse
from django.urls import path


def healthz(request):
    server = "gunicorn" if "gunicorn" in sys.modules else "other"
    return HttpResponse(
        f"ok uid={os.getuid()} python={sys.version_info.major}.{sys.version_info.minor} server={server}\n",
        content_type="text/plain",
    )


urlpatterns = [path("healthz", healthz)]
