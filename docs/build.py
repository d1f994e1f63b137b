"""Build the site in both languages — what ``make docs`` runs.

1. the English site, ``docs/_build/html`` (runs the lessons that changed, saving every
   figure in English and in Chinese);
2. the Chinese site, ``docs/_build/html/zh_CN`` (same sources, ``language=zh_CN``; runs
   no lesson);
3. the message templates, ``docs/_build/gettext`` (the tests check every English message
   has its translation in ``docs/locale/zh_CN``).

Each step's wall time is printed and kept in ``docs/_build/build-times.json``.
Strict (``MINIGRAD_DOCS_STRICT=1``, warnings are errors) unless ``--lenient``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

DOCS = Path(__file__).resolve().parent
BUILD = DOCS / "_build"
SPHINX = [sys.executable, "-m", "sphinx", "-j", "auto"]


def steps(strict: bool) -> list[tuple[str, list[str]]]:
    warnings_are_errors = ["-W"] if strict else []
    return [
        ("English site", SPHINX + warnings_are_errors
         + ["-b", "html", str(DOCS), str(BUILD / "html")]),
        ("Chinese site", SPHINX + warnings_are_errors
         + ["-b", "html", "-D", "language=zh_CN", "-d", str(BUILD / "doctrees-zh_CN"),
            str(DOCS), str(BUILD / "html" / "zh_CN")]),
        ("message templates", SPHINX + ["-q", "-b", "gettext", str(DOCS),
                                        str(BUILD / "gettext")]),
    ]


def main(argv: list[str]) -> int:
    strict = "--lenient" not in argv
    env = dict(os.environ, MINIGRAD_DOCS_STRICT="1" if strict else "0")
    times = {}
    for name, command in steps(strict):
        start = time.perf_counter()
        done = subprocess.run(command, env=env)
        times[name] = round(time.perf_counter() - start, 1)
        if done.returncode:
            print(f"docs: the {name} failed (exit {done.returncode})", file=sys.stderr)
            return done.returncode
    BUILD.mkdir(exist_ok=True)
    (BUILD / "build-times.json").write_text(json.dumps(times, indent=1) + "\n")
    total = sum(times.values())
    print("docs: " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in times.items())
          + f"; both languages {total:.0f} s")
    print(f"English: {BUILD / 'html' / 'index.html'}")
    print(f"中文:    {BUILD / 'html' / 'zh_CN' / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
