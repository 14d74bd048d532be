"""Pytest fixtures for a fresh database per test, on SQLite and on PostgreSQL.

Import them into a conftest to use them (one import registers a fixture there):

    from tests.support.db_fixtures import database_url, empty_database_url, postgres_server

`database_url` is parametrised: each test using it runs once per database. The postgres
runs carry the `postgres` mark; without PostgreSQL they skip, unless CI=true: then they fail.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.storage.migrate import upgrade
from tests.support.postgres import PostgresUnavailable, TempPostgres, must_have_postgres

DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[TempPostgres]:
    """One PostgreSQL server for the whole run (started, or PREPTALK_TEST_POSTGRES_URL)."""
    try:
        server = TempPostgres().start()
    except PostgresUnavailable as error:
        if must_have_postgres():
            pytest.fail(f"PostgreSQL is required when CI=true: {error}")
        pytest.skip(f"PostgreSQL unavailable: {error}")
    yield server
    server.stop()


@pytest.fixture(params=DATABASES)
def empty_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The URL of a brand-new, empty database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'prep-talk.db'}"
        return
    server: TempPostgres = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    server.drop_database(url)


@pytest.fixture
def database_url(empty_database_url: str) -> str:
    """A fresh database migrated to the newest revision."""
    upgrade(empty_database_url)
    return empty_database_url
