from __future__ import annotations

import pytest

from apps.core.metrics import read_back, reset_all
from apps.files.models import LibraryEntry, TextChunk, UploadedFile
from apps.files.services.extraction import file_extract
from tests.files.builders import (
    BIBTEX,
    CSL_JSON,
    make_docx,
    make_pdf,
    make_slow_pdf,
    store,
    store_ready,
    stored_files,
)

META = {"/Title": "Algorithmic Triage", "/Author": "Jane Smith; Omar Haddad"}


def test_pdf_text_is_chunked_per_page_with_metadata_from_its_properties(user):
    data = make_pdf(
        metadata={**META, "/CreationDate": "D:20230109"},
        xmp={"prism:publicationDate": "2021-02-03"},
    )
    file = store_ready(user, "triage.pdf", data)
    assert file.status == UploadedFile.Status.READY
    assert (file.page_count, file.progress) == (3, 100)
    assert file.word_count
    assert file.word_count > 40
    chunks = list(file.chunks.order_by("ordinal"))
    assert [c.page for c in chunks] == [1, 2, 3]
    assert "under-prioritised older patients" in chunks[2].text
    entry = file.entries.get()
    assert entry.title == "Algorithmic Triage"
    assert entry.authors == [
        {"family": "Smith", "given": "Jane"},
        {"family": "Haddad", "given": "Omar"},
    ]
    assert entry.year == 2021


def test_pdf_without_properties_is_titled_from_its_first_page(user):
    file = store_ready(user, "scan_0042.pdf", make_pdf())
    assert file.entries.get().title == "Algorithmic Triage in Emergency Departments"


def test_pdf_with_no_text_is_titled_from_its_name_or_fails_clearly(user, media_root):
    file = store_ready(user, "scan_0042.pdf", make_pdf([[], []]))
    assert (file.status, file.error_code) == (UploadedFile.Status.FAILED, "no_text")
    assert "OCR" in file.error_message
    assert not file.blob
    assert stored_files(media_root) == []


def test_docx_paragraphs_headings_tables_and_page_breaks(user):
    file = store_ready(user, "interviews.docx", make_docx())
    assert file.status == UploadedFile.Status.READY
    assert file.page_count == 2
    chunks = list(file.chunks.order_by("ordinal"))
    workload = next(c for c in chunks if "second opinion" in c.text)
    assert (workload.page, workload.heading) == (1, "Workload")
    accountability = next(c for c in chunks if "who is accountable" in c.text)
    assert (accountability.page, accountability.heading) == (2, "Accountability")
    assert any("62 percent" in c.text for c in chunks)  # table text is kept
    entry = file.entries.get()
    assert entry.title == "Nurses and Automated Triage"
    assert entry.authors == [{"family": "Khan", "given": "Amira"}]


def test_text_in_latin_1_with_paragraph_locators(user):
    text = "Première partie: le triage automatisé.\n\nDeuxième paragraphe, très court mais réel."
    file = store_ready(user, "notes_fr.txt", text.encode("latin-1"))
    chunks = list(file.chunks.order_by("ordinal"))
    assert [c.paragraph for c in chunks] == [1, 2]
    assert chunks[0].text == "Première partie: le triage automatisé."
    assert file.entries.get().title == "notes fr"


def test_markdown_headings_become_context_and_markup_is_dropped(user):
    text = (
        "# Field notes\n\n## Night shift\n\nThe **triage** screen was [often](http://x) ignored.\n"
    )
    file = store_ready(user, "notes.md", text.encode())
    chunk = file.chunks.get()
    assert (chunk.heading, chunk.text) == ("Night shift", "The triage screen was often ignored.")
    assert file.entries.get().title == "Field notes"


def test_bibtex_entries_join_the_library_with_full_metadata(user):
    file = store_ready(user, "library.bib", BIBTEX.encode())
    assert file.status == UploadedFile.Status.READY
    assert file.entry_count == 2
    assert "could not be read (line" in file.notes  # the unterminated record
    smith = LibraryEntry.objects.get(owner=user, citation_key="smith2020")
    assert smith.csl_type == "article-journal"
    assert smith.title == "Machine Learning for Emergency Triage"
    assert smith.authors == [
        {"family": "Smith", "given": "Jane"},
        {"family": "Müller", "given": "Karl"},
    ]
    assert (smith.year, smith.container_title) == (2020, "Journal of Emergency Medicine")
    assert (smith.doi, smith.url) == ("10.1000/jem.2020.58", "https://example.org/triage")
    assert smith.extra["volume"] == "58"
    assert smith.extra["page"] == "201–210"
    who = LibraryEntry.objects.get(owner=user, citation_key="who2021")
    assert who.authors == [{"literal": "World Health Organization"}]
    assert (who.csl_type, who.publisher) == ("report", "World Health Organization")
    # Each record is rankable by its title and abstract.
    assert "five emergency departments" in smith.chunks.get().text


