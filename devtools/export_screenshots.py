"""Regenerate the screenshots in docs/images/exports-*.png from the sample document: each format
written as the export task writes it, then rendered to PNG (pdftoppm; LibreOffice for DOCX and
PPTX). Needs `scripts/system.sh --dev`.

Usage: DEBUG=true .venv/bin/python -m devtools.export_screenshots
"""

from __future__ import annotations

import datetime
import os
import tempfile
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "handywriterz.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
django.setup()

from PIL import Image
from pypdf import PdfReader

from apps.exports.document import parse_document
from apps.exports.meta import ExportMeta
from apps.exports.services.rendering import document_render
from devtools.previews import office_to_pdf, pdf_page_png
from devtools.sample_documents import sample_document

OUT = Path(__file__).resolve().parents[1] / "docs" / "images"


def _side_by_side(pngs: list[Path], target: Path) -> None:
    images = [Image.open(p).convert("RGB") for p in pngs]
    gap = 12
    width = sum(i.width for i in images) + gap * (len(images) + 1)
    height = max(i.height for i in images) + 2 * gap
    sheet = Image.new("RGB", (width, height), (200, 204, 210))
    x = gap
    for image in images:
        sheet.paste(image, (x, gap))
        x += image.width + gap
    # A small palette keeps the committed files small.
    sheet.quantize(colors=64).save(target, optimize=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    stored = sample_document(sections=5, references=8, words=1500)
    document = parse_document(stored)
    meta = ExportMeta(
        author="Ada Writer",
        date=datetime.date(2026, 11, 25),
        citation_style="apa7",
        version=1,
        course="GEOG 210 Urban Climate",
        instructor="Dr R. Lee",
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files = {}
        for name, extension in [
            ("pdf", "pdf"),
            ("docx", "docx"),
            ("pptx", "pptx"),
            ("summary_docx", "docx"),
        ]:
            path = work / f"{name}.{extension}"
            path.write_bytes(
                document_render(format=name, stored=stored, document=document, meta=meta)
            )
            files[name] = path
        pdfs = {
            "pdf": files["pdf"],
            "docx": office_to_pdf(files["docx"], work),
            "pptx": office_to_pdf(files["pptx"], work),
            "summary_docx": office_to_pdf(files["summary_docx"], work / "summary"),
        }
        last = {name: len(PdfReader(path).pages) for name, path in pdfs.items()}
        pages = {
            "pdf": [1, 2, last["pdf"]],
            "docx": [1, 2, last["docx"]],
            "pptx": [1, 2, last["pptx"]],
            "summary_docx": [1],
        }
        for name, numbers in pages.items():
            dpi = 40 if name == "pptx" else 45
            pngs = [
                pdf_page_png(pdfs[name], work / f"{name}-{n}.png", page=n, dpi=dpi) for n in numbers
            ]
            _side_by_side(pngs, OUT / f"exports-{name.replace('_', '-')}.png")
            print(OUT / f"exports-{name.replace('_', '-')}.png")


if __name__ == "__main__":
    main()
