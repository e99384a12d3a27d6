"""The evaluator's quality report (apps.pipeline.steps.evaluator) as the run card shows it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ORIGINS = {
    "upload": "your file",
    "library": "your library",
    "openalex": "OpenAlex",
    "crossref": "Crossref",
    "arxiv": "arXiv",
    "semantic_scholar": "Semantic Scholar",
}


@dataclass(frozen=True)
class Removed:
    label: str
    text: str
    section: str


@dataclass(frozen=True)
class QualityView:
    report: dict[str, Any]

    @property
    def mode(self) -> str:
        return str(self.report.get("mode", "draft"))

    @property
    def words(self) -> int:
        return int(self.report.get("word_count", 0))

    @property
    def target(self) -> int:
        return int(self.report.get("target_word_count", 0))

    @property
    def on_target(self) -> bool:
        return bool(self.report.get("word_count_ok", True))

    @property
    def off_by_percent(self) -> int:
        return round(abs(float(self.report.get("deviation", 0))) * 100)

    @property
    def short(self) -> bool:
        return self.words < self.target

    @property
    def definition(self) -> str:
        return str(self.report.get("word_definition", ""))

    @property
    def resolved(self) -> int:
        return int(self.report.get("citations_resolved", 0))

    @property
    def removed(self) -> list[Removed]:
        labels = self.report.get("removal_labels", {})
        return [
            Removed(labels.get(r["kind"], r["kind"]), r.get("text", ""), r.get("section", ""))
            for r in self.report.get("citations_removed", [])
        ]

    @property
    def removed_by_label(self) -> list[tuple[str, int]]:
        """How many of each kind were removed, most first."""
        counts: dict[str, int] = {}
        for item in self.removed:
            counts[item.label] = counts.get(item.label, 0) + 1
        return sorted(counts.items(), key=lambda pair: -pair[1])

    @property
    def audit_ok(self) -> bool:
        return bool(self.report.get("citations_ok", True))

    @property
    def unmatched(self) -> list[str]:
        return list(self.report.get("citations_without_source", []))

    @property
    def uncited(self) -> list[str]:
        return list(self.report.get("uncited_sources", []))

    @property
    def sources(self) -> list[dict[str, Any]]:
        return [
            {**source, "origin_label": ORIGINS.get(source.get("origin", ""), source.get("origin"))}
            for source in self.report.get("sources", [])
        ]

    @property
    def research(self) -> dict[str, Any]:
        return dict(self.report.get("research") or {})

    @property
    def scholarly_offline(self) -> bool:
        return bool(self.research.get("scholarly_offline"))

    @property
    def indexes(self) -> list[dict[str, Any]]:
        return list(self.research.get("indexes", []))

    @property
    def works_off_subject(self) -> int:
        """How many works the indexes returned when none of them was on the request's subject
        and nothing else was retrieved (0 otherwise): the writer is told why nothing is cited."""
        if self.sources or self.scholarly_offline or not self.research.get("scholarly_enabled"):
            return 0
        return sum(int(index.get("sources_found") or 0) for index in self.indexes)

    @property
    def rejected(self) -> list[dict[str, Any]]:
        return list(self.research.get("rejected", []))

    @property
    def sources_cited(self) -> int:
        return sum(1 for s in self.sources if s.get("cited"))

    @property
    def support(self) -> dict[str, Any]:
        return dict(self.report.get("support") or {})

    @property
    def unsupported(self) -> list[dict[str, Any]]:
        return [s for s in self.support.get("sentences", []) if not s.get("supported")]

    @property
    def support_percent(self) -> int | None:
        share = self.support.get("share")
        return None if share is None else round(float(share) * 100)

    @property
    def originality(self) -> dict[str, Any]:
        return dict(self.report.get("originality") or {})

    @property
    def copied_percent(self) -> float:
        return round(float(self.originality.get("share_copied", 0)) * 100, 1)


def quality_view(report: dict[str, Any] | None) -> QualityView | None:
    return QualityView(report) if report else None
