from __future__ import annotations

import pytest

from apps.files.errors import FileProblem
from apps.files.inspection import check_count, inspect
from apps.files.models import FileKind
from tests.files.builders import (
    BIBTEX,
    CSL_JSON,
    make_docx,
    make_pdf,
    make_zip_bomb,
    upload,
)


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("paper.pdf", make_pdf(), FileKind.PDF),
        ("paper.txt", make_pdf(), FileKind.PDF),  # judged by content, not by the extension
        ("interviews.docx", make_docx(), FileKind.DOCX),
        ("notes.txt", b"Plain notes about triage.\n", FileKind.TEXT),
        ("notes.md", b"# Notes\n\nSome *notes*.\n", FileKind.MARKDOWN),
        ("notes", b"# Notes\n\n- a list\n", FileKind.MARKDOWN),
        ("refs.bib", BIBTEX.encode(), FileKind.BIBTEX),
        ("refs.json", CSL_JSON.encode(), FileKind.CSL_JSON),
    ],
)
def test_allowed_kinds_are_recognised_by_content(name, data, kind):
    inspected = inspect(upload(name, data))
    assert inspected.kind == kind
    assert inspected.size == len(data)
    assert len(inspected.sha256) == 64


@pytest.mark.parametrize(
    ("name", "data", "code", "says"),
    [
        ("report.pdf", b"MZ\x90\x00" + b"\x00" * 200, "unsupported_type", "Windows program"),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "unsupported_type", "PNG image"),
        ("old.docx", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "unsupported_type", "save it as DOCX"),
        ("empty.pdf", b"", "empty_file", "empty"),
        ("blank.txt", b"   \n\n  ", "empty_file", "no text"),
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog", "corrupt_pdf", "damaged"),
        ("secret.pdf", make_pdf(password="s3cret"), "encrypted_pdf", "password"),
        ("bomb.docx", make_zip_bomb(), "docx_zip_bomb", "zip bomb"),
        ("data.json", b'{"a": 1}', "unsupported_type", "CSL-JSON"),
        ("noise.txt", bytes(range(128, 256)) * 20, "unknown_encoding", "not readable text"),
        ("ctrl.txt", bytes([1, 2, 3, 4, 5, 6, 7, 14, 15, 16]) * 100, "unknown_encoding", "UTF-8"),
    ],
)
def test_bad_files_are_refused_with_a_per_file_reason(name, data, code, says):
    with pytest.raises(FileProblem) as caught:
        inspect(upload(name, data))
    assert caught.value.code == code
    assert caught.value.message.startswith(f"{name}:")
    assert says in caught.value.message


def test_a_docx_that_would_unpack_past_the_limit_is_refused(settings):
    settings.DOCX_MAX_UNCOMPRESSED = 1024 * 1024
    with pytest.raises(FileProblem) as caught:
        inspect(upload("big.docx", make_zip_bomb(inflated=2 * 1024 * 1024)))
    assert caught.value.code == "docx_zip_bomb"
    assert "over the" in caught.value.message


def test_a_zip_that_is_not_a_word_document_is_refused():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(FileProblem) as caught:
        inspect(upload("archive.docx", out.getvalue()))
    assert caught.value.code == "unsupported_type"


def test_size_limit(settings):
    settings.MAX_FILE_SIZE = 2048
    with pytest.raises(FileProblem) as caught:
        inspect(upload("long.txt", b"word " * 1000))
    assert caught.value.code == "file_too_large"
    assert "5.0\xa0KB" in caught.value.message or "KB" in caught.value.message


def test_count_limit(settings):
    settings.MAX_FILE_COUNT = 3
    check_count(3)
    with pytest.raises(FileProblem) as caught:
        check_count(4)
    assert caught.value.code == "too_many_files"


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("latin-1", "Café au lait, naïve façade: über die Brücke gehen wir heute.\n" * 5),
        ("cp1252", "“Smart quotes” and an en dash – typed in Word on Windows.\n" * 5),
        ("utf-16", "Unicode notes: 東京 and Zürich.\n" * 5),
    ],
)
def test_text_in_other_encodings_is_read(encoding, text):
    from apps.files.textcodec import decode_text

    assert decode_text(text.encode(encoding), name="notes.txt").strip() == text.strip()


PAGE = b"<html><body><script>alert(document.cookie)</script><p>Hello</p></body></html>"


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("page.html", PAGE, "HTML page"),
        ("script.html.pdf", PAGE, "HTML page"),
        ("notes.txt", PAGE, "HTML page"),
        ("notes.md", PAGE, "HTML page"),
        ("doc.txt", b"\n  <!DOCTYPE html>\n<title>x</title><p>words</p>", "HTML page"),
        ("frag.txt", b"<div class='x'>Some words</div>", "HTML page"),
        ("bom.txt", "\ufeff<script>alert(1)</script>".encode(), "HTML page"),
        ("utf16.txt", "<html><body>hi</body></html>".encode("utf-16"), "HTML page"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>', "SVG"),
        ("feed.txt", b'<?xml version="1.0"?><rss><channel/></rss>', "XML document"),
        ("run.txt", b"#!/bin/sh\nrm -rf ~\n", "script"),
        ("index.txt", b"<?php echo $_GET['x']; ?>", "PHP script"),
        ("late.md", b"# Notes\n\nSome notes.\n\n<script>steal()</script>\n", "HTML, SVG or XML"),
        ("image.md", b"# Logo\n\n<svg onload=alert(1)>\n", "HTML, SVG or XML"),
    ],
)
def test_markup_and_scripts_are_refused_whatever_the_name(name, data, says):
    with pytest.raises(FileProblem) as caught:
        inspect(upload(name, data))
    assert caught.value.code == "unsupported_type"
    assert says in caught.value.message


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("readme.md", b'<p align="center">Logo</p>\n\n# Project\n\nText.\n', FileKind.MARKDOWN),
        (
            "xss.md",
            b"# XSS\n\nAn attack looks like this:\n\n```html\n<script>alert(1)</script>\n```\n",
            FileKind.MARKDOWN,
        ),
        ("maths.txt", b"We know 3 < 4 and <b> is bold in HTML, said the notes.\n", FileKind.TEXT),
        (
            "notes.txt",
            b"Use the <html> element, wrote Berners-Lee, to start a page.\n",
            FileKind.TEXT,
        ),
    ],
)
def test_text_and_markdown_that_mention_markup_are_still_accepted(name, data, kind):
    assert inspect(upload(name, data)).kind == kind
