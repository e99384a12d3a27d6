"""A writer corrects a source's metadata: in place on the library and file pages (htmx), or
on a page of its own without JavaScript; only their own sources."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.files.forms import authors_from_lines
from apps.files.models import LibraryEntry
from tests.files.builders import make_pdf, store_ready

HTMX = {"HX-Request": "true"}
BASICS = {"title": "Algorithmic triage: a review", "authors": "Smith, Jane\nWHO", "year": "2022"}


@pytest.fixture
def entry(user) -> LibraryEntry:
    # A PDF that states no year: the writer supplies it.
    return store_ready(
        user, "triage.pdf", make_pdf(metadata={"/Author": "Jane Smith"})
    ).entries.get()


def _edit(entry: LibraryEntry) -> str:
    return reverse("files:entry_edit", args=[entry.id])


def test_the_file_and_library_pages_offer_an_in_place_edit_with_a_plain_link(
    auth_client: Client, entry
):
    for page in (reverse("files:detail", args=[entry.file_id]), reverse("files:library")):
        html = auth_client.get(page).content.decode()
        assert f'id="entry-{entry.id}"' in html
        assert f'href="{_edit(entry)}"' in html  # works without JavaScript
        assert f'hx-get="{_edit(entry)}' in html
        assert "n.d." in html


def test_htmx_edit_answers_the_row_as_a_form_with_the_current_details(auth_client: Client, entry):
    response = auth_client.get(_edit(entry) + "?in=library", headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="entry-{entry.id}" class="entry editing">')
    assert 'colspan="6"' in html  # the library's table has a "From" column
    assert f'hx-post="{_edit(entry)}"' in html
    assert ">\nSmith, Jane</textarea>" in html
    assert '<input type="text" name="year" maxlength="10" aria' in html  # no year: empty
    assert 'name="csl_type"' not in html  # only title, authors and year in place
    assert "<html" not in html


def test_htmx_save_answers_the_updated_row_and_stores_the_details(auth_client: Client, entry):
    response = auth_client.post(_edit(entry), {**BASICS, "in": "library"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="entry-{entry.id}" class="entry">')
    assert "Algorithmic triage: a review" in html
    assert "Jane Smith; WHO" in html
    assert "<td>2022</td>" in html
    assert "triage.pdf" in html  # the library's "From" column
    entry.refresh_from_db()
    assert entry.title == "Algorithmic triage: a review"
    assert entry.authors == [{"family": "Smith", "given": "Jane"}, {"literal": "WHO"}]
    assert entry.year == 2022
    assert entry.to_csl()["issued"] == {"date-parts": [[2022]]}


def test_htmx_errors_come_back_in_the_form_as_422_and_nothing_is_saved(auth_client: Client, entry):
    response = auth_client.post(
        _edit(entry), {"title": "", "authors": ", Jane", "year": "soon"}, headers=HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="entry-{entry.id}" class="entry editing">')
    assert "This field is required." in html
    assert "Line 1: write a person as “Family, Given”." in html
    assert "Give the four-digit year the work was published" in html
    assert html.count('role="alert"') == 3
    before = entry.title
    entry.refresh_from_db()
    assert (entry.title, entry.year) == (before, None)


def test_cancel_puts_the_saved_row_back(auth_client: Client, entry):
    response = auth_client.get(reverse("files:entry_row", args=[entry.id]), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="entry-{entry.id}" class="entry">')
    assert "colspan" not in html
    assert "triage.pdf</a>" not in html  # the file page's row has no "From" column


def test_without_htmx_the_whole_page_form_saves_every_detail_and_redirects(
    auth_client: Client, entry
):
    page = auth_client.get(_edit(entry))
    assert page.status_code == 200
    assert b"<html" in page.content
    assert b'name="csl_type"' in page.content
    response = auth_client.post(
        _edit(entry),
        {
            **BASICS,
            "authors": "Smith, Jane\nWorld Health Organization",
            "csl_type": "article-journal",
            "container_title": "BMJ",
            "publisher": "",
            "doi": "10.1/bmj",
            "url": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("files:detail", args=[entry.file_id])
    entry.refresh_from_db()
    assert entry.authors == [
        {"family": "Smith", "given": "Jane"},
        {"literal": "World Health Organization"},
    ]
    assert (entry.year, entry.container_title, entry.csl_type, entry.doi) == (
        2022,
        "BMJ",
        "article-journal",
        "10.1/bmj",
    )


def test_without_htmx_errors_show_the_whole_page_with_field_errors(auth_client: Client, entry):
    response = auth_client.post(_edit(entry), {"title": "x", "csl_type": "book", "year": "20"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html
    assert "Give the four-digit year the work was published" in html
    entry.refresh_from_db()
    assert entry.title != "x"


def test_a_year_can_be_cleared_to_no_date(auth_client: Client, entry):
    auth_client.post(_edit(entry), {**BASICS, "year": "2020"}, headers=HTMX)
    auth_client.post(_edit(entry), {**BASICS, "year": "n.d."}, headers=HTMX)
    entry.refresh_from_db()
    assert entry.year is None


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_another_users_library_entry_is_not_found(other_client: Client, entry, headers):
    assert other_client.get(_edit(entry), headers=headers).status_code == 404
    response = other_client.post(_edit(entry), BASICS, headers=headers)
    assert response.status_code == 404
    row = reverse("files:entry_row", args=[entry.id])
    assert other_client.get(row, headers=headers).status_code == 404
    entry.refresh_from_db()
    assert entry.title != BASICS["title"]


def test_editing_needs_a_login(client: Client, entry):
    response = client.post(_edit(entry), BASICS)
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Smith, Jane\nKim, Jae-woo",
            [{"family": "Smith", "given": "Jane"}, {"family": "Kim", "given": "Jae-woo"}],
        ),
        (
            "King, Martin Luther, Jr.",
            [{"family": "King", "given": "Martin Luther", "suffix": "Jr."}],
        ),
        (
            "Smith, Jane; World Health Organization",
            [{"family": "Smith", "given": "Jane"}, {"literal": "World Health Organization"}],
        ),
        ("\n  \n", []),
    ],
)
def test_authors_are_read_one_a_line(text, names):
    assert authors_from_lines(text) == names


def test_the_service_refuses_to_change_anything_but_the_editable_details(entry):
    from apps.files.services.library import entry_update

    with pytest.raises(ValueError, match="owner_id"):
        entry_update(entry=entry, title="t", authors=[], year=None, details={"owner_id": "x"})
