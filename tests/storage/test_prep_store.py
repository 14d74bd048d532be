"""PrepStore on SQLite and PostgreSQL: a person's preps, turns, notes — and nobody else's."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.storage.crypto import NoteCipher
from bot.storage.models import PrepConversation, User
from bot.storage.prep_store import (
    ConcurrentTurn,
    ConversationNotFound,
    PersonSettings,
    PrepStore,
)
from bot.users import UserRef

Sessions = async_sessionmaker[AsyncSession]

ALICE = UserRef("slack", "T1", "U1")
NEIGHBOURS = {
    "same tenant, other user": UserRef("slack", "T1", "U2"),
    "same user id, other tenant": UserRef("slack", "T2", "U1"),
    "same ids, other platform": UserRef("teams", "T1", "U1"),
}


async def count(engine: AsyncEngine, sql: str, **params: Any) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text(sql), params)).scalar_one())


async def save(
    store: PrepStore,
    conversation: PrepConversation,
    *,
    step: str = "focus",
    data: dict[str, Any] | None = None,
    status: str = "in_progress",
    goal: str | None = None,
    planned_date: date | None = None,
    notes: dict[str, str] | None = None,
) -> None:
    state = await store.load_state(conversation)
    await store.save_turn(
        conversation,
        state,
        step=step,
        data=data or {},
        status=status,
        goal=goal,
        planned_date=planned_date,
        notes=notes or {},
    )


async def start_prep(
    sessions: Sessions,
    who: UserRef,
    stakeholder: str = "sales",
    notes: dict[str, str] | None = None,
) -> int:
    async with sessions() as session:
        store = PrepStore(session, who, NoteCipher([]))
        await store.ensure_person()
        conversation = await store.start_conversation(stakeholder, "feel", {"answers": []})
        if notes:
            await save(store, conversation, step="feel", notes=notes)
        await session.commit()
        return conversation.id


async def test_a_new_prep_starts_in_progress_at_its_first_step(sessions: Sessions) -> None:
    conversation_id = await start_prep(sessions, ALICE)

    async with sessions() as session:
        store = PrepStore(session, ALICE, NoteCipher([]))
        conversation = await store.get_conversation(conversation_id)
        assert conversation is not None
        assert (conversation.stakeholder, conversation.status) == ("sales", "in_progress")
        state = await store.load_state(conversation)
        assert (state.step, store.state_data(state), state.version) == ("feel", {"answers": []}, 1)
        assert await store.active_conversation() == (conversation, state)
        assert await store.open_conversation_for("sales") == conversation
        assert await store.open_conversation_for("cfo") is None


async def test_a_saved_turn_is_what_the_next_turn_loads(sessions: Sessions) -> None:
    conversation_id = await start_prep(sessions, ALICE)
    async with sessions() as session:
        store = PrepStore(session, ALICE, NoteCipher([]))
        conversation = await store.get_conversation(conversation_id)
        assert conversation is not None
        await save(
            store,
            conversation,
            step="timing",
            data={"goal": "training", "nested": {"n": 2}},
            status="paused",
            goal="Sales finishes the training",
            planned_date=date(2025, 2, 11),
        )
        await session.commit()

    async with sessions() as session:
        store = PrepStore(session, ALICE, NoteCipher([]))
        conversation = await store.get_conversation(conversation_id)
        assert conversation is not None
        assert conversation.status == "paused"
        assert store.goal_of(conversation) == "Sales finishes the training"
        assert conversation.planned_date == date(2025, 2, 11)
        assert conversation.updated_at > conversation.created_at
        state = await store.load_state(conversation)
        assert (state.step, store.state_data(state), state.version) == (
            "timing",
            {"goal": "training", "nested": {"n": 2}},
            2,
        )
        assert await store.active_conversation() is None
        assert await store.open_conversation_for("sales") == conversation


@pytest.mark.parametrize("neighbour", NEIGHBOURS.values(), ids=NEIGHBOURS.keys())
async def test_nobody_sees_or_touches_another_persons_preps(
    sessions: Sessions, engine: AsyncEngine, neighbour: UserRef
) -> None:
    alices = await start_prep(sessions, ALICE, notes={"feel": "VP worries about quota"})
    theirs = await start_prep(sessions, neighbour, notes={"feel": "their own note"})

    async with sessions() as session:
        store = PrepStore(session, neighbour, NoteCipher([]))
        assert [c.id for c in await store.list_conversations()] == [theirs]
        assert await store.get_conversation(alices) is None
        assert (await store.active_conversation())[0].id == theirs  # type: ignore[index]
        assert (await store.open_conversation_for("sales")).id == theirs  # type: ignore[union-attr]
        alice_conversation = await session.get(PrepConversation, alices)
        assert alice_conversation is not None
        assert await store.notes_of(alice_conversation) == []
        with pytest.raises(ConversationNotFound):
            await store.load_state(alice_conversation)
        assert await store.forget_everything() == 1
        await session.commit()

    async with sessions() as session:
        store = PrepStore(session, ALICE, NoteCipher([]))
        assert [c.id for c in await store.list_conversations()] == [alices]
        conversation = await store.get_conversation(alices)
        assert conversation is not None
        assert [n.text for n in await store.notes_of(conversation)] == ["VP worries about quota"]
    assert await count(engine, "SELECT count(*) FROM users") == 1
    assert await count(engine, "SELECT count(*) FROM notes") == 1


async def test_a_turn_cannot_be_saved_into_someone_elses_prep(sessions: Sessions) -> None:
    alices = await start_prep(sessions, ALICE)
    async with sessions() as session:
        alice_store = PrepStore(session, ALICE, NoteCipher([]))
        conversation = await alice_store.get_conversation(alices)
        assert conversation is not None
        state = await alice_store.load_state(conversation)
        intruder = PrepStore(session, NEIGHBOURS["same tenant, other user"], NoteCipher([]))
        with pytest.raises(ConversationNotFound):
            await intruder.save_turn(
                conversation,
                state,
                step="why",
                data={},
                status="closed",
                goal=None,
                planned_date=None,
                notes={"why": "x"},
            )


async def test_pausing_others_leaves_the_kept_prep_and_other_people_alone(
    sessions: Sessions,
) -> None:
    first = await start_prep(sessions, ALICE, "sales")
    second = await start_prep(sessions, ALICE, "cfo")
    bobs = await start_prep(sessions, NEIGHBOURS["same tenant, other user"], "sales")

    async with sessions() as session:
        await PrepStore(session, ALICE, NoteCipher([])).pause_others(keep_id=second)
        await session.commit()

    async with sessions() as session:
        statuses = dict((await session.execute(text("SELECT id, status FROM conversations"))).all())
    assert statuses == {first: "paused", second: "in_progress", bobs: "in_progress"}


async def test_resuming_picks_the_latest_unfinished_prep_for_that_stakeholder(
    sessions: Sessions,
) -> None:
    older = await start_prep(sessions, ALICE, "sales")
    newer = await start_prep(sessions, ALICE, "sales")
    briefed = await start_prep(sessions, ALICE, "sales")
    base = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    async with sessions() as session:
        for offset, (conversation_id, status) in enumerate(
            [(newer, "paused"), (older, "in_progress"), (briefed, "briefed")]
        ):
            row = await session.get(PrepConversation, conversation_id)
            assert row is not None
            row.status, row.updated_at = status, base - timedelta(hours=offset)
        await session.commit()

    async with sessions() as session:
        store = PrepStore(session, ALICE, NoteCipher([]))
        assert (await store.open_conversation_for("sales")).id == newer  # type: ignore[union-attr]
        assert (await store.active_conversation())[0].id == older  # type: ignore[index]


async def test_list_is_newest_first_and_limited(sessions: Sessions) -> None:
    ids = [await start_prep(sessions, ALICE, name) for name in ("sales", "cfo", "board")]
    async with sessions() as session:
        store = PrepStore(session, ALICE, NoteCipher([]))
        assert [c.id for c in await store.list_conversations()] == ids[::-1]
        assert [c.id for c in await store.list_conversations(limit=2)] == ids[:0:-1]


async def test_two_turns_at_once_the_second_is_refused_and_the_first_kept(
    sessions: Sessions, replica: Sessions
) -> None:
    conversation_id = await start_prep(sessions, ALICE)

    async with sessions() as first, replica() as second:
        first_store = PrepStore(first, ALICE, NoteCipher([]))
        second_store = PrepStore(second, ALICE, NoteCipher([]))
        first_conversation = await first_store.get_conversation(conversation_id)
        second_conversation = await second_store.get_conversation(conversation_id)
        assert first_conversation is not None and second_conversation is not None
        first_state = await first_store.load_state(first_conversation)
        second_state = await second_store.load_state(second_conversation)

        await first_store.save_turn(
            first_conversation, first_state, step="focus", data={"by": "first"},
            status="in_progress", goal="first goal", planned_date=None, notes={"feel": "first"},
        )  # fmt: skip
        await first.commit()
        with pytest.raises(ConcurrentTurn):
            await second_store.save_turn(
                second_conversation, second_state, step="timing", data={"by": "second"},
                status="closed", goal="second goal", planned_date=None, notes={"feel": "second"},
            )  # fmt: skip
        await second.rollback()

    async with sessions() as session:
        store = PrepStore(session, ALICE, NoteCipher([]))
        conversation = await store.get_conversation(conversation_id)
        assert conversation is not None
        assert (store.goal_of(conversation), conversation.status) == ("first goal", "in_progress")
        state = await store.load_state(conversation)
        assert (state.step, store.state_data(state), state.version) == ("focus", {"by": "first"}, 2)
        assert [n.text for n in await store.notes_of(conversation)] == ["first"]


async def test_saving_a_step_again_keeps_one_note_with_the_latest_text(
    sessions: Sessions, engine: AsyncEngine
) -> None:
    conversation_id = await start_prep(sessions, ALICE, notes={"feel": "first thoughts"})
    async with sessions() as session:
        store = PrepStore(session, ALICE, NoteCipher([]))
        conversation = await store.get_conversation(conversation_id)
        assert conversation is not None
        await save(store, conversation, notes={"feel": "second thoughts", "focus": "one goal"})
        await session.commit()

    assert await count(engine, "SELECT count(*) FROM notes WHERE step = 'feel'") == 1
    async with sessions() as session:
        store = PrepStore(session, ALICE, NoteCipher([]))
        conversation = await store.get_conversation(conversation_id)
        assert conversation is not None
        views = await store.notes_of(conversation)
    assert [(n.step, n.text) for n in views] == [("feel", "second thoughts"), ("focus", "one goal")]


async def test_notes_come_back_in_coaching_order(sessions: Sessions) -> None:
    steps = ["debrief", "extra", "why", "brief", "feel", "simplify", "timing", "focus"]
    conversation_id = await start_prep(sessions, ALICE, notes={s: f"about {s}" for s in steps})
    async with sessions() as session:
        store = PrepStore(session, ALICE, NoteCipher([]))
        conversation = await store.get_conversation(conversation_id)
        assert conversation is not None
        views = await store.notes_of(conversation)
    assert [n.step for n in views] == [
        "feel", "focus", "timing", "simplify", "why", "brief", "debrief", "extra",
    ]  # fmt: skip
    assert all(n.updated_at.tzinfo is not None for n in views)


async def test_forgetting_removes_only_that_persons_data(
    sessions: Sessions, engine: AsyncEngine
) -> None:
    for stakeholder in ("sales", "cfo"):
        await start_prep(sessions, ALICE, stakeholder, notes={"feel": "mine"})
    bobs = await start_prep(sessions, NEIGHBOURS["same tenant, other user"], notes={"feel": "b"})

    async with sessions() as session:
        assert await PrepStore(session, ALICE, NoteCipher([])).forget_everything() == 2
        await session.commit()

    for table in ("conversations", "dialog_states", "notes", "users"):
        assert await count(engine, f"SELECT count(*) FROM {table} WHERE user_id = 'U1'") == 0
    assert await count(engine, "SELECT count(*) FROM conversations") == 1
    assert await count(engine, "SELECT count(*) FROM dialog_states") == 1
    assert await count(engine, "SELECT count(*) FROM notes") == 1
    assert await count(engine, "SELECT count(*) FROM tenants") == 1
    async with sessions() as session:
        store = PrepStore(session, NEIGHBOURS["same tenant, other user"], NoteCipher([]))
        assert await store.get_conversation(bobs) is not None


async def test_deleting_a_conversation_row_cascades_to_its_state_and_notes(
    sessions: Sessions, engine: AsyncEngine
) -> None:
    conversation_id = await start_prep(sessions, ALICE, notes={"feel": "x"})
    async with engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM conversations WHERE id = :id"), {"id": conversation_id}
        )
    assert await count(engine, "SELECT count(*) FROM dialog_states") == 0
    assert await count(engine, "SELECT count(*) FROM notes") == 0


async def test_a_new_person_gets_default_settings(sessions: Sessions, engine: AsyncEngine) -> None:
    async with sessions() as session:
        store = PrepStore(session, ALICE, NoteCipher([]))
        assert await store.ensure_person() == PersonSettings(1, None, "UTC", False)
        assert await store.ensure_person() == PersonSettings(1, None, "UTC", False)
        await store.set_time_zone("Europe/Paris")
        await store.set_nudges(True)
        with pytest.raises(ValueError, match="time zone"):
            await store.set_time_zone("Mars/Olympus_Mons")
        await session.commit()
    async with sessions() as session:
        settings = await PrepStore(session, ALICE, NoteCipher([])).ensure_person()
    assert settings == PersonSettings(1, None, "Europe/Paris", True)
    assert await count(engine, "SELECT count(*) FROM users") == 1


async def test_a_person_never_seen_has_no_known_settings_and_is_not_created_by_asking(
    sessions: Sessions, engine: AsyncEngine
) -> None:
    async with sessions() as session:
        store = PrepStore(session, ALICE, NoteCipher([]))
        assert await store.known_settings() is None
        await session.commit()
    assert await count(engine, "SELECT count(*) FROM users") == 0

    async with sessions() as session:
        store = PrepStore(session, ALICE, NoteCipher([]))
        await store.ensure_person()
        loaded = (await session.execute(select(User))).scalars().all()  # kept in the session
        await store.set_time_zone("Asia/Tokyo")
        # Read again in the same session after the Core UPDATE: not the row loaded before it.
        assert (await store.known_settings()) == PersonSettings(1, None, "Asia/Tokyo", False)
        assert [user.time_zone for user in loaded] == ["Asia/Tokyo"]


async def test_two_first_turns_at_once_create_the_person_once(
    sessions: Sessions, engine: AsyncEngine
) -> None:
    async def first_turn() -> PersonSettings:
        async with sessions() as session:
            settings = await PrepStore(session, ALICE, NoteCipher([])).ensure_person()
            await session.commit()
            return settings

    results = await asyncio.gather(first_turn(), first_turn(), first_turn())

    assert set(results) == {PersonSettings(1, None, "UTC", False)}
    assert await count(engine, "SELECT count(*) FROM tenants") == 1
    assert await count(engine, "SELECT count(*) FROM users") == 1


class RacedStore(PrepStore):
    """Lets a rival turn create the person right after this store found nothing."""

    def __init__(self, *args: Any, rival: Callable[[], Awaitable[None]]) -> None:
        super().__init__(*args)
        self._rival: Callable[[], Awaitable[None]] | None = rival

    async def _find(self, query: Any) -> Any:
        found = await super()._find(query)
        if found is None and self._rival is not None:
            rival, self._rival = self._rival, None
            await rival()
        return found


@pytest.mark.parametrize("tenant_known", [False, True], ids=["new tenant", "known tenant"])
async def test_losing_the_race_to_create_a_person_is_harmless(
    sessions: Sessions, replica: Sessions, engine: AsyncEngine, tenant_known: bool
) -> None:
    if tenant_known:
        await start_prep(sessions, NEIGHBOURS["same tenant, other user"])

    async def rival() -> None:
        async with replica() as session:
            await PrepStore(session, ALICE, NoteCipher([])).ensure_person()
            await session.commit()

    async with sessions() as session:
        store = RacedStore(session, ALICE, NoteCipher([]), rival=rival)
        assert await store.ensure_person() == PersonSettings(1, None, "UTC", False)
        await store.start_conversation("sales", "feel", {})  # the session is still usable
        await session.commit()

    assert await count(engine, "SELECT count(*) FROM tenants") == 1
    assert await count(engine, "SELECT count(*) FROM users WHERE user_id = 'U1'") == 1
    assert await count(engine, "SELECT count(*) FROM conversations WHERE user_id = 'U1'") == 1


async def test_times_are_stored_in_utc_and_read_back_aware(sessions: Sessions) -> None:
    conversation_id = await start_prep(sessions, ALICE)
    paris_winter = timezone(timedelta(hours=1))
    async with sessions() as session:
        row = await session.get(PrepConversation, conversation_id)
        assert row is not None
        row.updated_at = datetime(2025, 3, 31, 23, 30, tzinfo=paris_winter)
        await session.commit()
    async with sessions() as session:
        row = await session.get(PrepConversation, conversation_id)
        assert row is not None
        assert row.updated_at == datetime(2025, 3, 31, 22, 30, tzinfo=UTC)
        assert row.updated_at.utcoffset() == timedelta(0)
        assert row.created_at.tzinfo is not None
        row.updated_at = datetime(2025, 3, 31, 22, 30)  # naive: refused
        with pytest.raises(Exception, match="naive datetime"):
            await session.flush()


async def test_unknown_status_or_overlong_step_changes_nothing(sessions: Sessions) -> None:
    conversation_id = await start_prep(sessions, ALICE)
    async with sessions() as session:
        store = PrepStore(session, ALICE, NoteCipher([]))
        conversation = await store.get_conversation(conversation_id)
        assert conversation is not None
        with pytest.raises(ValueError):
            await save(store, conversation, status="finished")
        with pytest.raises(ValueError):
            await save(store, conversation, notes={"a-step-name-too-long": "x"})
        assert conversation.status == "in_progress"
