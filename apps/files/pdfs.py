"""Opening a PDF, with every way it can fail said in words: at upload and again in extraction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TypeVar

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from apps.files.errors import FileProblem

T = TypeVar("T")


@contextmanager
def _pdf_problems(name: str) -> Iterator[None]:
    try:
        yield
    except FileProblem:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        raise FileProblem(
            "corrupt_pdf", f"{name}: the PDF is damaged and cannot be read."
        ) from error
    except NotImplementedError as error:  # an encryption scheme pypdf cannot open
        raise FileProblem(
            "encrypted_pdf", f"{name}: the PDF is encrypted in a way that cannot be opened."
        ) from error


def read_pdf(source: IO[bytes] | Path, name: str, then: Callable[[PdfReader], T]) -> T:
    """Open the PDF (reading only its trailer and cross-reference table), refuse it if it is
    password-protected, then run `then` on it; any parser failure becomes a FileProblem."""
    with _pdf_problems(name):
        reader = PdfReader(source, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileProblem(
                "encrypted_pdf",
                f"{name}: the PDF is password-protected. Remove the password and upload it again.",
            )
        return then(reader)
