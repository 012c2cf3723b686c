import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualis.config.settings")
application = get_wsgi_application()
# Django imports the URLconf, and with it every view and the FHIR models, on the first request:
# a second and a half. Imported here, it is done once in the server's master (gunicorn
# --preload) instead of in every worker while a request waits.
import_module(settings.ROOT_URLCONF)
