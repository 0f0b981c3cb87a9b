"""WSGI entry point for gunicorn: ``gunicorn ivp.web.wsgi``."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ivp.web.settings")
application = get_wsgi_application()
# Import the URLconf (and so every view module) now, not in the first request of each worker: that first
# request otherwise took seconds (scipy, openpyxl), and with ``--preload`` the workers share the import.
get_resolver().url_patterns  # noqa: B018
