"""Copy MathJax 3 from an installed package into ``docs/_static/mathjax/``.

The site must typeset math with no network, so MathJax is served from the built site
itself. It is not committed: this script takes it at build time from the PyPI package
``sphinx-mathjax-offline`` (MathJax 3.2.2, part of the ``docs`` extra), or, failing
that, from ``node_modules/mathjax`` (``npm install mathjax@3.2.2``). Only what
``tex-chtml.js`` needs is copied: the combined component, its woff-v2 fonts, the TeX
extensions it may autoload, and the menu/accessibility pieces it may lazy-load.

Run it before ``sphinx-build``; ``docs/conf.py`` also runs it when the copy is missing::

    python docs/fetch_mathjax.py
"""

from __future__ import annotations

import shutil
import sys
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE / "_static" / "mathjax"

#: Paths inside the MathJax ``es5`` directory that the site serves.
NEEDED = [
    "tex-chtml.js",
    "output/chtml/fonts/woff-v2",
    "input/tex/extensions",
    "a11y",
    "ui",
]


def find_source() -> Path:
    """The directory holding MathJax 3's ``tex-chtml.js``."""
    try:
        dist = metadata.distribution("sphinx-mathjax-offline")
        for f in dist.files or []:
            if f.name == "tex-chtml.js" and f.parent.name == "mathjax":
                return Path(dist.locate_file(f)).parent
    except metadata.PackageNotFoundError:
        pass
    for base in (HERE.parent, HERE):
        candidate = base / "node_modules" / "mathjax" / "es5"
        if (candidate / "tex-chtml.js").is_file():
            return candidate
    raise SystemExit(
        "fetch_mathjax: MathJax 3 not found. Install the docs extra "
        "(pip install -e '.[docs]', which brings sphinx-mathjax-offline) "
        "or run 'npm install mathjax@3.2.2' in the repository root.")


def is_complete(target: Path = TARGET) -> bool:
    return (target / "tex-chtml.js").is_file() and any(
        (target / "output/chtml/fonts/woff-v2").glob("*.woff"))


def fetch(target: Path = TARGET, quiet: bool = False) -> Path:
    source = find_source()
    if target.exists():
        shutil.rmtree(target)
    for rel in NEEDED:
        src, dst = source / rel, target / rel
        if not src.exists():
            raise SystemExit(f"fetch_mathjax: {src} is missing from {source}")
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
    if not quiet:
        n = sum(1 for p in target.rglob("*") if p.is_file())
        print(f"fetch_mathjax: copied {n} files from {source} to {target}")
    return target


def main(argv: list[str]) -> int:
    fetch()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
