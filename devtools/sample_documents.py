"""Documents in the shape the pipeline stores (`# Title`, an italic note, `## N. Section`s, the
reference list under its style's heading), of any length: for the export tests and benchmark."""

from __future__ import annotations

from apps.core.writing import CitationStyle
from apps.pipeline.citing import REFERENCES_HEADING

TITLE = "Urban heat islands and public health: evidence, exposure and adaptation"

_CLAIMS = [
    "Dense surfaces such as asphalt and concrete store heat during the day and release it at "
    "night, so the city centre stays warmer than its rural surroundings",
    "Older residents and people living alone face the highest risk during prolonged heat, "
    "because their bodies regulate temperature less well",
    "Street trees and green roofs lower surface temperatures through shade and "
    "evapotranspiration, although their effect varies with species and irrigation",
    "Heat warning systems reduce deaths only when they reach the people most exposed and are "
    "tied to concrete actions such as cooling centres",
    "Measurements from satellites capture land surface temperature, which differs from the air "
    "temperature that people actually experience",
    "Low-income neighbourhoods often have fewer trees and more impervious surfaces, which "
    "concentrates heat exposure where adaptive capacity is lowest",
    "Hospital admissions for kidney disease and heat stroke rise within a day of the first hot "
    "night, which makes night-time temperature a useful early signal",
    "Reflective roofs cut indoor temperatures in top-floor flats, where many heat deaths occur",
    "Cooling centres are used far less than planners expect when they are hard to reach or "
    "unfamiliar to the people who need them",
    "Air conditioning protects those who can afford it while adding waste heat to the street",
    "Outdoor workers in construction and delivery carry a large share of occupational heat "
    "illness, and rest breaks in shade reduce it",
    "Long-term planning that links building codes, tree planting and health services does more "
    "than any single measure taken alone",
]
_SECTIONS = [
    "Introduction and scope",
    "How cities trap heat",
    "Who is most exposed",
    "Health effects of urban heat",
    "Green and blue infrastructure",
    "Buildings and roofs",
    "Warning systems and cooling centres",
    "Work, income and inequality",
    "Measuring urban heat",
    "Policy and planning",
    "Limits of the evidence",
    "Conclusion",
]


def _citation(style: str, n: int) -> str:
    author, year = f"Author{n}", 2000 + n % 24
    if style == CitationStyle.IEEE:
        return f"[{n}]"
    if style == CitationStyle.MLA9:
        return f"({author} {n + 3})"
    return f"({author}, {year})"


def _reference(style: str, n: int) -> str:
    author, year = f"Author{n}", 2000 + n % 24
    title = (
        f"Heat, health and the city: exposure, vulnerability and adaptation in {n} "
        "European and North American cities"
    )
    if style == CitationStyle.IEEE:
        return f"[{n}] A. {author}, “{title},” *Journal of Urban Climate*, vol. {n}, {year}."
    if style == CitationStyle.MLA9:
        return f"{author}, Alex. “{title}.” *Journal of Urban Climate*, vol. {n}, {year}."
    return f"{author}, A. ({year}). {title}. *Journal of Urban Climate*, *{n}*, 1–20."


def sample_document(
    *,
    style: str = CitationStyle.APA7,
    sections: int = 5,
    references: int = 6,
    words: int = 1200,
) -> str:
    """A document of about `words` words in `sections` sections citing `references` sources,
    with the blocks a writer's text can hold: emphasis, a block quote, bullet and numbered
    lists and a subheading."""
    per_section = max(60, words // sections)
    parts = [
        f"# {TITLE}",
        "",
        f"*Essay, {words} words in {sections} sections. A test document in the pipeline's shape.*",
        "",
    ]
    cite = 0
    for s in range(1, sections + 1):
        name = _SECTIONS[(s - 1) % len(_SECTIONS)]
        parts += [f"## {s}. {name}", "", "*What this section argues.*", ""]
        written = 0
        paragraph = 0
        while paragraph == 0 or written + 40 <= per_section:
            sentences = []
            for k in range(3):
                claim = _CLAIMS[(5 * s + 3 * paragraph + k) % len(_CLAIMS)]
                sentences.append(f"{claim} {_citation(style, cite % references + 1)}.")
                cite += 1
            text = " ".join(sentences)
            if paragraph == 0:
                text = f"This section turns to *{name.lower()}*. " + text
            parts += [text, ""]
            written += len(text.split())
            paragraph += 1
        if s == 1:
            parts += ["> Heat is the deadliest weather hazard in many temperate cities.", ""]
            parts += ["- exposure", "- sensitivity", "- adaptive capacity", ""]
        if s == 2:
            parts += ["### Measuring heat", "", "1. Satellite surveys", "2. Street sensors", ""]
    parts += [f"## {REFERENCES_HEADING[style]}", ""]
    for n in range(1, references + 1):
        parts += [_reference(style, n), ""]
    return "\n".join(parts).rstrip() + "\n"
