from __future__ import annotations

from django.urls import path

from apps.conversations import streams, views

app_name = "conversations"

urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("new/", views.conversation_create, name="create"),
    path("history/", views.conversation_history, name="history"),
    path("usage/", views.usage, name="usage"),
    path("<uuid:conversation_id>/rename/", views.conversation_rename, name="rename"),
    path("<uuid:conversation_id>/delete/", views.conversation_delete, name="delete"),
    path("runs/<uuid:run_id>/regenerate/", views.run_regenerate, name="run_regenerate"),
    path("<uuid:conversation_id>/", views.conversation_detail, name="detail"),
    path("<uuid:conversation_id>/messages/", views.conversation_follow_up, name="follow_up"),
    path("runs/<uuid:run_id>/cancel/", views.run_cancel, name="run_cancel"),
    path("runs/<uuid:run_id>/stream/", streams.run_stream_html, name="run_stream"),
    path("runs/<uuid:run_id>/sources/exclude/", views.source_exclude, name="source_exclude"),
    path("runs/<uuid:run_id>/sources/save/", views.source_save, name="source_save"),
]
