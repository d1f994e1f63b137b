"""Every lesson runs top to bottom (in fast mode: shortened training) without error."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lessons"))
from run_all import lesson_files, run_lesson  # noqa: E402

LESSONS = lesson_files()


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs(path):
    seconds, result = run_lesson(path, fast=True)
    assert result.returncode == 0, f"{path.name} failed:\n{result.stderr[-5000:]}"
