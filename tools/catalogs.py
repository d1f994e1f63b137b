"""The Chinese edition's catalogs: bring them up to date, and check a translation.

Usage (from the repository root, after ``make docs`` has built the English site)::

    .venv/bin/python tools/catalogs.py update        # add new English messages to the .po
    .venv/bin/python tools/catalogs.py check [PO...] # what is wrong with the translations
    .venv/bin/python tools/catalogs.py todo PO > todo.json      # its untranslated messages
    .venv/bin/python tools/catalogs.py fill PO done.json        # write translations in

``todo`` and ``fill`` are for translating: ``todo`` prints a JSON object whose keys are the
messages still without a translation (values empty); fill in the values and ``fill``
writes them into the catalog (a key it does not know is an error).

``update`` runs Sphinx's ``gettext`` builder into ``docs/_build/gettext`` and merges each
page's ``.pot`` into ``docs/locale/zh_CN/LC_MESSAGES/<page>.po`` (sphinx-intl); for the
figures it adds the label templates the lessons met (``docs/_build/figure-texts``) to
``docs/locale/zh_CN/figures/<lesson>.po``. A message that is only code, math or a
reference (nothing to translate) gets itself as its translation.

``check`` lists, per message, what a reader of the Chinese page would see go wrong:

* no translation, or a fuzzy one;
* a number of the English missing or changed (the prose numbers are checked against the
  lessons' output, so a translation must quote the same ones);
* code (````…````), math, a reference's target or a placeholder ``{0}`` changed, lost
  or added — code and formulas are never translated;
* markup that reST does not see: in ``学习率**η**是`` the ``**`` are printed as they
  are, because inline markup must follow a space or punctuation (write ``学习率 **η** 是``
  or ``学习率\\ **η**\\ 是``);
* a space between two Chinese characters.
"""

from __future__ import annotations

import argparse
import collections
import functools
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_ext"))
import figure_i18n  # noqa: E402  (the figures' catalogs and the labels the lessons met)
from i18n import CJK_IDEOGRAPHS  # noqa: E402

LOCALE = DOCS / "locale" / "zh_CN"
PAGES = LOCALE / "LC_MESSAGES"
FIGURES = figure_i18n.CATALOGS
POT = DOCS / "_build" / "gettext"
FIGURE_TEXTS = figure_i18n.TEXTS

_SPACE_IN_CHINESE = re.compile(rf"[{CJK_IDEOGRAPHS}][ \t]+[{CJK_IDEOGRAPHS}]")
_ROLE = re.compile(r":([A-Za-z][\w:.+-]*):`((?:[^`\\]|\\.)*)`")
_LITERAL = re.compile(r"``(.+?)``")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_PLACEHOLDER = re.compile(r"\{\d+\}")
_WORD = re.compile(r"[A-Za-z]{2,}")
#: Roles whose whole text is code or math (kept verbatim); for the others only the
#: target — ``<target>`` or the whole text — must stay.
_VERBATIM_ROLES = {"math"}


def _role_items(text: str) -> list[tuple[str, str]]:
    items = []
    for name, body in _ROLE.findall(text):
        if name in _VERBATIM_ROLES:
            items.append((name, body))
            continue
        match = re.search(r"<([^<>]+)>\s*$", body)
        items.append((name, (match.group(1) if match else body).strip()))
    return items


#: Roles that show words — a page or section title, or their own text — which are
#: Chinese in the Chinese edition: "第 :lesson:`03` 课" shows a space between Chinese.
_WORD_ROLES = {"doc", "ref", "lesson", "numref", "download", "term", "eq"}


def _outside_markup(text: str) -> str:
    """``text`` with code, roles, links and URLs each replaced by one NUL character
    (not a space, so that "学习率 :math:`x` 太大" shows no space between Chinese); a
    role that shows Chinese words becomes one Chinese character."""
    text = _ROLE.sub(lambda m: "中" if m.group(1) in _WORD_ROLES else "\0", text)
    text = text.replace("*", "")  # **bold** and *emphasis* show their words only
    text = _LITERAL.sub("\0", text)
    text = re.sub(r"`[^`]*`_{1,2}", "\0", text)      # `links <url>`_
    return re.sub(r"https?://\S+", "\0", text)


