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
from bot.storage import migrate
from bot.templates import load_brief_templates
from tests.engine.dialog import FRIDAY_MORNING
from tests.support.db_fixtures import database_url, empty_database_url, postgres_server

__all__ = ["database_url", "empty_database_url", "postgres_server"]

ContextFactory = Callable[..., CoachContext]


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
def migrated_settings(tmp_path: Path) -> Iterator[Settings]:
    """Settings on a fresh, migrated SQLite file with the playground on."""
    url = f"sqlite+aiosqlite:///{tmp_path}/prep-talk.db"
    migrate.upgrade(url)
    yield Settings(database_url=url, playground=True, nudge_interval=0)
