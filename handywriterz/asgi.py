from __future__ import annotations

import os
import re

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "handywriterz.settings")

# Build Django's app first: it sets up the app registry that everything else imports against.
django_asgi_app = get_asgi_application()

from django.conf import settings  # noqa: E402 -- after the app registry is ready

from apps.api.streams import resolve_json_stream  # noqa: E402
from apps.conversations.streams import resolve_html_stream  # noqa: E402
from apps.streaming.server import Route, StreamApp  # noqa: E402

# The run streams are served ahead of Django's view stack (apps.streaming.server): the same URLs
# as the Django views of apps.api and apps.conversations, which stay for Django's test client.
streams = StreamApp(
    routes=[
        Route(re.compile(r"/api/stream/(?P<run_id>[^/]+)"), resolve_json_stream),
        Route(re.compile(r"/conversations/runs/(?P<run_id>[^/]+)/stream/"), resolve_html_stream),
    ],
    fallback=django_asgi_app,
    heartbeat_seconds=settings.SSE_HEARTBEAT_SECONDS,
)

# HTTP only for now (SSE is plain HTTP); websockets would be routed here.
application = ProtocolTypeRouter({"http": streams})