def nothing_to_translate(msgid: str) -> bool:
    """Only code, math, references and numbers: the translation is the message itself."""
    return not _WORD.search(_outside_markup(msgid))


# ------------------------------------------------------------ markup as reST sees it

@functools.lru_cache(maxsize=None)
def _role(name):
    from docutils import nodes

    def role(role_name, rawtext, text, lineno, inliner, options=None, content=None):
        return [nodes.inline(rawtext, text, classes=["role"])], []
    return role


def _markup(text: str) -> tuple[collections.Counter, list[str]]:
    """Counts of the inline nodes reST makes of ``text``, and its complaints."""
    import docutils.core
    import docutils.utils
    from docutils import nodes
    from docutils.parsers.rst import roles
    for name, _ in _ROLE.findall(text):
        roles.register_local_role(name, _role(name))
    settings = {"report_level": 2, "halt_level": 5, "warning_stream": False,
                "file_insertion_enabled": False, "raw_enabled": False}
    tree = docutils.core.publish_doctree(text, settings_overrides=settings)
    kinds = (nodes.literal, nodes.strong, nodes.emphasis, nodes.reference,
             nodes.footnote_reference, nodes.citation_reference,
             nodes.substitution_reference, nodes.inline, nodes.title_reference)
    counts = collections.Counter(type(node).__name__ for node in tree.findall()
                                 if isinstance(node, kinds))
    complaints = [node.astext().split("\n")[0] for node in tree.findall(nodes.system_message)
                  if node["level"] >= 2]
    return counts, complaints


def problems(msgid: str, msgstr: str, fuzzy: bool = False) -> list[str]:
    """What is wrong with one translation (empty when nothing is)."""
    if not msgstr:
        return ["not translated"]
    found = []
    if fuzzy:
        found.append("fuzzy: check the translation, then drop the fuzzy flag")
    if sorted(_NUMBER.findall(_ROLE.sub("", msgid))) != sorted(
            _NUMBER.findall(_ROLE.sub("", msgstr))):
        found.append(f"numbers differ: {_NUMBER.findall(_ROLE.sub('', msgid))} in the "
                     f"English, {_NUMBER.findall(_ROLE.sub('', msgstr))} here")
    for what, pattern in (("code", _LITERAL), ("placeholder", _PLACEHOLDER)):
        if sorted(pattern.findall(msgid)) != sorted(pattern.findall(msgstr)):
            found.append(f"{what} differs: keep {pattern.findall(msgid)} exactly")
    if sorted(_role_items(msgid)) != sorted(_role_items(msgstr)):
        found.append(f"math or reference differs: keep {_role_items(msgid)}")
    english, english_complaints = _markup(msgid)
    chinese, complaints = _markup(msgstr)
    if english != chinese and not english_complaints:
        found.append(f"markup differs (reST sees {dict(chinese)}, the English has "
                     f"{dict(english)}): put a space or '\\ ' around inline markup")
    found += [f"reST: {complaint}" for complaint in complaints
              if complaint not in english_complaints]
    space = _SPACE_IN_CHINESE.search(_outside_markup(msgstr))
    if space:
        found.append(f"a space between Chinese characters: {space.group(0)!r}")
    return found


def read_catalog(path: Path):
    from babel.messages.pofile import read_po
    with open(path, "rb") as file:
        return read_po(file)


def catalog_problems(path: Path) -> list[str]:
    """``"<file>: <msgid start>: <problem>"`` for every problem in the catalog."""
    out = []
    for message in read_catalog(path):
        if not message.id:
            continue
        for problem in problems(message.id, message.string, message.fuzzy):
            out.append(f"{path.relative_to(ROOT)}: {message.id[:60]!r}: {problem}")
    return out


def all_catalogs() -> list[Path]:
    return sorted(PAGES.rglob("*.po")) + sorted(FIGURES.glob("*.po"))


# ------------------------------------------------------------------- bring up to date

def _write(catalog, path: Path) -> None:
    from babel.messages.pofile import write_po
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as file:
        write_po(file, catalog, width=88, omit_header=False, sort_output=False)


