"""Loading playbooks and the glossary from YAML: the built-in set plus an operator's folder."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import ValidationError

from bot.playbook.schema import Glossary, Playbook
from bot.shipped import shipped_folder

BUILTIN_DIR = shipped_folder("playbooks")
GLOSSARY_FILE = "glossary.yaml"
_TEMPLATE_FIELDS = (
    "summary",
    "priorities",
    "likely_concerns",
    "listening_questions",
    "data_to_gather",
    "framing_advice",
    "example_opening",
    "why_examples",
)


class PlaybookError(ValueError):
    """A playbook file is broken; the message names the file, the field and the reason."""


@dataclass(frozen=True)
class PlaybookLibrary:
    playbooks: dict[str, Playbook]
    aliases: dict[str, str]
    glossary: Glossary

    def find(self, name: str) -> Playbook | None:
        """A playbook by id or alias, ignoring case and surrounding space."""
        key = name.strip().lower()
        return self.playbooks.get(self.aliases.get(key, key))

    def all(self) -> list[Playbook]:
        return sorted(self.playbooks.values(), key=lambda book: book.id)

    def closest(self, name: str) -> str | None:
        """The playbook id whose id or alias is nearest to a mistyped name."""
        names = [*self.playbooks, *self.aliases]
        match = difflib.get_close_matches(name.strip().lower(), names, n=1, cutoff=0.6)
        return self.aliases.get(match[0], match[0]) if match else None


def load_library(extra_dir: Path | None = None, builtin_dir: Path = BUILTIN_DIR) -> PlaybookLibrary:
    """Built-in playbooks, overridden or extended by the files in `extra_dir`."""
    playbooks: dict[str, Playbook] = {}
    glossary = load_glossary(builtin_dir / GLOSSARY_FILE)
    for folder in (builtin_dir, extra_dir):
        if folder is None:
            continue
        for path in yaml_files(folder):
            if path.name == GLOSSARY_FILE:
                if folder is not builtin_dir:
                    glossary = _merge(glossary, load_glossary(path))
                continue
            book = load_playbook(path)
            playbooks[book.id] = book
    return PlaybookLibrary(playbooks, _aliases(playbooks), glossary)


def yaml_files(folder: Path) -> list[Path]:
    """The files a playbook folder is read from (playbooks and a glossary), in load order."""
    return sorted(folder.glob("*.yaml"))


def load_playbook(path: Path) -> Playbook:
    raw = _read_yaml(path)
    try:
        book = Playbook.model_validate(raw)
    except ValidationError as error:
        raise PlaybookError(_describe(path, error)) from None
    return _render_placeholders(path, book)


def load_glossary(path: Path) -> Glossary:
    try:
        return Glossary.model_validate(_read_yaml(path))
    except ValidationError as error:
        raise PlaybookError(_describe(path, error)) from None


def _read_yaml(path: Path) -> Any:
    try:
        return _safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise PlaybookError(f"{path}: cannot read YAML: {reason}") from None


def _safe_load(text: str) -> Any:
    """YAML's safe loading, by libyaml's parser where PyYAML was built with it (its wheels
    are): several times faster than the pure-Python one, and the playbooks are read at every
    start."""
    if yaml.__with_libyaml__:
        return yaml.load(text, Loader=yaml.CSafeLoader)
    return yaml.safe_load(text)


def _describe(path: Path, error: ValidationError) -> str:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "(top level)"
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{path}: {field}: {first['msg']}{more}"


def _render_placeholders(path: Path, book: Playbook) -> Playbook:
    """Fill {{ team }} and {{ role }} in the text fields, in a Jinja2 sandbox."""
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    values = {"team": book.team, "role": book.role}
    updates: dict[str, Any] = {}
    for field in _TEMPLATE_FIELDS:
        current = getattr(book, field)
        try:
            if isinstance(current, list):
                updates[field] = [env.from_string(item).render(values) for item in current]
            else:
                updates[field] = env.from_string(current).render(values)
        except TemplateError as error:
            raise PlaybookError(f"{path}: {field}: template error: {error}") from None
    return book.model_copy(update=updates)


def _aliases(playbooks: dict[str, Playbook]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for book in playbooks.values():
        for alias in book.aliases:
            if alias in playbooks and alias != book.id:
                raise PlaybookError(f"{book.id}: aliases: {alias!r} is another playbook's id")
            aliases[alias] = book.id
    return aliases


def _merge(base: Glossary, extra: Glossary) -> Glossary:
    terms = {entry.term.lower(): entry for entry in base.entries}
    terms.update({entry.term.lower(): entry for entry in extra.entries})
    return Glossary(entries=list(terms.values()))
