from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile as Upload
from django.template.defaultfilters import filesizeformat

from apps.files.errors import FileProblem
from apps.files.inspection import Inspected, check_count, inspect
from apps.files.models import LibraryEntry, csl_name

ACCEPT = ".pdf,.docx,.txt,.md,.markdown,.bib,.json"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, each checked on its own: the errors name the file."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text",
            f"PDF, DOCX, TXT, Markdown, BibTeX or CSL-JSON; up to {settings.MAX_FILE_COUNT} "
            f"files of {filesizeformat(settings.MAX_FILE_SIZE)} each.",
        )
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"multiple": True, "accept": ACCEPT})

    def clean(self, data: Any, initial: Any = None) -> list[Inspected]:
        uploads: Sequence[Upload] = (
            data if isinstance(data, list | tuple) else [data] if data else []
        )
        if not uploads:
            if self.required:
                raise forms.ValidationError("Choose at least one file.", code="required")
            return []
        try:
            check_count(len(uploads))
        except FileProblem as problem:
            raise forms.ValidationError(problem.message, code=problem.code) from problem
        checked: list[Inspected] = []
        errors: list[forms.ValidationError] = []
        for upload in uploads:
            try:
                checked.append(inspect(upload))
            except FileProblem as problem:
                errors.append(forms.ValidationError(problem.message, code=problem.code))
        if errors:
            raise forms.ValidationError(errors)
        return checked


class FileChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """The user's files to attach, each saying whether it is still being read."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.original_name} (being read)" if obj.is_pending else obj.original_name


class UploadForm(forms.Form):
    uploads = MultipleFileField(label="Add files")


MAX_AUTHORS = 100
NAME_PART = 200
NO_YEAR = frozenset({"", "n.d.", "n.d", "nd", "no date"})


def authors_as_lines(authors: list[dict[str, str]]) -> str:
    """CSL names one a line, as the authors field shows them: "Family, Given", or a name kept
    whole (an organisation)."""
    lines = []
    for name in authors:
        if "family" in name:
            parts = [name["family"], name.get("given", ""), name.get("suffix", "")]
            lines.append(", ".join(p for p in parts if p))
        else:
            lines.append(csl_name(name))
    return "\n".join(lines)


def authors_from_lines(text: str) -> list[dict[str, str]]:
    """One name a line (or several separated by ";"): "Family, Given[, Suffix]" is a person;
    a name without a comma is kept whole, as an organisation's ("World Health Organization").
    Raises ValidationError naming the line that cannot be used."""
    names: list[dict[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for part in (p.strip() for p in line.split(";")):
            if not part:
                continue
            if "," in part:
                family, _, rest = (p.strip() for p in part.partition(","))
                given, _, suffix = (p.strip() for p in rest.partition(","))
                name = {"family": family, "given": given, "suffix": suffix}
                if not family:
                    raise forms.ValidationError(
                        f"Line {number}: write a person as “Family, Given”.", code="no_family"
                    )
            else:
                name = {"literal": " ".join(part.split())}
            if any(len(value) > NAME_PART for value in name.values()):
                raise forms.ValidationError(
                    f"Line {number}: a name can be at most {NAME_PART} characters.", code="long"
                )
            names.append({k: v for k, v in name.items() if v})
    if len(names) > MAX_AUTHORS:
        raise forms.ValidationError(f"At most {MAX_AUTHORS} authors.", code="too_many")
    return names


class EntryBasicsForm(forms.Form):
    """What citations of a work are built from and extraction most often gets wrong: its
    title, authors and year. Edited in place, on the library and file pages."""

    title = forms.CharField(max_length=2000, widget=forms.TextInput())
    authors = forms.CharField(
        label="Authors",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line: a person as “Family, Given”; a line without a comma is kept "
        "whole, as an organisation’s name.",
    )
    year = forms.CharField(
        label="Year",
        required=False,
        max_length=10,
        help_text="The year the work was published. Leave it empty when the work states none: "
        "it is cited as “n.d.”.",
    )

    def __init__(self, *args: Any, entry: LibraryEntry, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_for(entry))
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(entry: LibraryEntry) -> dict[str, Any]:
        return {
            "title": entry.title,
            "authors": authors_as_lines(entry.authors),
            "year": entry.year or "",
        }

    def clean_title(self) -> str:
        return " ".join(str(self.cleaned_data["title"]).split())

    def clean_authors(self) -> list[dict[str, str]]:
        return authors_from_lines(self.cleaned_data["authors"])

    def clean_year(self) -> int | None:
        raw = self.cleaned_data["year"].strip().lower()
        if raw in NO_YEAR:
            return None
        if not (raw.isdigit() and len(raw) == 4) or not 1000 <= int(raw) <= date.today().year + 1:
            raise forms.ValidationError(
                "Give the four-digit year the work was published, or leave it empty (n.d.).",
                code="invalid_year",
            )
        return int(raw)

    def details(self) -> dict[str, str]:
        """Fields besides title, authors and year (none here)."""
        return {}


class EntryForm(EntryBasicsForm):
    """Every detail citations are built from, on a page of its own."""

    csl_type = forms.CharField(label="Kind (CSL type)", max_length=40)
    container_title = forms.CharField(
        label="Journal / book / venue", required=False, max_length=2000, widget=forms.TextInput()
    )
    publisher = forms.CharField(required=False, max_length=300)
    doi = forms.CharField(label="DOI", required=False, max_length=200)
    url = forms.URLField(label="URL", required=False, max_length=1000, assume_scheme="https")

    @staticmethod
    def initial_for(entry: LibraryEntry) -> dict[str, Any]:
        return {
            **EntryBasicsForm.initial_for(entry),
            **{name: getattr(entry, name) for name in DETAILS},
        }

    def details(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in DETAILS}


DETAILS = ("csl_type", "container_title", "publisher", "doi", "url")
