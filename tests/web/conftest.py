"""Fixtures for the playground tests.

Every test runs twice: against the playground mounted on a bare application with a scripted
`FakeCoach` (fast, no database), and against the real `create_app(settings)` on a migrated
database, so the HTTP rules hold for what users actually run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.server import create_app
from bot.settings import Settings
from bot.web.playground import add_playground
from tests.web.fake_coach import FakeCoach

Client = TestClient[web.Request, web.Application]


def fake_app(tmp_path: Path) -> web.Application:
    """The playground alone, on a scripted coach."""
    app = web.Application(client_max_size=1024 * 1024)
    settings = Settings(
        database_url=f"sqlite+preptalk:///{tmp_path}/unused.db", host="127.0.0.1", playground=True
    )
    add_playground(app, FakeCoach(), settings)
    return app


def real_app(request: pytest.FixtureRequest) -> web.Application:
    """The whole server as `prep-talk serve` builds it, on a freshly migrated database."""
    settings: Settings = request.getfixturevalue("migrated_settings")
    return create_app(settings)


@pytest.fixture(params=["fake", "real"])
def playground_app(request: pytest.FixtureRequest, tmp_path: Path) -> web.Application:
    if request.param == "fake":
        return fake_app(tmp_path)
    return real_app(request)


@pytest.fixture
async def client(aiohttp_client: object, playground_app: web.Application) -> Client:
    """A client with no cookie yet: a browser that has never opened the page."""
    return await aiohttp_client(playground_app)  # type: ignore[operator,no-any-return]


@pytest.fixture
async def visitor(client: Client) -> AsyncIterator[Client]:
    """A client that opened the page once and so holds its playground cookie."""
    response = await client.get("/")
    assert response.status == 200
    yield client
