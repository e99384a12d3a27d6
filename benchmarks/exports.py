"""How long each export of a long document takes: a 6,000-word document in 12 sections with 40
references, parsed once and written to every format (the work the export task does, without the
database and storage round trips, which are the same for every format).

Usage: make bench   (or: python -m benchmarks.exports --repeat 3)
Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "handywriterz.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
django.setup()

from apps.core.text import word_count
from apps.exports.document import parse_document
from apps.exports.formats import FORMATS
from apps.exports.meta import ExportMeta
from apps.exports.services.rendering import document_render
from devtools.sample_documents import sample_document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--words", type=int, default=6000)
    parser.add_argument("--references", type=int, default=40)
    args = parser.parse_args()

    stored = sample_document(sections=12, references=args.references, words=args.words)
    body = stored.split("\n## References")[0]
    meta = ExportMeta(
        author="Ada Writer",
        date=datetime.date.today(),
        citation_style="apa7",
        version=1,
        course="GEOG 210",
    )
    started = time.perf_counter()
    document = parse_document(stored)
    parse_ms = (time.perf_counter() - started) * 1000
    print(
        f"exports: {word_count(body):,} words, {len(document.sections)} sections, "
        f"{len(document.references)} references; parse {parse_ms:.1f} ms; "
        f"best and median of {args.repeat}"
    )
    for name in FORMATS:
        times = []
        size = 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            content = document_render(format=name, stored=stored, document=document, meta=meta)
            times.append(time.perf_counter() - started)
            size = len(content)
        print(
            f"  {name:<13} best {min(times) * 1000:8.1f} ms   median "
            f"{statistics.median(times) * 1000:8.1f} ms   {size / 1024:8.1f} KiB"
        )


if __name__ == "__main__":
    main()
