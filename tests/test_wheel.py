"""The wheel a user installs: it carries the templates, and `digest init` + `digest preview` work."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

from conftest import ROOT


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def test_wheel_installs_and_a_new_publication_previews(tmp_path: Path) -> None:
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "dist", ROOT)
    (wheel,) = (tmp_path / "dist").glob("digest_mailer-*.whl")
    fresh = tmp_path / "fresh"
    run(sys.executable, "-m", "venv", "--without-pip", fresh)
    python = fresh / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    # Dependencies come from the test environment (a path only: its editable digest is not imported).
    (site / "_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel)
    where = run(python, "-c", "import digest; print(digest.__file__)", cwd=tmp_path).stdout
    assert where.startswith(str(fresh)), where
    publication = tmp_path / "pub"
    run(fresh / "bin" / "digest", "init", publication, "--title", "The Harbour")
    assert (publication / "templates" / "partials" / "teaser.mjml.j2").is_file()
    shown = run(fresh / "bin" / "digest", "preview", cwd=publication)
    assert "3 articles" in shown.stdout
    html = (publication / "preview" / "preview.html").read_text()
    assert "The Old Harbour Reopens to Ferries" in html and "keep reading" in html


def test_init_refuses_a_folder_that_has_a_publication(tmp_path: Path) -> None:
    first = subprocess.run(
        [sys.executable, "-m", "digest", "init", str(tmp_path)], capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    again = subprocess.run(
        [sys.executable, "-m", "digest", "init", str(tmp_path)], capture_output=True, text=True
    )
    assert again.returncode == 1 and "already exists" in again.stderr
