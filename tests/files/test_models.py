from __future__ import annotations

import pytest

from apps.files.models import LibraryEntry
from apps.pipeline.citing import Citer
from tests.files.builders import make_pdf, store_ready


@pytest.fixture
def entry(user) -> LibraryEntry:
    entry = store_ready(
        user, "heat.pdf", make_pdf(metadata={"/Author": "Asha Patel"})
    ).entries.get()
    entry.title = "Cooling Centres In Ahmedabad"
    entry.year = 2021
    entry.abstract = "We mapped the cooling centres of Ahmedabad in the 2019 heatwave."
    entry.save()
    return entry


@pytest.mark.django_db
def test_an_entry_gives_citeproc_its_abstract(entry: LibraryEntry):
    assert entry.to_csl()["abstract"] == entry.abstract


@pytest.mark.django_db
def test_an_apa_reference_to_an_entry_keeps_the_names_its_abstract_capitalises(entry):
    ((_, reference),) = Citer(style="apa7", items=[entry.to_csl()]).references([entry.id.hex])
    assert "(2021). *Cooling centres in Ahmedabad*." in reference
