#!/usr/bin/env python3
"""Set-up in one command, on a machine with only Python 3.11+.

    python3 dev.py run    # virtualenv, install, migrate SQLite, load the demo province, serve
    python3 dev.py test   # virtualenv, install with test extras, system packages, run every test

Both are safe to run twice. Extra arguments after ``test`` go to pytest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
# what the browser, export and PDF tests open documents with (Debian package names)
# fonts-liberation2: Liberation 2 has the Vietnamese letters (Liberation 1 does not, and LibreOffice's
# PDFs of the reports then split "Ủy" into "Y" + a stray "Ủ")
SYSTEM_PACKAGES = ["chromium", "libreoffice-writer-nogui", "libreoffice-calc-nogui", "poppler-utils",
                   "fonts-liberation2", "fonts-dejavu-core"]


def sh(*args: str, **kwargs) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True, cwd=ROOT, **kwargs)


def venv(extras: str = "") -> None:
    if sys.version_info < (3, 11):
        raise SystemExit("Python 3.11 or newer is required")
    if not (BIN / "python").exists():
        sh(sys.executable, "-m", "venv", str(VENV))
    sh(str(BIN / "python"), "-m", "pip", "install", "-q", "--upgrade", "pip")
    sh(str(BIN / "python"), "-m", "pip", "install", "-q", "-e", f".{extras}")


def system_packages() -> None:
    """Install the Debian packages the tests need, when this machine can (root or sudo, apt)."""
    if not shutil.which("dpkg") or not shutil.which("apt-get"):
        print("not a Debian machine: browser and export tests need", ", ".join(SYSTEM_PACKAGES))
        return
    missing = [p for p in SYSTEM_PACKAGES
               if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode != 0]
    if not missing:
        return
    sudo = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if sudo is None:
        print("cannot install", ", ".join(missing), "(not root, no sudo): those tests will be skipped")
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    sh(*sudo, "apt-get", "update", "-qq", env=env)
    sh(*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, env=env)


def run() -> None:
    venv()
    sh(str(BIN / "coordination"), "-c", "development.ini", "up")


def test(pytest_args: list[str]) -> int:
    venv("[testing]")
    system_packages()
    return subprocess.run([str(BIN / "python"), "-m", "pytest", *pytest_args], cwd=ROOT).returncode


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "run":
        run()
    elif command == "test":
        sys.exit(test(sys.argv[2:]))
    else:
        raise SystemExit(__doc__)
