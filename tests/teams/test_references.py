"""Stored Teams conversation references, on SQLite and PostgreSQL: one per person, scoped by
platform, tenant and user, replaced in place, deleted on request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.storage.db import create_database, session_factory
from bot.storage.teams_references import TeamsReferences
from bot.users import UserRef
from tests.teams.support import DANA, OTHER_TENANT, TENANT

DANA_ELSEWHERE = UserRef("teams", OTHER_TENANT, DANA.user)
SLACK_NAMESAKE = UserRef("slack", TENANT, DANA.user)


def reference(conversation: str) -> dict[str, object]:
    return {
        "channelId": "msteams",
        "serviceUrl": "https://smba.trafficmanager.net/emea/",
        "conversation": {"id": conversation, "conversationType": "personal"},
        "user": {"id": "29:dana", "aadObjectId": DANA.user},
        "bot": {"id": "28:bot"},
    }


@pytest.fixture
async def references(database_url: str) -> AsyncIterator[TeamsReferences]:
    engine = create_database(database_url)
    yield TeamsReferences(session_factory(engine))
    await engine.dispose()


async def test_a_reference_is_saved_replaced_and_read_back_by_its_owner_only(
    references: TeamsReferences,
) -> None:
    assert await references.save(DANA, reference("a:first"), "Europe/Paris") is None
    assert await references.save(DANA, reference("a:second"), None) == "Europe/Paris"
    found = await references.load(DANA)
    assert found is not None
    assert found.reference["conversation"] == {"id": "a:second", "conversationType": "personal"}
    assert found.time_zone == "Europe/Paris"  # an activity without a zone keeps the old one
    assert await references.load(DANA_ELSEWHERE) is None
    assert await references.load(SLACK_NAMESAKE) is None


async def test_deleting_removes_only_that_persons_reference(references: TeamsReferences) -> None:
    await references.save(DANA, reference("a:dana"), None)
    await references.save(DANA_ELSEWHERE, reference("a:other-tenant"), None)
    assert await references.delete(DANA) is True
    assert await references.delete(DANA) is False
    assert await references.load(DANA) is None
    kept = await references.load(DANA_ELSEWHERE)
    assert kept is not None and kept.reference["conversation"]["id"] == "a:other-tenant"


async def test_two_activities_of_one_user_at_once_leave_one_reference(
    references: TeamsReferences,
) -> None:
    await asyncio.gather(
        *(references.save(DANA, reference(f"a:{n}"), "Europe/Paris") for n in range(4))
    )
    found = await references.load(DANA)
    assert found is not None and found.reference["conversation"]["id"].startswith("a:")


async def test_an_overlong_time_zone_is_refused(references: TeamsReferences) -> None:
    with pytest.raises(ValueError, match="time zone"):
        await references.save(DANA, reference("a:x"), "Zone/" + "x" * 80)
    assert await references.load(DANA) is None
