"""The user's own material: uploaded files, their text chunks, and the source library."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models


def upload_path(instance: UploadedFile, filename: str) -> str:
    # Per user, random name, no extension: the stored name says nothing and is never served
    # directly (downloads go through an owner-only view).
    return f"{instance.owner_id}/{secrets.token_urlsafe(24)}"


def csl_name(name: dict[str, str]) -> str:
    """A CSL name as people write it: 'Jane Smith', or the literal name of a body."""
    return name.get("literal") or " ".join(filter(None, [name.get("given"), name.get("family")]))


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    TEXT = "text", "Plain text"
    MARKDOWN = "markdown", "Markdown"
    BIBTEX = "bibtex", "BibTeX"
    CSL_JSON = "csl_json", "CSL-JSON"

    @classmethod
    def bibliographic(cls) -> frozenset[str]:
        return frozenset({cls.BIBTEX, cls.CSL_JSON})


class UploadedFile(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        EXTRACTING = "extracting", "Extracting"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    PENDING = (Status.UPLOADED, Status.EXTRACTING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="files"
    )
    original_name = models.CharField(max_length=255)
    # Empty once a failed file's bytes have been removed: only the reason is kept.
    blob = models.FileField(upload_to=upload_path, max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=16, choices=FileKind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADED)
    progress = models.PositiveSmallIntegerField(default=0)  # 0..100 while extracting
    # Extraction attempts: a file that killed the worker is not retried for ever.
    attempts = models.PositiveSmallIntegerField(default=0)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    word_count = models.PositiveIntegerField(null=True, blank=True)
    entry_count = models.PositiveIntegerField(null=True, blank=True)  # BibTeX / CSL-JSON
    notes = models.TextField(blank=True)  # what extraction had to skip, for the user
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Same content uploaded twice by the same user is stored once.
            models.UniqueConstraint(
                fields=["owner", "sha256"], name="file_unique_content_per_owner"
            )
        ]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return self.original_name

    def delete_blob(self) -> None:
        """Remove the stored bytes (the row stays: it may record why the file failed)."""
        if self.blob:
            self.blob.storage.delete(self.blob.name)

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_bibliography(self) -> bool:
        return self.kind in FileKind.bibliographic()


class LibraryEntry(models.Model):
    """A citable work in the user's source library, with CSL metadata. An uploaded document is
    one entry; a BibTeX or CSL-JSON file adds one entry per record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library_entries"
    )
    file = models.ForeignKey(UploadedFile, on_delete=models.CASCADE, related_name="entries")
    citation_key = models.CharField(max_length=200, blank=True)  # the BibTeX key, if any
    csl_type = models.CharField(max_length=40, default="document")
    title = models.TextField()
    # CSL names: [{"family": "Smith", "given": "Jane"}] or [{"literal": "WHO"}].
    authors = models.JSONField(default=list, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    container_title = models.TextField(blank=True)  # journal, book, proceedings: the venue
    publisher = models.CharField(max_length=300, blank=True)
    doi = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    abstract = models.TextField(blank=True)
    # Other CSL-JSON fields as imported (volume, issue, page, editor...), kept whole.
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["file", "created_at", "title"]
        verbose_name_plural = "library entries"
        indexes = [models.Index(fields=["owner", "doi"])]

    def __str__(self) -> str:
        return self.title[:80]

    @property
    def author_line(self) -> str:
        return "; ".join(filter(None, (csl_name(a) for a in self.authors)))

    def to_csl(self) -> dict[str, Any]:
        """CSL-JSON for citeproc: the imported extra fields, overridden by the edited ones."""
        item: dict[str, Any] = {**self.extra, "id": self.id.hex, "type": self.csl_type}
        item["title"] = self.title
        if self.authors:
            item["author"] = self.authors
        if self.year:
            item["issued"] = {"date-parts": [[self.year]]}
        for key, value in (
            ("container-title", self.container_title),
            ("publisher", self.publisher),
            ("DOI", self.doi),
            ("URL", self.url),
            ("abstract", self.abstract),
        ):
            if value:
                item[key] = value
        return item


class TextChunk(models.Model):
    """A passage of an uploaded file, small enough to rank and quote, with where it came from."""

    file = models.ForeignKey(UploadedFile, on_delete=models.CASCADE, related_name="chunks")
    entry = models.ForeignKey(LibraryEntry, on_delete=models.CASCADE, related_name="chunks")
    ordinal = models.PositiveIntegerField()
    text = models.TextField()
    page = models.PositiveIntegerField(null=True, blank=True)
    paragraph = models.PositiveIntegerField(null=True, blank=True)  # when pages are unknown
    heading = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["file", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["file", "ordinal"], name="chunk_unique_ordinal")
        ]

    def __str__(self) -> str:
        return f"{self.file_id} #{self.ordinal}"

    @property
    def locator_label(self) -> str:
        if self.page is not None:
            return f"p. {self.page}"
        if self.paragraph is not None:
            return f"para. {self.paragraph}"
        return self.heading
