"""Render exported files to PNG so a person can look at them: a PDF's page through poppler's
pdftoppm, a DOCX through LibreOffice (headless) to PDF first. Both are Debian packages that
`scripts/system.sh --dev` installs; nothing here reaches the network."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(f"{name} is missing: run scripts/system.sh --dev")
    return path


def pdf_page_png(pdf: Path, png: Path, *, page: int = 1, dpi: int = 60) -> Path:
    """Page `page` of `pdf` as `png`."""
    stem = png.with_suffix("")
    subprocess.run(
        [
            _tool("pdftoppm"),
            *("-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile"),
            str(pdf),
            str(stem),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return png


def office_to_pdf(document: Path, out_dir: Path) -> Path:
    """A DOCX or PPTX converted to PDF by LibreOffice (headless)."""
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        # A profile of its own: a second LibreOffice (a developer's) must not block this one.
        subprocess.run(
            [
                _tool("libreoffice"),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                str(document),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    return out_dir / f"{document.stem}.pdf"


def have_tools() -> bool:
    return bool(shutil.which("pdftoppm") and shutil.which("libreoffice"))
