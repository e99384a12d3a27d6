from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from apps.accounts.http import AuthedRequest
from apps.core.ratelimit import form_within_rate
from apps.files import selectors
from apps.files.forms import EntryBasicsForm, EntryForm, UploadForm
from apps.files.models import LibraryEntry
from apps.files.services import uploads
from apps.files.services.library import entry_update

LIBRARY_PAGE = 50
INVALID = 422  # htmx swaps 422 responses: they carry the form with its errors


def _list_context(request: AuthedRequest, form: UploadForm | None = None) -> dict[str, object]:
    return {
        "files": selectors.files_for(user=request.user),
        "form": form or UploadForm(),
        "entry_count": selectors.entries_for(user=request.user).count(),
    }


@login_required
@require_GET
def file_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "files/list.html", _list_context(request))


@login_required
@require_POST
def file_upload(request: AuthedRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not (form.is_valid() and form_within_rate(request, form)):
        if not request.htmx:
            context = _list_context(request, form)
            return render(request, "files/list.html", context, status=INVALID)
        response = render(request, "files/list.html#upload", {"form": form}, status=INVALID)
        return reswap(retarget(response, "#upload"), "outerHTML")
    uploads.files_upload(owner=request.user, inspected=form.cleaned_data["uploads"])
    if not request.htmx:
        return redirect("files:list")
    # The table with the new files, and a fresh upload form swapped in out of band.
    context = {**_list_context(request), "oob": True}
    return render(request, "files/list.html#after-upload", context)


@login_required
@require_GET
def library(request: AuthedRequest) -> HttpResponse:
    entries = selectors.entries_for(user=request.user).order_by("title")
    page = Paginator(entries, LIBRARY_PAGE).get_page(request.GET.get("page"))
    return render(request, "files/library.html", {"page": page})


@login_required
@require_GET
def file_row(request: AuthedRequest, file_id: str) -> HttpResponse:
    file = get_object_or_404(selectors.files_for(user=request.user), pk=file_id)
    return render(request, "files/list.html#file-row", {"file": file})


@login_required
@require_GET
def file_detail(request: AuthedRequest, file_id: str) -> HttpResponse:
    file = get_object_or_404(selectors.files_for(user=request.user), pk=file_id)
    context = {"file": file, "entries": file.entries.all(), "chunks": file.chunks.all()[:12]}
    return render(request, "files/detail.html", context)


@login_required
@require_GET
def file_download(request: AuthedRequest, file_id: str) -> FileResponse:
    file = get_object_or_404(selectors.files_for(user=request.user), pk=file_id)
    if not file.blob:
        raise Http404("This file's content was removed.")
    # Always an attachment, never rendered inline: uploaded content is data, not a page.
    return FileResponse(
        file.blob.open("rb"),
        as_attachment=True,
        filename=file.original_name,
        content_type="application/octet-stream",
    )


@login_required
@require_POST
def file_delete(request: AuthedRequest, file_id: str) -> HttpResponse:
    file = get_object_or_404(selectors.files_for(user=request.user), pk=file_id)
    uploads.file_delete(file=file)
    if request.htmx:
        return HttpResponse("")  # the row swaps itself out
    messages.success(request, f"Deleted {file.original_name}.")
    return redirect("files:list")


def _entry_context(request: AuthedRequest, entry: LibraryEntry, **extra: object) -> dict[str, Any]:
    # The library's table has a column the file page's has not: the row is drawn to match.
    data = request.POST if request.method == "POST" else request.GET
    return {"entry": entry, "in_library": data.get("in") == "library", **extra}


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: AuthedRequest, entry_id: str) -> HttpResponse:
    """Correct a work's metadata. From htmx, its title, authors and year in place of its table
    row; otherwise (and from "All details") every detail on a page of its own."""
    entry = get_object_or_404(selectors.entries_for(user=request.user), pk=entry_id)
    form_class = EntryBasicsForm if request.htmx else EntryForm
    form = form_class(request.POST if request.method == "POST" else None, entry=entry)
    if request.method == "POST" and form.is_valid():
        entry_update(
            entry=entry,
            title=form.cleaned_data["title"],
            authors=form.cleaned_data["authors"],
            year=form.cleaned_data["year"],
            details=form.details(),
        )
        if request.htmx:
            return render(request, "files/entry.html#row", _entry_context(request, entry))
        messages.success(request, "Saved: citations of this source use the new details.")
        return redirect("files:detail", file_id=entry.file_id)
    status = INVALID if form.errors else 200
    if request.htmx:
        context = _entry_context(request, entry, form=form)
        return render(request, "files/entry.html#form", context, status=status)
    return render(request, "files/entry_form.html", {"form": form, "entry": entry}, status=status)


@login_required
@require_GET
def entry_row(request: AuthedRequest, entry_id: str) -> HttpResponse:
    """A work's table row as it is saved (what "Cancel" puts back)."""
    entry = get_object_or_404(selectors.entries_for(user=request.user), pk=entry_id)
    return render(request, "files/entry.html#row", _entry_context(request, entry))
