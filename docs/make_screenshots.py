"""Screenshots for the documentation, made from the application's own output.

    python docs/make_screenshots.py            # every screenshot this script knows
    python docs/make_screenshots.py docx       # only the report's first page

The report's first page: the sample report (coordination.reports.sample) → DOCX → PDF by
LibreOffice headless → PNG by pdftoppm (poppler-utils). The dashboard screenshot is added here later.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent


def report_docx_page1(out: Path = DOCS / "report-docx-page1.png", *, dpi: int = 110) -> Path:
    """Render page 1 of the sample report's DOCX to ``out`` (PNG) and return the path."""
    from coordination.reports.docx import docx_bytes
    from coordination.reports.pdf import docx_to_pdf
    from coordination.reports.sample import sample_report

    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm is missing: install the Debian package poppler-utils")
    pdf = docx_to_pdf(docx_bytes(sample_report()))
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "report.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                        str(source), str(Path(work) / "page")], check=True, timeout=60)
        shutil.copyfile(Path(work) / "page.png", out)
    return out


SCREENSHOTS = {"docx": report_docx_page1}


def main(argv: list[str]) -> int:
    names = argv or list(SCREENSHOTS)
    for name in names:
        if name not in SCREENSHOTS:
            print(f"unknown screenshot {name!r}; known: {', '.join(SCREENSHOTS)}", file=sys.stderr)
            return 2
        print(SCREENSHOTS[name]())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
