import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "faceapp.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018  (imports every view now, to be frozen below)
# What is loaded now lives as long as the process: gc.freeze() leaves it out of the collector's full
# collections, which otherwise walk it all (~100k objects) every few requests of a big page.
gc.freeze()
