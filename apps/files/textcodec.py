"""Text in whatever encoding the user's editor chose, or a clear refusal."""

from __future__ import annotations

import codecs
import unicodedata

from charset_normalizer import from_bytes

from apps.files.errors import FileProblem

# When the detector hesitates between a common Western encoding and a rare one that decodes the
# same bytes just as cleanly, the common one is almost always right (cp1252 over cp775, say).
_COMMON = ("utf_8", "cp1252", "latin_1", "iso8859_15", "utf_16", "utf_32", "mac_roman")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
MAX_CONTROL_SHARE = 0.01


def _readable(text: str) -> bool:
    controls = sum(
        1 for ch in text if unicodedata.category(ch) in ("Cc", "Cs", "Co") and ch not in "\n\r\t\f"
    )
    return controls <= MAX_CONTROL_SHARE * max(len(text), 1)


def decode_text(data: bytes, *, name: str) -> str:
    """Decode `data`, or raise FileProblem(unknown_encoding)."""
    text: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                text = None
            break
    else:
        if b"\x00" not in data:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = None
    if text is None:
        matches = from_bytes(data)
        best = matches.best()
        if best is not None:
            for match in matches:
                if match.encoding in _COMMON and match.percent_chaos <= best.percent_chaos:
                    best = match
                    break
            text = str(best)
    if text is None or not _readable(text):
        raise FileProblem(
            "unknown_encoding",
            f"{name}: this is not readable text in any known encoding. Save it as UTF-8 text.",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")
