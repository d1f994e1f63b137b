"""The "What is supported" tables of docs/from_pytorch.rst agree with the code.

Each row names a PyTorch object and either its minigrad name (supported) or "—" (not
supported). The page may not claim a name minigrad lacks, nor call unsupported a name
minigrad has; every public minigrad name must appear on it; and every PyTorch name must
exist in PyTorch (when it is installed), so a typo cannot hide a row.
"""

import importlib
import re
import types
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[1] / "docs" / "from_pytorch.rst"
ROW = re.compile(r"^   (``[\w.]+``|—) \| (``[\w.]+``|—) \|", re.M)


def rows():
    """``(pytorch_name or None, minigrad_name or None)`` for every table row."""
    text = PAGE.read_text(encoding="utf-8")
    found = [tuple(None if cell == "—" else cell.strip("`") for cell in match)
             for match in ROW.findall(text)]
    assert len(found) > 100, "the support tables are missing from from_pytorch.rst"
    return found


def resolve(dotted: str):
    """The object ``dotted`` names (importing modules as needed), or raise LookupError.

    A dunder method counts only when a class other than ``object`` defines it.
    """
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            if attr.startswith("__"):
                if not any(attr in vars(c) for c in obj.__mro__[:-1]):
                    raise LookupError(dotted)
            elif not hasattr(obj, attr):
                raise LookupError(dotted)
            obj = getattr(obj, attr)
        return obj
    raise LookupError(dotted)


def exists(dotted: str) -> bool:
    try:
        resolve(dotted)
        return True
    except LookupError:
        return False


def test_supported_rows_exist_in_minigrad():
    missing = [mg for _, mg in rows() if mg is not None and not exists(mg)]
    assert not missing, f"from_pytorch.rst lists as supported, but minigrad lacks: {missing}"


def test_unsupported_rows_are_really_missing():
    present = [pt for pt, mg in rows() if mg is None
               and exists("minigrad" + pt[len("torch"):])]
    assert not present, (f"from_pytorch.rst says minigrad lacks these, but it has them "
                         f"now (put the minigrad name in the row): {present}")


def test_supported_rows_use_the_same_name():
    renamed = [(pt, mg) for pt, mg in rows() if pt and mg
               and mg != "minigrad" + pt[len("torch"):]]
    assert not renamed, f"rows whose minigrad name is not PyTorch's: {renamed}"


@pytest.mark.parametrize("module", ["minigrad", "minigrad.nn", "minigrad.nn.functional",
                                    "minigrad.optim", "minigrad.optim.lr_scheduler",
                                    "minigrad.autograd", "minigrad.utils.data"])
def test_every_public_minigrad_name_is_listed(module):
    listed = {mg for _, mg in rows() if mg}
    mod = importlib.import_module(module)
    names = getattr(mod, "__all__", None) or [n for n in dir(mod) if not n.startswith("_")]
    names = [n for n in names if not isinstance(getattr(mod, n), types.ModuleType)]
    unlisted = [f"{module}.{n}" for n in names if f"{module}.{n}" not in listed]
    assert not unlisted, f"public names missing from from_pytorch.rst: {unlisted}"


def test_pytorch_names_exist_in_pytorch():
    pytest.importorskip("torch")
    wrong = [pt for pt, _ in rows() if pt and not exists(pt)]
    assert not wrong, f"from_pytorch.rst names objects PyTorch does not have: {wrong}"
