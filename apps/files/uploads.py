"""Stop keeping an uploaded file's bytes once it is over MAX_FILE_SIZE.

Django otherwise spools every upload to a temporary file whatever its size. This handler runs
first: past the limit it swallows the rest of that file and hands over a stand-in that keeps
only the name and the size, so the usual checks report `file_too_large` without the bytes ever
being kept. (Limit the request body at the proxy too: the bytes still cross the network.)
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(SimpleUploadedFile):
    """An upload over the limit: its name and its size so far, none of its content."""

    def __init__(self, name: str, size: int) -> None:
        super().__init__(name, b"", content_type="application/octet-stream")
        self.size = size


class SizeLimitUploadHandler(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.over = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received = start + len(raw_data)
        if self.received > settings.MAX_FILE_SIZE:
            self.over = True
        return None if self.over else raw_data  # None: later handlers never see the chunk

    def file_complete(self, file_size: int) -> OversizedUpload | None:
        if not self.over:
            return None  # the usual handlers produce the file
        return OversizedUpload(self.file_name or "upload", file_size)
