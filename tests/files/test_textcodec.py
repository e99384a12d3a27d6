"""Text in whatever encoding the user's editor chose, or a clear refusal."""

from __future__ import annotations

import codecs

import pytest

from apps.files.errors import FileProblem
from apps.files.textcodec import decode_text

TEXT = "Café culture in Zürich: naïve façades, “quoted” — 5 €."


def test_utf8_is_read_as_it_is():
    assert decode_text(TEXT.encode("utf-8"), name="a.txt") == TEXT


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
    ],
)
def test_a_byte_order_mark_names_the_encoding_and_is_dropped(bom: bytes, encoding: str):
    assert decode_text(bom + TEXT.encode(encoding), name="a.txt") == TEXT


def test_a_western_windows_file_is_read_as_cp1252():
    text = (
        "The café’s naïve owner said “it’s fine” — twice. Œuvre complète, déjà vu, "
        "smörgåsbord and crème brûlée were on the menu for €12."
    )
    assert decode_text(text.encode("cp1252"), name="notes.txt") == text


def test_line_endings_become_newlines():
    assert decode_text(b"one\r\ntwo\rthree\n", name="a.txt") == "one\ntwo\nthree\n"


def test_binary_bytes_are_refused_with_the_files_name():
    data = bytes(range(0, 32)) * 40
    with pytest.raises(FileProblem) as refused:
        decode_text(data, name="image.txt")
    assert refused.value.code == "unknown_encoding"
    assert refused.value.message.startswith("image.txt: this is not readable text")


def test_a_bom_over_bytes_that_do_not_decode_is_refused():
    with pytest.raises(FileProblem):
        decode_text(codecs.BOM_UTF32_LE + b"\xff\xff\xff\xff" * 10, name="x.txt")


def test_a_few_stray_control_characters_are_tolerated_and_many_are_not():
    prose = "word " * 200
    assert decode_text((prose + "\x07").encode(), name="a.txt").endswith("\x07")
    with pytest.raises(FileProblem):
        decode_text((prose + "\x07" * 50).encode(), name="a.txt")
