"""Fixtures shared by every test folder: the real playbooks, a fixed clock, a migrated DB."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.engine.context import CoachContext
from bot.engine.glossary import GlossaryIndex
from bot.playbook.library import PlaybookLibrary, load_library
from bot.settings import Settings
from bot.templates import load_brief_templates
from tests.engine.dialog import FRIDAY_MORNING
from tests.support.db_fixtures import (
    database_url,
    empty_database_url,
    migrated_postgres_template,
    migrated_sqlite_file,
    migrated_sqlite_url,
    postgres_server,
)
from tests.support.library_cache import read_once

__all__ = [
    "database_url",
    "empty_database_url",
    "migrated_postgres_template",
    "migrated_sqlite_file",
    "postgres_server",
]

ContextFactory = Callable[..., CoachContext]


@pytest.fixture(scope="session", autouse=True)
def playbooks_read_once() -> Iterator[None]:
    """Every coach built in this process shares the playbooks read once (library_cache)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("bot.runtime.load_library", read_once(load_library))
        yield


@pytest.fixture(scope="session")
def library() -> PlaybookLibrary:
    return load_library()


@pytest.fixture(scope="session")
def glossary(library: PlaybookLibrary) -> GlossaryIndex:
    return GlossaryIndex(library.glossary)


@pytest.fixture
def make_context(library: PlaybookLibrary, glossary: GlossaryIndex) -> ContextFactory:
    templates = load_brief_templates()

    def build(
        stakeholder: str = "sales", now: datetime = FRIDAY_MORNING, **extra: object
    ) -> CoachContext:
        book = library.find(stakeholder)
        assert book is not None
        return CoachContext(
            now=now,
            playbook=book,
            glossary=glossary,
            brief_template=templates.brief,
            debrief_template=templates.debrief,
            **extra,  # type: ignore[arg-type]
        )

    return build


@pytest.fixture
def migrated_settings(tmp_path: Path, migrated_sqlite_file: Path) -> Settings:
    """Settings on a fresh, migrated SQLite file with the playground on."""
    url = migrated_sqlite_url(migrated_sqlite_file, tmp_path)
    return Settings(database_url=url, playground=True, nudge_interval=0)