def fill_code_only(path: Path) -> int:
    """Give each message with nothing to translate itself as translation; drop the
    messages the English no longer has."""
    catalog = read_catalog(path)
    filled = 0
    for message in catalog:
        if message.id and not message.string and nothing_to_translate(message.id):
            message.string = message.id
            filled += 1
    if filled or catalog.obsolete:
        catalog.obsolete.clear()
        _write(catalog, path)
    return filled


def todo(path: Path) -> dict[str, str]:
    return {m.id: "" for m in read_catalog(path) if m.id and (not m.string or m.fuzzy)}


def fill(path: Path, translations: dict[str, str]) -> int:
    """Write ``translations`` (msgid → msgstr) into the catalog; clears fuzzy flags."""
    catalog = read_catalog(path)
    unknown = [key for key in translations if key not in catalog]
    if unknown:
        raise SystemExit(f"{path}: no such message(s): {unknown[:3]}")
    written = 0
    for msgid, msgstr in translations.items():
        if msgstr:
            message = catalog[msgid]
            message.string = msgstr
            message.flags.discard("fuzzy")
            written += 1
    _write(catalog, path)
    return written


def update_pages() -> None:
    subprocess.run([sys.executable, "-m", "sphinx", "-q", "-E", "-j", "auto", "-b", "gettext",
                    str(DOCS), str(POT)], check=True)
    subprocess.run([sys.executable, "-m", "sphinx_intl", "update", "-p", str(POT),
                    "-d", str(DOCS / "locale"), "-l", "zh_CN", "-w", "88"], check=True)


def figure_templates() -> dict[str, list[str]]:
    """Per catalog — a lesson, or ``interactive`` (whose figures are recorded one file
    each, ``interactive.<figure>.json``) — the label templates the last build met."""
    import json
    found: dict[str, set[str]] = collections.defaultdict(set)
    for path in sorted(FIGURE_TEXTS.glob("*.json")):
        found[path.stem.split(".")[0]].update(json.loads(path.read_text(encoding="utf-8")))
    return {name: sorted(templates) for name, templates in found.items()}


def update_figures() -> None:
    from babel.messages.catalog import Catalog
    for name, templates in figure_templates().items():
        path = FIGURES / f"{name}.po"
        catalog = read_catalog(path) if path.exists() else Catalog(
            locale="zh_CN", project="minigrad figures", charset="utf-8")
        known = {m.id for m in catalog if m.id}
        for template in templates:
            if template not in catalog:
                catalog.add(template)
        stale = [m.id for m in catalog if m.id and m.id not in templates]
        for msgid in stale:
            catalog.delete(msgid)   # a label the lesson no longer draws
        if stale or not path.exists() or any(t not in known for t in templates):
            _write(catalog, path)   # (unchanged catalogs keep their time: no re-run)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("update", help="merge new English messages into the catalogs")
    check = sub.add_parser("check", help="list what is wrong with translations")
    check.add_argument("catalogs", nargs="*", type=Path)
    todo_parser = sub.add_parser("todo", help="the untranslated messages, as JSON")
    todo_parser.add_argument("catalog", type=Path)
    fill_parser = sub.add_parser("fill", help="write translations from a JSON file")
    fill_parser.add_argument("catalog", type=Path)
    fill_parser.add_argument("translations", type=Path)
    args = parser.parse_args(argv)
    if args.command == "todo":
        import json
        print(json.dumps(todo(args.catalog), ensure_ascii=False, indent=1))
        return 0
    if args.command == "fill":
        import json
        translations = json.loads(args.translations.read_text(encoding="utf-8"))
        print(f"{fill(args.catalog, translations)} translations written")
        return 0
    if args.command == "update":
        update_pages()
        update_figures()
        filled = sum(fill_code_only(path) for path in all_catalogs())
        print(f"catalogs updated; {filled} code-only messages filled in")
        return 0
    paths = [path.resolve() for path in args.catalogs] or all_catalogs()
    found = [line for path in paths for line in catalog_problems(path)]
    print("\n".join(found) if found else f"{len(paths)} catalogs: no problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
