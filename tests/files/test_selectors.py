"""Reads of a writer's files, library entries and passages."""

from __future__ import annotations

import uuid

from apps.files import selectors
from apps.files.models import UploadedFile
from tests.files.builders import store, store_ready

NOTES = b"Urban heat islands warm cities at night.\n\nStreet trees cool the streets down."
MORE = b"Dark roofs store the heat of the day.\n\nWhite roofs reflect the sunlight back."


def test_a_writer_sees_only_their_own_files_and_entries(user, other_user, media_root):
    mine = store_ready(user, "mine.txt", NOTES)
    store_ready(other_user, "theirs.txt", MORE)
    assert list(selectors.files_for(user=user)) == [mine]
    assert [e.file_id for e in selectors.entries_for(user=user)] == [mine.id]


def test_a_file_still_being_read_can_be_attached_and_a_failed_one_cannot(user, media_root):
    ready = store_ready(user, "ready.txt", NOTES)
    reading = store(user, "reading.txt", MORE)
    failed = store(user, "failed.txt", b"x" * 10)
    UploadedFile.objects.filter(pk=failed.pk).update(status=UploadedFile.Status.FAILED)
    assert set(selectors.attachable_files(user=user)) == {ready, reading}


def test_missing_ids_are_the_ones_not_the_writers_own_in_the_order_given(
    user, other_user, media_root
):
    mine = store(user, "mine.txt", NOTES)
    theirs = store(other_user, "theirs.txt", MORE)
    unknown = uuid.uuid4()
    wanted = [unknown, mine.id, theirs.id, unknown]
    assert selectors.missing_file_ids(user=user, file_ids=wanted) == [unknown, theirs.id]
    assert selectors.missing_file_ids(user=user, file_ids=[mine.id]) == []


def test_files_by_ids_come_in_upload_order(user, media_root):
    first = store(user, "first.txt", NOTES)
    second = store(user, "second.txt", MORE)
    assert list(selectors.files_by_ids(file_ids=[second.id, first.id])) == [first, second]


def test_passages_come_from_ready_files_in_order_up_to_the_limit(user, media_root):
    first = store_ready(user, "first.txt", NOTES)
    second = store_ready(user, "second.txt", MORE)
    reading = store(user, "reading.txt", b"Not read yet, so not a passage anyone can quote.")
    chunks = list(selectors.chunks_for_files(file_ids=[second.id, reading.id, first.id], limit=10))
    assert [(c.file_id, c.ordinal) for c in chunks] == [
        (first.id, 0),
        (first.id, 1),
        (second.id, 0),
        (second.id, 1),
    ]
    assert chunks[0].text == "Urban heat islands warm cities at night."
    limited = selectors.chunks_for_files(file_ids=[first.id, second.id], limit=3)
    assert len(list(limited)) == 3
