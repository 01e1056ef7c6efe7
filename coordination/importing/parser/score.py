"""Score the parser against hand-written expected structures.

    python -m coordination.importing.parser.score ../shared/seeds [--fixtures tests/fixtures/seeds] [-v]

For every ``<stem>.txt`` in the seeds directory with a ``<stem>.json`` in the fixtures directory
(same shape as ``ParsedDirective.to_json()``), parse it with the registry in
``<fixtures>/registry.json`` and print, per seed: tasks expected/found, lead right %,
coordinating set right %, deadline right % (date, recurrence, and whether there are time words
at all), invented tasks % (found tasks matching no expected one), and header fields right.

Tasks are paired within the same paragraph label, by lead and summary likeness, so the measure
does not depend on the order tasks are listed in.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import AgencyEntry, parse_directive
from .text import fold

HEADER_FIELDS = ("number", "type", "place", "date", "issuer", "subject", "recipients", "copy_to", "signer",
                 "references")
BAR = {"lead": 90.0, "coordinating": 85.0, "deadline": 95.0, "invented_max": 5.0}


def norm(value):
    if value is None:
        return None
    if isinstance(value, str):
        v = unicodedata.normalize("NFC", value).replace("–", "-").replace("—", "-")
        return " ".join(v.casefold().split())
    if isinstance(value, list):
        return [norm(v) for v in value]
    if isinstance(value, dict):
        return {k: norm(v) for k, v in value.items()}
    return value


@dataclass
class SeedScore:
    name: str
    expected: int = 0
    found: int = 0
    lead_ok: int = 0
    coord_ok: int = 0
    deadline_ok: int = 0
    invented: int = 0
    header_ok: int = 0
    header_total: int = len(HEADER_FIELDS)
    problems: list[str] = field(default_factory=list)

    def pct(self, n: int, d: int) -> float:
        return 100.0 * n / d if d else 100.0

    @property
    def lead(self) -> float:
        return self.pct(self.lead_ok, self.expected)

    @property
    def coordinating(self) -> float:
        return self.pct(self.coord_ok, self.expected)

    @property
    def deadline(self) -> float:
        return self.pct(self.deadline_ok, self.expected)

    @property
    def invented_pct(self) -> float:
        return 100.0 * self.invented / self.found if self.found else 0.0

    def meets_bar(self) -> bool:
        return (self.lead >= BAR["lead"] and self.coordinating >= BAR["coordinating"]
                and self.deadline >= BAR["deadline"] and self.invented_pct <= BAR["invented_max"])


def load_registry(path: Path) -> list[AgencyEntry]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [AgencyEntry(code=r["code"], name=r["name"], short_name=r.get("short_name"),
                        aliases=tuple(r.get("aliases", ())), is_group=bool(r.get("is_group", False)))
            for r in rows]


def _words(s: str | None) -> list[str]:
    return fold(s or "").lower().replace(",", " ").replace(";", " ").split()


def _likeness(e: dict, a: dict) -> float:
    same_lead = norm(e["lead"]) == norm(a["lead"])
    ratio = difflib.SequenceMatcher(None, _words(e.get("summary"))[:40], _words(a.get("summary"))[:40]).ratio()
    return (0.5 if same_lead else 0.0) + 0.5 * ratio


def pair_tasks(expected: list[dict], actual: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """(pairs, unmatched expected, unmatched actual); pairs only within one paragraph label."""
    pairs: list[tuple[dict, dict]] = []
    used_e: set[int] = set()
    used_a: set[int] = set()
    candidates = []
    for i, e in enumerate(expected):
        for j, a in enumerate(actual):
            if norm(e["paragraph"]) == norm(a["paragraph"]):
                candidates.append((_likeness(e, a), -abs(i - j), i, j))
    for score, _d, i, j in sorted(candidates, reverse=True):
        if score < 0.2 or i in used_e or j in used_a:
            continue
        used_e.add(i)
        used_a.add(j)
        pairs.append((expected[i], actual[j]))
    return (pairs, [e for i, e in enumerate(expected) if i not in used_e],
            [a for j, a in enumerate(actual) if j not in used_a])


def deadline_equal(e: dict, a: dict) -> bool:
    return (e["deadline"] == a["deadline"] and e["recurrence"] == a["recurrence"]
            and (e["deadline_text"] is None) == (a["deadline_text"] is None))


def compare(name: str, expected: dict, actual: dict) -> SeedScore:
    sc = SeedScore(name)
    for f in HEADER_FIELDS:
        if f == "references":
            ok = ({norm(r["number"]): norm(r) for r in expected[f]} == {norm(r["number"]): norm(r) for r in actual[f]})
        else:
            ok = norm(expected[f]) == norm(actual[f])
        if ok:
            sc.header_ok += 1
        else:
            sc.problems.append(f"header {f}: expected {expected[f]!r}, found {actual[f]!r}")
    pairs, missed, invented = pair_tasks(expected["tasks"], actual["tasks"])
    sc.expected, sc.found, sc.invented = len(expected["tasks"]), len(actual["tasks"]), len(invented)
    for e, a in pairs:
        where = f"task [{e['paragraph']}] {e['lead']}"
        if norm(e["lead"]) == norm(a["lead"]):
            sc.lead_ok += 1
        else:
            sc.problems.append(f"{where}: lead found {a['lead']!r}")
        if set(norm(e["coordinating"])) == set(norm(a["coordinating"])):
            sc.coord_ok += 1
        else:
            sc.problems.append(f"{where}: coordinating expected {e['coordinating']}, found {a['coordinating']}")
        if deadline_equal(e, a):
            sc.deadline_ok += 1
        else:
            sc.problems.append(f"{where}: deadline expected {e['deadline']}/{e['recurrence']}/{e['deadline_text']!r}, "
                               f"found {a['deadline']}/{a['recurrence']}/{a['deadline_text']!r}")
    for e in missed:
        sc.problems.append(f"missed task [{e['paragraph']}] {e['lead']}: {e['summary'][:60]}")
    for a in invented:
        sc.problems.append(f"invented task [{a['paragraph']}] {a['lead']}: {a['summary'][:60]}")
    return sc


def score_dir(seeds: Path, fixtures: Path) -> list[SeedScore]:
    registry_path = fixtures / "registry.json"
    registry = load_registry(registry_path) if registry_path.exists() else None
    out = []
    for txt in sorted(seeds.glob("*.txt")):
        fx = fixtures / f"{txt.stem}.json"
        if not fx.exists():
            continue
        expected = json.loads(fx.read_text(encoding="utf-8"))
        actual = parse_directive(txt.read_text(encoding="utf-8"), registry).to_json()
        out.append(compare(txt.stem, expected, actual))
    return out


def table(scores: list[SeedScore]) -> str:
    head = f"{'seed':<24} {'tasks exp/found':>15} {'lead':>7} {'coord':>7} {'deadline':>9} {'invented':>9} {'header':>7}  bar"
    lines = [head, "-" * len(head)]
    tot = SeedScore("all")
    for s in scores:
        lines.append(f"{s.name:<24} {f'{s.expected}/{s.found}':>15} {s.lead:6.1f}% {s.coordinating:6.1f}% "
                     f"{s.deadline:8.1f}% {s.invented_pct:8.1f}% {f'{s.header_ok}/{s.header_total}':>7}  "
                     f"{'ok' if s.meets_bar() else 'BELOW'}")
        for attr in ("expected", "found", "lead_ok", "coord_ok", "deadline_ok", "invented", "header_ok"):
            setattr(tot, attr, getattr(tot, attr) + getattr(s, attr))
    tot.header_total = sum(s.header_total for s in scores)
    lines.append("-" * len(head))
    lines.append(f"{'all':<24} {f'{tot.expected}/{tot.found}':>15} {tot.lead:6.1f}% {tot.coordinating:6.1f}% "
                 f"{tot.deadline:8.1f}% {tot.invented_pct:8.1f}% {f'{tot.header_ok}/{tot.header_total}':>7}  "
                 f"{'ok' if tot.meets_bar() else 'BELOW'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m coordination.importing.parser.score", description=__doc__.split("\n")[0])
    ap.add_argument("seeds", type=Path, help="directory of <stem>.txt directives")
    ap.add_argument("--fixtures", type=Path, default=Path("tests/fixtures/seeds"),
                    help="directory of <stem>.json expected structures and registry.json")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every difference")
    args = ap.parse_args(argv)
    scores = score_dir(args.seeds, args.fixtures)
    if not scores:
        print(f"no seed in {args.seeds} has an expected structure in {args.fixtures}", file=sys.stderr)
        return 2
    print(table(scores))
    if args.verbose:
        for s in scores:
            for p in s.problems:
                print(f"{s.name}: {p}")
    return 0 if all(s.meets_bar() for s in scores) else 1


if __name__ == "__main__":
    sys.exit(main())
