"""Fixtures for the directive parser: the seed registry, the seeds and their expected structures.

The registry rows live in ``tests/fixtures/seeds/registry.json`` so that the score module
(``python -m coordination.importing.parser.score``) measures with exactly the same registry; here
they become the list of :class:`AgencyEntry` the tests pass to ``parse_directive``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from coordination.importing.parser import AgencyEntry
from coordination.importing.parser.score import load_registry

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
# the seeds live in shared/ beside the repository (read-only, never copied in)
SEEDS = Path(os.environ.get("COORDINATION_SEEDS_DIR") or Path(__file__).resolve().parents[2].parent / "shared" / "seeds")
SEED_STEMS = sorted(p.stem for p in FIXTURES.glob("*.json") if p.name != "registry.json")


def seed_registry() -> list[AgencyEntry]:
    """UBND, VP-UBND, SLDTBXH, STC, SKHDT, STTTT, SNV, BHXH, NHCSXH, LDLD, BQLKCN, BAO, DAI, TTDVVL
    and the two groups SO-NGANH ("Các sở, ban, ngành tỉnh") and HUYEN ("UBND các huyện, thị xã,
    thành phố"), with the aliases the seeds use."""
    return load_registry(FIXTURES / "registry.json")


@pytest.fixture(scope="session")
def registry() -> list[AgencyEntry]:
    return seed_registry()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"seed directives not found in {SEEDS}")
        pytest.skip(f"seed directives not found in {SEEDS} (set COORDINATION_SEEDS_DIR)")
    return SEEDS


def load_expected(stem: str) -> dict:
    return json.loads((FIXTURES / f"{stem}.json").read_text(encoding="utf-8"))
