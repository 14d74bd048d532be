"""Pytest fixtures for a fresh database per test, on SQLite and on PostgreSQL.

Import them into a conftest to use them (one import registers a fixture there):

    from tests.support.db_fixtures import database_url, empty_database_url, postgres_server

`database_url` and `empty_database_url` are parametrised: each test using one runs once per
database. The postgres runs carry the `postgres` mark; without PostgreSQL they skip, unless
CI=true: then they fail.

Alembic runs once per database kind and run, into a template; each test's migrated database
is a copy of it (the file copied, or PostgreSQL's `CREATE DATABASE … TEMPLATE`), so no test
sees another's rows. The migrations themselves are tested from `empty_database_url`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

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
        yield sqlite_url(tmp_path_factory.mktemp("db") / "prep-talk.db")
        return
    server: TempPostgres = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    server.drop_database(url)


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest revision, once per run: copy it, never open it."""
    path = tmp_path_factory.mktemp("migrated-template") / "prep-talk.db"
    upgrade(sqlite_url(path))
    return path


def migrated_sqlite_url(template: Path, directory: Path) -> str:
    """The URL of a new SQLite file in `directory`, a copy of the migrated `template`."""
    path = directory / "prep-talk.db"
    shutil.copyfile(template, path)
    return sqlite_url(path)


def sqlite_url(path: Path) -> str:
    return f"sqlite+preptalk:///{path}"


@pytest.fixture(scope="session")
def migrated_postgres_template(postgres_server: TempPostgres) -> str:
    """A PostgreSQL database migrated to the newest revision, once per run, to copy from."""
    url = postgres_server.create_database()
    upgrade(url)  # its connections are closed when this returns: the template is free to copy
    return url


@pytest.fixture(params=DATABASES)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The URL of a brand-new database migrated to the newest revision (a template's copy)."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("migrated_sqlite_file")
        yield migrated_sqlite_url(template, tmp_path_factory.mktemp("db"))
        return
    server: TempPostgres = request.getfixturevalue("postgres_server")
    url = server.create_database(template=request.getfixturevalue("migrated_postgres_template"))
    yield url
    server.drop_database(url)
