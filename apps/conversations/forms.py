from __future__ import annotations

from typing import Any

from django import forms
from django.db.models.query import EmptyQuerySet

from apps.core.writing import AcademicLevel, CitationStyle, WriteupType, WritingRequest
from apps.files.forms import FileChoiceField, MultipleFileField
from apps.files.models import UploadedFile
from apps.files.selectors import attachable_files
from apps.pipeline.providers.registry import available_models, default_model

PROMPT_MAX = 20_000
WORDS_MIN, WORDS_MAX = 100, 20_000


class WritingRequestForm(forms.Form):
    """SPEC section 3. The compose form and the JSON API validate through this one form."""

    prompt = forms.CharField(
        max_length=PROMPT_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "Describe what you need written…"}),
        error_messages={"required": "Describe what you need written."},
    )
    writeup_type = forms.ChoiceField(
        label="Type", choices=WriteupType.choices, initial=WriteupType.ESSAY
    )
    citation_style = forms.ChoiceField(
        label="Citation style", choices=CitationStyle.choices, initial=CitationStyle.APA7
    )
    academic_level = forms.ChoiceField(
        label="Level", choices=AcademicLevel.choices, initial=AcademicLevel.UNDERGRADUATE
    )
    target_word_count = forms.IntegerField(
        label="Words", min_value=WORDS_MIN, max_value=WORDS_MAX, initial=1000
    )
    model = forms.ChoiceField(label="Model", choices=())
    # The user's material: new uploads, and files uploaded before (apps.files).
    uploads = MultipleFileField(label="Attach files", required=False)
    attach = FileChoiceField(
        label="Your files",
        queryset=UploadedFile.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attach = self.fields["attach"]
        assert isinstance(attach, forms.ModelMultipleChoiceField)
        choices = attachable_files(user=user) if user is not None else UploadedFile.objects.none()
        attach.queryset = choices
        if not self.is_bound and not choices.exists():
            del self.fields["attach"]  # nothing to pick from: no empty checkbox list
        # Read per form: which models exist depends on the configuration.
        field = self.fields["model"]
        assert isinstance(field, forms.ChoiceField)
        # The label's explanation (after a colon) is the offline notice's job: the option
        # names the model and fits its select.
        field.choices = [(m.id, m.label.split(":")[0]) for m in available_models()]
        field.initial = default_model()

    @property
    def offline_only(self) -> bool:
        return all(m.offline for m in available_models())

    def to_request(self) -> WritingRequest:
        data = self.cleaned_data
        picked = data.get("attach")
        # Nothing picked is Django's empty queryset (`none()`), and reading it compiles a query
        # only to learn that it is empty: most of this method's time on every API submission.
        files = () if picked is None or isinstance(picked, EmptyQuerySet) else picked
        return WritingRequest(
            prompt=data["prompt"],
            writeup_type=data["writeup_type"],
            citation_style=data["citation_style"],
            academic_level=data["academic_level"],
            target_word_count=data["target_word_count"],
            model=data["model"],
            file_ids=tuple(f.id for f in files),
        )


def initial_from_run(run: Any) -> dict[str, Any]:
    """Follow-ups start from the previous run's options."""
    return {
        "writeup_type": run.writeup_type,
        "citation_style": run.citation_style,
        "academic_level": run.academic_level,
        "target_word_count": run.target_word_count,
        "model": run.model,
    }
