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
