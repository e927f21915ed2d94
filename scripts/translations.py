"""Which translations are behind their English source.

Translated are the site's pages (docs/zh/..., docs/it/... for docs/en/...),
each exercise's instructions and hints (exercises/<id>/README.<lang>.md and
texts.<lang>.toml for README.md and texts.en.toml) and the interface strings
of the figures and the grader (locales/<part>/<lang>.toml for en.toml).

Every translation records the revision of the English file it translates:
the git blob id of that file (what `git hash-object` prints), in the front
matter of a Markdown file (`translation_of: ...`), the metadata of a
notebook, or the first line of a TOML file (`translation_of = "..."`). When
the English file changes, its blob id changes, and the translation is stale
until someone reviews it and stamps it.

    .venv/bin/python -m scripts.translations status                     # stale pages (exit 1 if any)
    .venv/bin/python -m scripts.translations stamp docs/zh/kv-cache.md  # record a review (one or more)

A translator sees what changed with
`git diff <recorded id> <current id>` (both ids are printed by `status`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

if not __package__:  # run as a file (python scripts/translations.py): make the `scripts` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts import languages

ROOT = Path(__file__).resolve().parent.parent
SOURCE_LANGUAGE = languages.SOURCE
TRANSLATIONS = languages.TRANSLATIONS
PAGE_SUFFIXES = (".md", ".ipynb")
FIELD = "translation_of"

TOML_LINE = re.compile(rf'^{FIELD} = "([0-9a-f]*)"\n', re.MULTILINE)
FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)
FIELD_LINE = re.compile(rf"^{FIELD}:[ \t]*(\S*)[ \t]*$", re.MULTILINE)


def blob_id(data: bytes) -> str:
    """The id git gives a file with these bytes (`git hash-object`)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def recorded_revision(page: Path) -> str | None:
    text = page.read_text(encoding="utf-8")
    if page.suffix == ".toml":
        match = TOML_LINE.match(text)
        return match.group(1) if match else None
    if page.suffix == ".ipynb":
        return json.loads(text).get("metadata", {}).get(FIELD)
    front = FRONT_MATTER.match(text)
    match = FIELD_LINE.search(front.group(1)) if front else None
    return match.group(1) if match else None


def record_revision(page: Path, revision: str) -> None:
    text = page.read_text(encoding="utf-8")
    if page.suffix == ".toml":
        line = f'{FIELD} = "{revision}"\n'
        page.write_text(TOML_LINE.sub(line, text, count=1) if TOML_LINE.match(text) else line + text, encoding="utf-8")
        return
    if page.suffix == ".ipynb":
        notebook = json.loads(text)
        notebook.setdefault("metadata", {})[FIELD] = revision
        page.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    line = f"{FIELD}: {revision}"
    front = FRONT_MATTER.match(text)
    if front is None:
        text = f"---\n{line}\n---\n\n{text}"
    elif FIELD_LINE.search(front.group(1)):
        body = FIELD_LINE.sub(line, front.group(1), count=1)
        text = f"---\n{body}---\n" + text[front.end():]
    else:
        text = f"---\n{line}\n{front.group(1)}---\n" + text[front.end():]
    page.write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Stale:
    page: Path
    source: Path
    recorded: str | None
    current: str

    def describe(self, root: Path) -> str:
        page = self.page.relative_to(root)
        if not self.page.exists():
            return f"{page}: missing (translates {self.source.relative_to(root)})"
        if self.recorded is None:
            return f"{page}: records no '{FIELD}' (translates {self.source.relative_to(root)} at {self.current})"
        return f"{page}: translates {self.recorded[:12]}, English is now {self.current[:12]} (git diff {self.recorded} {self.current})"


def translation_pairs(root: Path = ROOT) -> list[tuple[Path, Path]]:
    """(English source, translation) for every translation the project should have."""
    docs = root / "docs"
    pairs = []
    for source in sorted((docs / SOURCE_LANGUAGE).rglob("*")):
        if source.suffix in PAGE_SUFFIXES:
            pairs += [(source, docs / lang / source.relative_to(docs / SOURCE_LANGUAGE)) for lang in TRANSLATIONS]
    for folder in sorted((root / "exercises").glob("e[0-9]*")):
        pairs += [(folder / "README.md", folder / f"README.{lang}.md") for lang in TRANSLATIONS]
        pairs += [(folder / "texts.en.toml", folder / f"texts.{lang}.toml") for lang in TRANSLATIONS]
    for english in sorted((root / "locales").glob(f"*/{SOURCE_LANGUAGE}.toml")):
        pairs += [(english, english.with_name(f"{lang}.toml")) for lang in TRANSLATIONS]
    return pairs


def stale_pages(root: Path = ROOT) -> list[Stale]:
    """Every translation whose recorded English revision is not the current one, or that is missing
    (a missing page fails the site build too; a missing exercise text or string file fails the tests)."""
    stale = []
    for source, page in translation_pairs(root):
        current = blob_id(source.read_bytes())
        recorded = recorded_revision(page) if page.exists() else None
        if recorded != current:
            stale.append(Stale(page, source, recorded, current))
    return stale


def stamp(pages: list[Path], root: Path = ROOT) -> None:
    """Record that each translation has been reviewed against today's English file."""
    sources = {page.resolve(): source for source, page in translation_pairs(root)}
    for page in pages:
        source = sources.get(page.resolve())
        if source is None:
            raise ValueError(f"{page} is not a translation this project tracks (docs/zh/..., docs/it/..., "
                             "exercises/<id>/README.<lang>.md or texts.<lang>.toml, locales/<part>/<lang>.toml)")
        record_revision(page, blob_id(source.read_bytes()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.translations", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("status", help="list translated pages whose English source changed")
    stamp_cmd = sub.add_parser("stamp", help="record that pages were reviewed against the current English")
    stamp_cmd.add_argument("pages", nargs="+", type=Path)
    args = parser.parse_args(argv)

    if args.command == "stamp":
        missing = [str(p) for p in args.pages if not p.exists()]
        if missing:
            parser.error(f"no such file: {', '.join(missing)}")
        try:
            stamp(args.pages)
        except ValueError as error:
            parser.error(str(error))
        print(f"Stamped {len(args.pages)} page(s).")
        return 0

    stale = stale_pages()
    for item in stale:
        print(item.describe(ROOT))
    print(f"{len(stale)} translated page(s) to review." if stale else "Every translation is up to date.")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
