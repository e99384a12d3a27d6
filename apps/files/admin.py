from __future__ import annotations

from django.contrib import admin

from apps.files.models import LibraryEntry, TextChunk, UploadedFile


class LibraryEntryInline(admin.TabularInline[LibraryEntry, UploadedFile]):
    model = LibraryEntry
    extra = 0
    fields = ("title", "year", "csl_type", "doi")
    show_change_link = True


@admin.register(UploadedFile)
class UploadedFileAdmin(admin.ModelAdmin[UploadedFile]):
    list_display = (
        "original_name",
        "owner",
        "kind",
        "status",
        "size",
        "page_count",
        "word_count",
        "created_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("original_name", "owner__username", "id", "sha256")
    raw_id_fields = ("owner",)
    readonly_fields = ("sha256", "size", "blob", "attempts", "created_at", "updated_at")
    inlines = [LibraryEntryInline]


@admin.register(LibraryEntry)
class LibraryEntryAdmin(admin.ModelAdmin[LibraryEntry]):
    list_display = ("title", "owner", "year", "csl_type", "file")
    list_filter = ("csl_type",)
    search_fields = ("title", "doi", "citation_key", "owner__username")
    raw_id_fields = ("owner", "file")


@admin.register(TextChunk)
class TextChunkAdmin(admin.ModelAdmin[TextChunk]):
    list_display = ("file", "ordinal", "page", "paragraph", "heading")
    search_fields = ("file__original_name", "text")
    raw_id_fields = ("file", "entry")
