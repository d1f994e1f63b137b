"""Every lesson runs top to bottom (in fast mode: shortened training) without error."""

import re
import sys
from pathlib import Path

import pytest

LESSONS_DIR = Path(__file__).resolve().parents[1] / "lessons"
sys.path.insert(0, str(LESSONS_DIR))
from run_all import run_lesson  # noqa: E402

# NN_name.py and NNx_name.py (03b_... sorts between 03_ and 04_)
LESSONS = sorted(p for p in LESSONS_DIR.glob("*.py") if re.match(r"\d\d[a-z]?_", p.name))


def test_every_numbered_lesson_is_found():
    names = [p.name for p in LESSONS]
    assert "03b_sgd_minibatches.py" in names and "10_claims.py" in names
    assert names.index("03b_sgd_minibatches.py") == names.index("03_how_large_can_eta_be.py") + 1


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs(path):
    seconds, result = run_lesson(path, fast=True)
    assert result.returncode == 0, f"{path.name} failed:\n{result.stderr[-5000:]}"
