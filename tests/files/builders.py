"""Files built in the test itself: real PDFs, DOCX, zip bombs and friends."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from docx.enum.text import WD_BREAK
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

# Text of a short paper on algorithmic triage, one list of lines per page.
PDF_PAGES = [
    [
        "Algorithmic Triage in Emergency Departments",
        "Hospitals increasingly use machine learning models to prioritise patients on arrival.",
        "Early deployments reduced median waiting times for the most urgent patients.",
    ],
    [
        "Clinicians reported that opaque risk scores undermined their trust in the triage system.",
        "Transparency about model inputs is therefore essential for safe clinical adoption.",
    ],
    [
        "Bias audits found that triage models under-prioritised older patients",
        "with atypical symptoms.",
        "Regular external audits should accompany every deployment of algorithmic triage.",
    ],
]


def _font(writer: PdfWriter) -> DictionaryObject:
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            # Latin-1 text (©, é) drawn as such, as a real document's font declares it.
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    return DictionaryObject({NameObject("/F1"): writer._add_object(font)})


XMP_NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "prism": "http://prismstandard.org/namespaces/basic/2.0/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}


def xmp_packet(fields: dict[str, str]) -> bytes:
    """An XMP packet as publishers' PDFs carry it: `prism:` and `xmp:` fields as attributes of
    rdf:Description, `dc:date` as an ordered list (dc:date is an rdf:Seq in XMP)."""
    attributes = " ".join(
        f'{name}="{value}"' for name, value in fields.items() if not name.startswith("dc:")
    )
    children = "".join(
        f"<{name}><rdf:Seq><rdf:li>{value}</rdf:li></rdf:Seq></{name}>"
        for name, value in fields.items()
        if name.startswith("dc:")
    )
    declarations = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in XMP_NAMESPACES.items())
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" {declarations} {attributes}>{children}</rdf:Description>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def make_pdf(
    pages: list[list[str]] | None = None,
    *,
    metadata: dict[str, str] | None = None,
    xmp: dict[str, str] | None = None,
    password: str | None = None,
) -> bytes:
    """A real PDF with a text layer: each page's lines are drawn in Helvetica. `metadata` is
    its document information (/Title, /CreationDate...), `xmp` its XMP packet's fields."""
    writer = PdfWriter()
    fonts = _font(writer)
    for lines in pages if pages is not None else PDF_PAGES:
        page = writer.add_blank_page(612, 792)
        ops = ["BT /F1 11 Tf 14 TL 72 720 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    if metadata:
        writer.add_metadata(metadata)
    if xmp:
        writer.xmp_metadata = xmp_packet(xmp)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_slow_pdf(operations: int = 1_000_000) -> bytes:
    """A tiny PDF whose one page holds a million text operators: the parser grinds on it for
    far longer than any limit a test sets, like a PDF made to make it loop."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): _font(writer)})
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 11 Tf " + b"(a) Tj 1 0 Td " * operations + b"ET")
    page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(
    *,
    author: str = "Amira Khan",
    title: str = "Nurses and Automated Triage",
    dated: str | None = "March 2022",
    created: datetime = datetime(2021, 6, 1, tzinfo=UTC),
) -> bytes:
    """A Word document with a title, a date line under it (`dated`), headings, paragraphs, a
    table and a page break. `created` is the file's creation date in its core properties."""
    document = docx.Document()
    document.core_properties.author = author
    document.core_properties.title = title
    document.core_properties.created = created
    document.add_heading(title, level=0)
    if dated:
        document.add_paragraph(dated)
    document.add_heading("Workload", level=1)
    document.add_paragraph(
        "Nurses described automated triage as a second opinion that reduced their workload "
        "during night shifts. Several noted that the system flagged sepsis earlier than usual."
    )
    paragraph = document.add_paragraph(
        "However, nurses overrode the algorithm when patients presented with atypical pain."
    )
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    document.add_heading("Accountability", level=1)
    document.add_paragraph(
        "Staff asked who is accountable when an automated triage decision harms a patient. "
        "Clear escalation rules were seen as a precondition for trust."
    )
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Concern"
    table.cell(0, 1).text = "Share of nurses"
    table.cell(1, 0).text = "Accountability"
    table.cell(1, 1).text = "62 percent"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_zip_bomb(*, inflated: int = 50 * 1024 * 1024) -> bytes:
    """A DOCX-shaped zip whose document.xml inflates enormously from a few kilobytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", b"\0" * inflated)
    return out.getvalue()


BIBTEX = r"""
@article{smith2020,
  author = {Smith, Jane and M{\"u}ller, Karl},
  title = {Machine {L}earning for Emergency Triage},
  journal = {Journal of Emergency Medicine},
  year = {2020}, volume = {58}, number = {3}, pages = {201--210},
  doi = {https://doi.org/10.1000/jem.2020.58},
  url = {https://example.org/triage},
  abstract = {We evaluate machine learning triage models in five emergency departments.}
}
@techreport{who2021,
  author = {{World Health Organization}},
  title = {Ethics and Governance of Artificial Intelligence for Health},
  institution = {World Health Organization},
  year = {2021}
}
@misc{broken, title = {Never closed
"""

CSL_JSON = json.dumps(
    [
        {
            "id": "obermeyer2019",
            "type": "article-journal",
            "title": (
                "Dissecting racial bias in an algorithm used to manage the health of populations"
            ),
            "author": [
                {"family": "Obermeyer", "given": "Ziad"},
                {"family": "Powers", "given": "Brian"},
            ],
            "issued": {"date-parts": [[2019, 10, 25]]},
            "container-title": "Science",
            "volume": "366",
            "page": "447-453",
            "DOI": "10.1126/science.aax2342",
            "URL": "https://www.science.org/doi/10.1126/science.aax2342",
        },
        {"id": "untitled", "type": "book"},
    ]
)


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def store(user, name: str, data: bytes):
    """Check and store a file the way an upload does (its extraction is not run)."""
    from apps.files.inspection import inspect
    from apps.files.services.uploads import files_upload

    return files_upload(owner=user, inspected=[inspect(upload(name, data))])[0]


def store_ready(user, name: str, data: bytes):
    """Store a file and run its extraction task in-process."""
    from apps.files.tasks import extract_file

    file = store(user, name, data)
    extract_file.apply(args=(str(file.id),))
    file.refresh_from_db()
    return file
