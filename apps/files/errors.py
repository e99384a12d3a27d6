"""Why a file was refused or could not be read: a code for programs, a sentence for people."""

from __future__ import annotations


class FileProblem(Exception):
    """Raised for bad input. `code` is stable (API `error_code`); `message` names the file."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class FileNotFound(Exception):
    """A file id that is not one of the user's own files."""

    def __init__(self, file_id: object) -> None:
        super().__init__(f"File {file_id} was not found.")
        self.file_id = file_id


class ExtractionTimeout(BaseException):
    """The parser ran past FILE_EXTRACT_TIME_LIMIT (a PDF that makes it loop, say).

    A BaseException, like KeyboardInterrupt, so that a parser's own `except Exception` cannot
    swallow it and carry on looping."""
