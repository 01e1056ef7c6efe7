"""Where the top-level folders of the project live (the package runs from an editable install)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"
MIGRATIONS = ROOT / "migrations"


def template(name: str) -> str:
    """Absolute renderer path for a template under ``templates/`` (e.g. ``accounts/login.pt``)."""
    return str(TEMPLATES / name)
