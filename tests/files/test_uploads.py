from __future__ import annotations

from apps.files.uploads import OversizedUpload, SizeLimitUploadHandler


def test_bytes_past_the_limit_are_swallowed_and_only_the_size_is_kept(settings):
    settings.MAX_FILE_SIZE = 10
    handler = SizeLimitUploadHandler()
    handler.new_file("files", "big.pdf", "application/pdf", 100)
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"  # under the limit: passed on
    assert handler.receive_data_chunk(b"678901", 5) is None  # over it: kept by nobody
    assert handler.receive_data_chunk(b"more", 11) is None
    stand_in = handler.file_complete(15)
    assert isinstance(stand_in, OversizedUpload)
    assert (stand_in.name, stand_in.size, stand_in.read()) == ("big.pdf", 15, b"")


def test_a_file_within_the_limit_is_left_to_the_usual_handlers(settings):
    settings.MAX_FILE_SIZE = 10
    handler = SizeLimitUploadHandler()
    handler.new_file("files", "small.txt", "text/plain", 5)
    assert handler.receive_data_chunk(b"hello", 0) == b"hello"
    assert handler.file_complete(5) is None