def test_csl_json_entries_join_the_library(user):
    file = store_ready(user, "zotero.json", CSL_JSON.encode())
    assert (file.status, file.entry_count) == (UploadedFile.Status.READY, 1)
    assert "without a title were skipped" in file.notes
    entry = file.entries.get()
    assert entry.authors[0] == {"family": "Obermeyer", "given": "Ziad"}
    assert (entry.year, entry.container_title, entry.doi) == (
        2019,
        "Science",
        "10.1126/science.aax2342",
    )
    assert entry.to_csl()["volume"] == "366"


def test_bibtex_without_any_readable_record_fails_and_leaves_nothing(user, media_root):
    file = store_ready(user, "empty.bib", b"@comment{nothing here}\n")
    assert (file.status, file.error_code) == (UploadedFile.Status.FAILED, "no_entries")
    assert not LibraryEntry.objects.exists()
    assert not TextChunk.objects.exists()
    assert stored_files(media_root) == []


# The alarm may land in a finaliser, which swallows it (the next one stops the parser).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_pdf_that_makes_the_parser_loop_is_stopped_by_the_time_limit(user, settings, media_root):
    settings.FILE_EXTRACT_TIME_LIMIT = 0.5
    file = store_ready(user, "loop.pdf", make_slow_pdf())
    assert (file.status, file.error_code) == (UploadedFile.Status.FAILED, "extraction_timeout")
    assert "longer than 0.5 seconds" in file.error_message
    # Only the name and the reason are kept: no bytes, no chunks, no library entry.
    assert not file.blob
    assert stored_files(media_root) == []
    assert not TextChunk.objects.exists()
    assert not LibraryEntry.objects.exists()


def test_a_pdf_damaged_past_its_header_fails_in_extraction(user, media_root):
    data = make_pdf()
    # Keep the trailer readable, wreck every page's content stream reference.
    damaged = data.replace(b"/Contents", b"/Contentz").replace(b"/Type /Pages", b"/Type /Pagez")
    file = store(user, "damaged.pdf", damaged)
    file_extract(file_id=file.id)
    file.refresh_from_db()
    assert file.status == UploadedFile.Status.FAILED
    assert file.error_code in ("corrupt_pdf", "no_text")
    assert stored_files(media_root) == []


def test_extraction_runs_once_even_if_the_task_is_delivered_twice(user):
    file = store_ready(user, "triage.pdf", make_pdf())
    chunks = list(file.chunks.values_list("id", flat=True))
    assert file_extract(file_id=file.id) is None
    assert list(file.chunks.values_list("id", flat=True)) == chunks


def test_a_file_that_crashed_the_worker_twice_is_failed_not_retried(user, media_root):
    file = store(user, "triage.pdf", make_pdf())
    UploadedFile.objects.filter(pk=file.pk).update(
        status=UploadedFile.Status.EXTRACTING, attempts=2
    )
    assert file_extract(file_id=file.id) is None
    file.refresh_from_db()
    assert (file.status, file.error_code) == (UploadedFile.Status.FAILED, "extraction_failed")
    assert "crashed" in file.error_message
    assert stored_files(media_root) == []


def test_pdf_headings_are_title_like_lines_between_sentences():
    from apps.files.extraction.pdf import _blocks

    raw = (
        "Algorithmic Triage in Emergency Departments\n"
        "Hospitals use models built by vendors such as\n"
        "Epic Systems and Philips for the first assessment.\n"
        "2.1 Data Sources\n"
        "Records came from five hospitals.\n"
        "RESULTS\n"
        "Waiting times fell."
    )
    assert _blocks(raw, "") == [
        (
            "Hospitals use models built by vendors such as Epic Systems and Philips for the "
            "first assessment.",
            "Algorithmic Triage in Emergency Departments",
        ),
        ("Records came from five hospitals.", "2.1 Data Sources"),
        ("Waiting times fell.", "RESULTS"),
    ]


def test_each_extraction_is_counted_by_its_outcome(user, media_root):
    reset_all()
    store_ready(user, "notes.txt", b"A paragraph of plain notes.\n\nAnother one.")
    store_ready(user, "empty.bib", b"@comment{nothing here}\n")
    found = read_back()
    assert found[("handywriterz_upload_extractions_total", ("ready",))] == 1
    assert found[("handywriterz_upload_extractions_total", ("no_entries",))] == 1
