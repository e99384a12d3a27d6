"""The writer's material for the citation tests: a source library (BibTeX with abstracts, two
works by the same authors in the same year) and a paginated PDF report, all on urban heat."""

from __future__ import annotations

from tests.files.builders import make_pdf, store_ready

LIBRARY = r"""
@article{okafor2021a,
  author = {Okafor, Ngozi and Chen, Li},
  title = {Impervious Surfaces and Night-Time Heat in Lagos},
  journal = {Urban Climate},
  year = {2021}, volume = {38}, number = {2}, pages = {100--118},
  doi = {10.1016/j.uclim.2021.100118},
  abstract = {Impervious surfaces stored daytime heat and raised night-time air temperatures by
    2.1 degrees in dense Lagos districts compared with vegetated suburbs.}
}
@article{okafor2021b,
  author = {Okafor, Ngozi and Chen, Li},
  title = {Street Trees as Cooling Infrastructure},
  journal = {Landscape and Urban Planning},
  year = {2021}, volume = {214}, pages = {104--177},
  abstract = {Street trees with dense canopy cover lowered surface temperatures by up to 12
    degrees and reduced pedestrian heat stress during afternoon peaks.}
}
@book{santamouris2019,
  author = {Santamouris, Mattheos},
  title = {Minimizing Energy Consumption, Energy Poverty and Global and Local Climate Change in
    the Built Environment},
  publisher = {Elsevier},
  address = {Amsterdam},
  year = {2019},
  abstract = {Cool roofs and reflective pavements reduce peak urban temperatures and cooling
    energy demand, with the largest gains in hot dry climates.}
}
@techreport{epa2022,
  author = {{United States Environmental Protection Agency}},
  title = {Reducing Urban Heat Islands: Compendium of Strategies},
  institution = {EPA},
  number = {EPA-430-R-22-001},
  year = {2022},
  abstract = {Heat islands raise energy demand, air pollution and heat-related illness; green
    roofs, trees and cool pavements are the main mitigation strategies for municipalities.}
}
@article{jae2020,
  author = {Kim, Jae-Woo and Park, Soo-Min},
  title = {Heat Vulnerability and Elderly Residents in Seoul},
  journal = {Environmental Research},
  year = {2020}, volume = {186}, pages = {109--120},
  abstract = {Elderly residents living alone in top-floor flats had the highest heat
    vulnerability, and mortality rose sharply on nights above 25 degrees.}
}
"""

REPORT_PAGES = [
    [
        "Cooling the City: A Municipal Heat Plan",
        "Published 2023 by the Harbour City Council.",
        "Urban heat islands form where asphalt, concrete and roofs absorb solar radiation.",
    ],
    [
        "Tree canopy in the central district covers only 9 percent of land area.",
        "Raising canopy cover to 25 percent would lower summer surface temperatures markedly.",
    ],
    [
        "Cool roof pilots on 40 public buildings cut indoor peak temperatures by 3 degrees.",
        "Residents of older social housing reported the worst indoor heat during heatwaves.",
    ],
    [
        "The council will fund shade structures at 60 bus stops before the next summer.",
        "Heat action plans must name who checks on isolated elderly residents.",
    ],
]


def material_files() -> list[tuple[str, bytes]]:
    """(file name, bytes) of the library and the report, as a writer would upload them."""
    report = make_pdf(
        REPORT_PAGES,
        metadata={
            "/Title": "Cooling the City: A Municipal Heat Plan",
            "/Author": "Harbour City Council",
        },
        xmp={"prism:publicationDate": "2023-03-01"},
    )
    return [("heat.bib", LIBRARY.encode()), ("heat-plan.pdf", report)]


def attach_material(user) -> list:
    """The library and the report, extracted in this process and ready."""
    files = [store_ready(user, name, data) for name, data in material_files()]
    for file in files:
        assert file.status == "ready", file.error_message
    return files
