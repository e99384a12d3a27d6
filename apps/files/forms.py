from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile as Upload
from django.template.defaultfilters import filesizeformat

from apps.files.errors import FileProblem
from apps.files.extraction.metadata import parse_names, year_from
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


class EntryForm(forms.ModelForm[LibraryEntry]):
    """The metadata citations are built from, for the user to correct."""

    authors_text = forms.CharField(
        label="Authors",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line: “Family, Given”, or an organisation’s name.",
    )
    year_text = forms.CharField(label="Year", required=False, max_length=10)
    url = forms.URLField(label="URL", required=False, max_length=1000, assume_scheme="https")

    class Meta:
        model = LibraryEntry
        fields = ["title", "csl_type", "container_title", "publisher", "doi", "url"]
        labels = {"csl_type": "Kind (CSL type)", "container_title": "Journal / book / venue"}
        widgets = {"title": forms.TextInput(), "container_title": forms.TextInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["authors_text"].initial = "\n".join(
                f"{a['family']}, {a.get('given', '')}".rstrip(", ")
                if "family" in a
                else csl_name(a)
                for a in self.instance.authors
            )
            self.fields["year_text"].initial = self.instance.year or ""

    def clean_year_text(self) -> int | None:
        raw = self.cleaned_data["year_text"].strip()
        if not raw:
            return None
        year = year_from(raw)
        if year is None:
            raise forms.ValidationError("Give a four-digit year, or leave it empty.")
        return year

    def save(self, commit: bool = True) -> LibraryEntry:
        entry = super().save(commit=False)
        lines = self.cleaned_data["authors_text"].splitlines()
        entry.authors = [
            name
            for line in lines
            if line.strip()
            for name in (
                parse_names(line) if "," in line or " " in line else [{"literal": line.strip()}]
            )
        ]
        entry.year = self.cleaned_data["year_text"]
        if commit:
            entry.save()
        return entry
