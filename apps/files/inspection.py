"""Checks an upload before anything is stored: size, emptiness, and its type judged by content.

Everything here is cheap and bounded, so it can run in the request: what is refused here leaves
no file, row or chunk behind. Full parsing happens later, in the extraction task.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile as Upload
from django.template.defaultfilters import filesizeformat
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from apps.files.errors import FileProblem
from apps.files.models import FileKind
from apps.files.pdfs import read_pdf
from apps.files.textcodec import decode_text

SNIFF_BYTES = 8192
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCX_MAX_MEMBERS = 5000
# Small parts of any DOCX compress far better than the ratio limit; only large ones are judged.
RATIO_FLOOR = 1024 * 1024

# Signatures of common types we do not accept, to say what the file really is.
_FOREIGN = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java program"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.doc/.xls): save it as DOCX"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"%!PS", "a PostScript file"),
    (b"{\\rtf", "an RTF file: save it as DOCX"),
)
# Markup and code that decode as text but are not material: judged by what the text starts with,
# the way a browser sniffs HTML (WHATWG MIME Sniffing, "identifying a resource with an unknown
# MIME type"), so a page named notes.txt or script.html.pdf is still a page.
_MARKUP_START = (
    (re.compile(r"<\?xml[\s?]", re.I), "an XML document"),
    (re.compile(r"<\?php\b", re.I), "a PHP script"),
    (re.compile(r"<svg[\s>/]", re.I), "an SVG image"),
    (re.compile(r"<!doctype\s+svg[\s>]", re.I), "an SVG image"),
    (re.compile(r"<!doctype[\s>]", re.I), "an HTML page"),
    (
        re.compile(
            r"<(html|head|body|script|iframe|object|embed|style|meta|link|form)[\s>/]", re.I
        ),
        "an HTML page",
    ),
    (re.compile(r"#!\s*/"), "a script"),
)
# The rest of the sniffing table's HTML openings, which Markdown may also start with (a README's
# `<p align="center">`): they mark an HTML page only in a file not named as Markdown.
_HTML_START = re.compile(r"(<(h1|div|font|table|a|title|b|br|p)[\s>/])|<!--[\s>]", re.I)
# A whole document's markers anywhere outside Markdown code: Markdown may carry inline tags (a
# README's `<p align="center">`), never a document, a script element or an SVG image.
_MARKUP_INSIDE = re.compile(
    r"^[ \t]{0,3}(<!doctype\s+html|<html[\s>]|<body[\s>]|<script[\s>]|<svg[\s>]|<\?xml\s)",
    re.I | re.M,
)
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~).*?^[ \t]{0,3}\1", re.M | re.S)
_BIBTEX_ENTRY = re.compile(r"^\s*@[A-Za-z]+\s*[{(]", re.MULTILINE)
_MARKDOWN = re.compile(r"^(#{1,6} \S|[-*] \S|\d+\. \S|```)", re.MULTILINE)

ALLOWED = "PDF, DOCX, plain text, Markdown, BibTeX or CSL-JSON"


@dataclass(frozen=True)
class Inspected:
    """An upload that passed every check, with what we learnt about it."""

    upload: Upload
    name: str
    kind: FileKind
    size: int
    sha256: str


def _name(upload: Upload) -> str:
    # Only the base name, never a client-supplied path.
    return PurePath((upload.name or "upload").replace("\\", "/")).name[:255] or "upload"


def _sha256(upload: Upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def _check_docx(stream: IO[bytes], name: str, size: int) -> None:
    """A DOCX is a zip: refuse one that would inflate too far before any parser touches it."""
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise FileProblem(
                    "unsupported_type",
                    f"{name}: this is a zip archive, not a Word document. Allowed: {ALLOWED}.",
                )
            if len(members) > DOCX_MAX_MEMBERS:
                raise FileProblem("docx_zip_bomb", f"{name}: the document has too many parts.")
            inflated = sum(m.file_size for m in members)
            if inflated > settings.DOCX_MAX_UNCOMPRESSED:
                raise FileProblem(
                    "docx_zip_bomb",
                    f"{name}: the document would unpack to {filesizeformat(inflated)}, over the "
                    f"{filesizeformat(settings.DOCX_MAX_UNCOMPRESSED)} limit.",
                )
            for member in members:
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size > RATIO_FLOOR and ratio > settings.DOCX_MAX_RATIO:
                    raise FileProblem(
                        "docx_zip_bomb",
                        f"{name}: a part of the document is compressed {ratio:,.0f} to 1, "
                        "which only a zip bomb does.",
                    )
            types = archive.getinfo("[Content_Types].xml")
            if types.file_size > RATIO_FLOOR or DOCX_MAIN.encode() not in archive.read(types):
                raise FileProblem(
                    "unsupported_type",
                    f"{name}: only plain Word documents (.docx) are accepted, not templates or "
                    "documents with macros.",
                )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, KeyError) as error:
        raise FileProblem("corrupt_docx", f"{name}: the Word document is damaged.") from error


def _check_pdf(stream: IO[bytes], name: str) -> None:
    """Opening reads only the trailer and cross-reference table; pages are parsed later."""

    def has_pages(reader: PdfReader) -> None:
        root = reader.trailer["/Root"].get_object()
        if not isinstance(root, DictionaryObject) or "/Pages" not in root:
            raise FileProblem("corrupt_pdf", f"{name}: the PDF has no pages.")

    read_pdf(stream, name, has_pages)


def _refuse_markup(text: str, name: str) -> None:
    head = text[:SNIFF_BYTES].lstrip("\ufeff \t\r\n\f")
    for pattern, what in _MARKUP_START:
        if pattern.match(head):
            raise FileProblem("unsupported_type", f"{name}: this is {what}. Allowed: {ALLOWED}.")
    markdown = PurePath(name).suffix.lower() in (".md", ".markdown")
    if not markdown and _HTML_START.match(head):
        raise FileProblem("unsupported_type", f"{name}: this is an HTML page. Allowed: {ALLOWED}.")
    if _MARKUP_INSIDE.search(_FENCE.sub("", head)):
        raise FileProblem(
            "unsupported_type",
            f"{name}: this contains an HTML, SVG or XML document. Allowed: {ALLOWED}.",
        )


def _text_kind(text: str, name: str) -> FileKind:
    suffix = PurePath(name).suffix.lower()
    stripped = text.lstrip()
    if stripped[:1] in "[{" and suffix not in (".md", ".markdown", ".txt", ".bib"):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if data is not None:
            items = data.get("items") if isinstance(data, dict) else data
            if isinstance(items, list) and all(isinstance(i, dict) for i in items):
                return FileKind.CSL_JSON
            raise FileProblem(
                "unsupported_type", f"{name}: JSON other than CSL-JSON is not accepted."
            )
    if suffix == ".bib" or (
        suffix not in (".md", ".markdown", ".txt") and _BIBTEX_ENTRY.search(text)
    ):
        return FileKind.BIBTEX
    if suffix in (".md", ".markdown") or _MARKDOWN.search(text):
        return FileKind.MARKDOWN
    return FileKind.TEXT


def sniff(upload: Upload, name: str) -> FileKind:
    """The file's kind from its bytes; the extension only tells text formats apart."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if b"%PDF-" in head[:1024]:
        _check_pdf(upload, name)
        return FileKind.PDF
    if head.startswith(b"PK\x03\x04"):
        _check_docx(upload, name, upload.size or 0)
        return FileKind.DOCX
    for signature, what in _FOREIGN:
        if head.startswith(signature):
            raise FileProblem("unsupported_type", f"{name}: this is {what}. Allowed: {ALLOWED}.")
    upload.seek(0)
    text = decode_text(upload.read(), name=name)
    upload.seek(0)
    if not text.strip():
        raise FileProblem("empty_file", f"{name}: the file has no text.")
    _refuse_markup(text, name)
    return _text_kind(text, name)


def inspect(upload: Upload) -> Inspected:
    """Check one upload; raises FileProblem with a per-file message."""
    name = _name(upload)
    size = upload.size or 0
    if size == 0:
        raise FileProblem("empty_file", f"{name}: the file is empty.")
    if size > settings.MAX_FILE_SIZE:
        raise FileProblem(
            "file_too_large",
            f"{name}: {filesizeformat(size)} is over the "
            f"{filesizeformat(settings.MAX_FILE_SIZE)} limit.",
        )
    kind = sniff(upload, name)
    return Inspected(upload=upload, name=name, kind=kind, size=size, sha256=_sha256(upload))


def check_count(count: int) -> None:
    if count > settings.MAX_FILE_COUNT:
        raise FileProblem(
            "too_many_files",
            f"{count} files sent; at most {settings.MAX_FILE_COUNT} can be uploaded at once.",
        )
