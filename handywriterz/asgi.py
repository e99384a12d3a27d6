from __future__ import annotations

import os

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "handywriterz.settings")

# Build Django's app first: it sets up the app registry that everything else imports against.
django_asgi_app = get_asgi_application()

# HTTP only for now (SSE is plain HTTP); websockets would be routed here.
application = ProtocolTypeRouter({"http": django_asgi_app})
