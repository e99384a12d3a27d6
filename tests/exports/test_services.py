from __future__ import annotations

import pytest

from apps.conversations.models import Run
from apps.conversations.services.managing import conversation_delete
from apps.exports.models import Export
from apps.exports.services.generation import export_generate
from apps.exports.services.rendering import TitlePageOptions
from apps.exports.services.requesting import (
    NothingToExport,
    RunNotFinished,
    UnsupportedFormat,
    export_request,
)
from apps.exports.tasks import generate_export
from tests.exports.conftest import finished_run
from tests.exports.readers import open_docx

pytestmark = pytest.mark.usefixtures("media_root")
NO_OPTIONS = TitlePageOptions()


def _request(run, format="docx", options=NO_OPTIONS):
    return export_request(run=run, format=format, options=options)


def test_first_request_queues_one_generation_after_commit(user, django_capture_on_commit_callbacks):
    run = finished_run(user=user)
    with django_capture_on_commit_callbacks() as queued:
        export = _request(run)
        again = _request(run)
    assert export.status == Export.Status.PENDING
    assert again.id == export.id
    assert len(queued) == 1  # the second ask waits for the first generation


def test_the_task_writes_the_file_and_names_it_after_title_and_version(user, media_root):
    run = finished_run(user=user)
    export = _request(run)
    generate_export.apply(args=(str(export.id),))
    export.refresh_from_db()
    assert export.status == Export.Status.READY
    assert export.filename == "urban-heat-islands-and-public-health-evidence-exposure-and-v1.docx"
    path = media_root / export.file.name
    assert path.parent == media_root / "exports" / str(run.id)
    assert open_docx(path.read_bytes()).core_properties.title.startswith("Urban heat")
    assert export.size == path.stat().st_size
    assert export.duration is not None


def test_generating_twice_keeps_one_file(user, media_root):
    export = _request(finished_run(user=user), format="pdf")
    first = export_generate(export_id=export.id)
    second = export_generate(export_id=export.id)
    assert first is not None
    assert second is not None
    assert first.file.name == second.file.name
    assert first.generated_at == second.generated_at  # the second run found it ready
    assert len(list((media_root / "exports").rglob("*.pdf"))) == 1


def test_a_ready_export_is_served_from_the_cache(user, django_capture_on_commit_callbacks):
    run = finished_run(user=user)
    export_generate(export_id=_request(run).id)
    with django_capture_on_commit_callbacks() as queued:
        export = _request(run)
    assert export.status == Export.Status.READY
    assert queued == []
    assert Export.objects.filter(run=run).count() == 1


def test_a_ready_export_whose_file_is_gone_is_made_again(
    user, media_root, django_capture_on_commit_callbacks
):
    run = finished_run(user=user)
    ready = export_generate(export_id=_request(run).id)
    assert ready is not None
    (media_root / ready.file.name).unlink()
    with django_capture_on_commit_callbacks() as queued:
        export = _request(run)
    assert export.status == Export.Status.PENDING
    assert len(queued) == 1


def test_a_ready_export_is_made_again_when_the_writer_changes_their_name(
    user, media_root, django_capture_on_commit_callbacks
):
    run = finished_run(user=user)
    user.first_name, user.last_name = "Ada", "Lovelace"
    user.save()
    ready = export_generate(export_id=_request(run).id)
    assert ready is not None
    assert ready.options["author"] == "Ada Lovelace"
    with django_capture_on_commit_callbacks() as queued:
        assert _request(run).status == Export.Status.READY  # the same name: the cached file
    assert queued == []
    user.first_name, user.last_name = "Ada", "King"
    user.save()
    with django_capture_on_commit_callbacks() as queued:
        export = _request(run)
    assert export.status == Export.Status.PENDING
    assert len(queued) == 1
    remade = export_generate(export_id=export.id)
    assert remade is not None
    assert remade.status == Export.Status.READY
    assert remade.options["author"] == "Ada King"
    paragraphs = open_docx(remade.file.read()).paragraphs
    assert "Ada King" in "\n".join(p.text for p in paragraphs)


def test_a_failed_export_reports_and_is_tried_again(user, django_capture_on_commit_callbacks):
    run = finished_run(user=user)
    export = _request(run)
    Export.objects.filter(pk=export.pk).update(status=Export.Status.FAILED, error="boom")
    with django_capture_on_commit_callbacks() as queued:
        failed = _request(run)
    assert failed.status == Export.Status.FAILED
    assert failed.error == "boom"
    assert len(queued) == 1
    failed.refresh_from_db()
    assert failed.status == Export.Status.PENDING


def test_title_page_fields_make_their_own_export(user):
    run = finished_run(user=user)
    plain = _request(run)
    with_course = _request(run, options=TitlePageOptions(course="GEOG 210", instructor="Dr Lee"))
    assert plain.id != with_course.id
    ready = export_generate(export_id=with_course.id)
    assert ready is not None
    texts = [p.text for p in open_docx(ready.file.read()).paragraphs[:8]]
    assert "GEOG 210" in texts
    assert "Dr Lee" in texts


def test_unknown_format_is_refused(user):
    with pytest.raises(UnsupportedFormat) as refused:
        _request(finished_run(user=user), format="odt")
    assert refused.value.status == 400
    assert refused.value.code == "unsupported_format"


@pytest.mark.parametrize("status", [Run.Status.QUEUED, Run.Status.RUNNING])
def test_a_run_in_flight_is_refused(user, status):
    with pytest.raises(RunNotFinished) as refused:
        _request(finished_run(user=user, status=status, document=""))
    assert refused.value.status == 409
    assert refused.value.code == "run_not_finished"


def test_a_run_that_wrote_nothing_has_nothing_to_export(user):
    with pytest.raises(NothingToExport):
        _request(finished_run(user=user, status=Run.Status.FAILED, document=""))


def test_a_stopped_run_exports_what_was_written_marked_incomplete(user):
    run = finished_run(
        user=user,
        status=Run.Status.CANCELLED,
        error_message="Stopped by the writer; the text so far is kept.",
        document="# Half an essay\n\n## 1. Introduction\n\nIt stopped here",
    )
    ready = export_generate(export_id=_request(run).id)
    assert ready is not None
    doc = open_docx(ready.file.read())
    assert doc.paragraphs[0].text.startswith("INCOMPLETE DRAFT")
    assert "Stopped by the writer" in doc.paragraphs[0].text
    assert ready.filename == "half-an-essay-v1.docx"


def test_versions_count_the_conversations_succeeded_runs(user):
    first = finished_run(user=user)
    second = finished_run(user=user, conversation=first.conversation)
    ready = export_generate(export_id=_request(second, format="md").id)
    assert ready is not None
    assert ready.filename.endswith("-v2.md")


def test_deleting_a_conversation_deletes_its_export_files(
    user, media_root, django_capture_on_commit_callbacks
):
    run = finished_run(user=user)
    ready = export_generate(export_id=_request(run).id)
    assert ready is not None
    path = media_root / ready.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        conversation_delete(conversation=run.conversation)
    assert not Export.objects.filter(pk=ready.pk).exists()
    assert not path.exists()
