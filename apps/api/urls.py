from __future__ import annotations

from django.urls import path

from apps.api import exports, files, runs, streams, views

app_name = "api"

urlpatterns = [
    path("chat", views.chat, name="chat"),
    path("stream/<str:trace_id>", streams.run_stream_json, name="stream"),
    path("files/upload", files.upload, name="files_upload"),
    path("files/<uuid:file_id>", files.detail, name="file_detail"),
    path("runs/<str:run_id>", runs.run_detail, name="run_detail"),
    path("runs/<str:run_id>/cancel", views.run_cancel, name="run_cancel"),
    path("export/<str:trace_id>", exports.export, name="export"),
]
