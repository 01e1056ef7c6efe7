"""Where the seed directives are: ``COORDINATION_SEEDS_DIR`` (or ``COORDINATION_SEEDS``), else the
``shared/seeds`` beside the repository (as CI lays it out), else /work/shared/seeds."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def seeds_dir() -> Path | None:
    for candidate in (os.environ.get("COORDINATION_SEEDS_DIR"), os.environ.get("COORDINATION_SEEDS"),
                      ROOT.parent / "shared" / "seeds", "/work/shared/seeds"):
        if candidate and Path(candidate).is_dir() and any(Path(candidate).glob("*.txt")):
            return Path(candidate)
    return None
