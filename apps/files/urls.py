from __future__ import annotations

from django.urls import path

from apps.files import views

app_name = "files"

urlpatterns = [
    path("", views.file_list, name="list"),
    path("upload/", views.file_upload, name="upload"),
    path("library/", views.library, name="library"),
    path("<uuid:file_id>/", views.file_detail, name="detail"),
    path("<uuid:file_id>/row/", views.file_row, name="row"),
    path("<uuid:file_id>/download/", views.file_download, name="download"),
    path("<uuid:file_id>/delete/", views.file_delete, name="delete"),
    path("entries/<uuid:entry_id>/", views.entry_edit, name="entry_edit"),
    path("entries/<uuid:entry_id>/row/", views.entry_row, name="entry_row"),
]
