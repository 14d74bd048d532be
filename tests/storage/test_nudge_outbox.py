"""The nudge outbox's planning read: every user who may be due a nudge, once, with all of
their preps, however the users fall into batches. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage import nudge_outbox
from bot.storage.models import PrepConversation, Tenant, User

# user -> (stakeholder, status, planned date) of each of their preps
PREPS: dict[str, list[tuple[str, str, date | None]]] = {
    "U1": [("sales", "in_progress", None)],
    "U2": [],  # no prep, no opt-in: nothing to plan for them
    "U3": [
        ("sales", "briefed", date(2026, 11, 3)),
        ("cfo", "paused", None),
        ("board", "closed", None),
    ],
    "U4": [],  # opted in: planned without a prep
    "U5": [("finance", "in_progress", None), ("sales", "in_progress", None)],
}


async def test_each_person_comes_once_with_every_prep_across_batches(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        session.add(Tenant(platform="slack", tenant_id="T1", fiscal_year_start_month=2))
        for user_id, preps in PREPS.items():
            session.add(User(platform="slack", tenant_id="T1", user_id=user_id,
                             time_zone="Europe/Paris", nudges_opt_in=user_id == "U4"))  # fmt: skip
            for stakeholder, status, planned in preps:
                session.add(PrepConversation(platform="slack", tenant_id="T1", user_id=user_id,
                                             stakeholder=stakeholder, status=status,
                                             planned_date=planned))  # fmt: skip

    for batch in (1, 2, 3, 1000):
        people = [p async for p in nudge_outbox.people_to_plan(sessions, batch)]
        assert [p.user_id for p in people] == ["U1", "U3", "U4", "U5"], f"batch {batch}"
        for person in people:
            assert person.time_zone == "Europe/Paris" and person.fiscal_year_start_month == 2
            preps = [(p.stakeholder, p.status, p.planned_date) for p in person.preps]
            assert sorted(preps, key=str) == sorted(PREPS[person.user_id], key=str)
