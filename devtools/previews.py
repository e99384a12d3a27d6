"""Render exported files to PNG so a person can look at them: a PDF's page through poppler's
pdftoppm, a DOCX through LibreOffice (headless) to PDF first. Both are Debian packages that
`scripts/system.sh --dev` installs; nothing here reaches the network."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def pdf_page_png(pdf: Path, png: Path, *, page: int = 1, dpi: int = 60) -> Path:
    """Page `page` of `pdf` as `png`."""
    stem = png.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile"]
        + [str(pdf), str(stem)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return png


def docx_to_pdf(docx: Path, out_dir: Path) -> Path:
    """The DOCX converted by LibreOffice, as Word users' documents are by a print server."""
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        # A profile of its own: a second LibreOffice (a developer's) must not block this one.
        subprocess.run(
            [
                "libreoffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                str(docx),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    return out_dir / f"{docx.stem}.pdf"


def have_tools() -> bool:
    return bool(shutil.which("pdftoppm") and shutil.which("libreoffice"))
