"""``.. glossary-table::`` — the bilingual glossary (术语表) from ``docs/glossary.csv``.

Each row of the CSV is a term the lessons use: English, 中文, its symbol, and the lesson
that introduces it. The table is the same in both editions (it is bilingual already), so
its cells are kept out of the translation catalogs. The Chinese terms also go into the
Chinese search's dictionary (:func:`search_words`), so that a search for 学习率 finds it
as one word.
"""

from __future__ import annotations

import csv
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

GLOSSARY = Path(__file__).resolve().parents[1] / "glossary.csv"
HEADER = ("English", "中文", "Symbol · 符号", "Lesson · 课")


def glossary_rows(path: Path = GLOSSARY) -> list[dict[str, str]]:
    """The terms, sorted by their English name (case-insensitive)."""
    with open(path, encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    for row in rows:
        if None in row:  # more fields than columns: an unquoted comma in a symbol
            raise ValueError(f"{path.name}: {row['english']!r} has more than 4 fields; "
                             f"quote a symbol that holds a comma")
        missing = [key for key in ("english", "chinese", "lesson") if not row.get(key)]
        if missing:
            raise ValueError(f"{path.name}: the term {row!r} has no {', '.join(missing)}")
    return sorted(rows, key=lambda row: row["english"].lower())


def search_words(path: Path = GLOSSARY) -> str:
    """The Chinese terms, one per line: a user dictionary for jieba."""
    words = {row["chinese"] for row in glossary_rows(path) if not row["chinese"].isascii()}
    return "".join(f"{word}\n" for word in sorted(words))


def write_search_words(target: Path, path: Path = GLOSSARY) -> None:
    """Write :func:`search_words` to ``target`` unless it already says that."""
    text = search_words(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def _escaped(text: str) -> str:
    """Plain text in reST: a symbol like ``|B|`` is not a substitution."""
    return "".join("\\" + c if c in "\\|*`" else c for c in text)


def _cell(text: str) -> list[str]:
    return [f"     - {text}" if text else "     -"]


class GlossaryTable(SphinxDirective):
    """``.. glossary-table::`` (no arguments): the table of every term."""

    has_content = False

    def run(self):
        self.env.note_dependency(str(GLOSSARY))
        lines = [".. list-table::", "   :header-rows: 1", "   :widths: 36 24 30 10",
                 "   :class: mg-glossary", ""]
        lines += [f"   * - {HEADER[0]}"] + [f"     - {title}" for title in HEADER[1:]]
        for row in glossary_rows():
            lines += [f"   * - {row['english']}", f"     - {row['chinese']}"]
            lines += _cell(_escaped(row["symbol"])) + _cell(f":lesson:`{row['lesson']} <{row['lesson']}>`")
        container = nodes.container(classes=["mg-glossary-table"])
        self.state.nested_parse(StringList(lines, source=str(GLOSSARY)), 0, container)
        for node in container.findall(nodes.TextElement):
            if not isinstance(node, nodes.Inline):  # (Sphinx drops inlines so marked)
                node["translatable"] = False  # bilingual already: the same in both editions
        return [container]


def setup(app):
    app.add_directive("glossary-table", GlossaryTable)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
