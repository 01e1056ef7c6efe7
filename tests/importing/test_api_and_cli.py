"""The importer's interfaces: POST /api/v1/directives/parse and ``coordination parse-directive``."""

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from coordination.accounts.models import User
from coordination.accounts.services import create_api_token

# the seeds live in shared/ beside the repository (read-only, not copied in)
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
SEED_001 = next(SEEDS.glob("001_*.txt"))
JSON_KEYS = {"number", "type", "place", "date", "issuer", "subject", "recipients", "copy_to", "signer",
             "references", "tasks"}
TASK_KEYS = {"paragraph", "lead", "coordinating", "summary", "deadline", "deadline_text", "recurrence", "targets"}


def _token(dbsession, login):
    return create_api_token(dbsession, dbsession.scalar(select(User).where(User.login == login)))


def test_parse_api_matches_agencies_against_the_registry(testapp, demo, dbsession):
    headers = {"Authorization": f"Bearer {_token(dbsession, 'chuyenvien')}"}
    result = testapp.post_json("/api/v1/directives/parse", {"text": SEED_001.read_text(encoding="utf-8")},
                               headers=headers).json
    assert set(result) == JSON_KEYS
    assert result["number"] == "1324/UBND-KGVX" and result["date"] == "2022-05-25"
    assert all(set(task) == TASK_KEYS for task in result["tasks"])
    leads = [task["lead"] for task in result["tasks"]]
    assert leads.count("SLDTBXH") == 3  # paragraph 2's three bullets
    assert {"STTTT", "BAO", "DAI", "SO-NGANH", "HUYEN"} <= set(leads)
    bullet = next(task for task in result["tasks"] if task["deadline"])
    assert bullet["deadline"] == "2022-08-31" and "tháng 8/2022" in bullet["deadline_text"]
    assert set(bullet["coordinating"]) == {"STC", "SKHDT", "BQLKCN", "HUYEN"}


def test_parse_api_takes_an_uploaded_file(testapp, demo, dbsession):
    headers = {"Authorization": f"Bearer {_token(dbsession, 'chuyenvien')}"}
    result = testapp.post("/api/v1/directives/parse", headers=headers,
                          upload_files=[("file", "cv.txt", SEED_001.read_bytes())]).json
    assert result["number"] == "1324/UBND-KGVX"


def test_parse_api_bad_input_is_a_400_with_a_reason(testapp, demo, dbsession):
    headers = {"Authorization": f"Bearer {_token(dbsession, 'chuyenvien')}"}
    missing = testapp.post_json("/api/v1/directives/parse", {"txt": "x"}, headers=headers, status=400).json
    assert "text" in missing["fields"]
    broken = testapp.post("/api/v1/directives/parse", headers=headers, status=400,
                          upload_files=[("file", "x.pdf", b"%PDF-1.4 broken")]).json
    assert "file" in broken["fields"]
    testapp.post("/api/v1/directives/parse", "{not json", headers={**headers, "Content-Type": "application/json"},
                 status=400)


def test_agencies_may_not_use_the_importer(testapp, demo, dbsession):
    headers = {"Authorization": f"Bearer {_token(dbsession, 'canbo.sldtbxh')}"}
    testapp.post_json("/api/v1/directives/parse", {"text": "x"}, headers=headers, status=403)


def test_cli_prints_the_exact_json_without_a_database(tmp_path):
    result = subprocess.run([sys.executable, "-m", "coordination.scripts.cli", "parse-directive", str(SEED_001), "--json"],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == JSON_KEYS
    assert data["signer"] == {"name": "Nguyễn Duy Hưng", "capacity": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"}
    # without the registry the agencies stay as written
    assert "Sở Lao động - Thương binh và Xã hội" in {task["lead"] for task in data["tasks"]}


def test_cli_reports_an_unreadable_file(tmp_path):
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    result = subprocess.run([sys.executable, "-m", "coordination.scripts.cli", "parse-directive", str(bad)],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 2 and "PDF" in result.stderr
