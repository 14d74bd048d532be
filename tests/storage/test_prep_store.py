"""PrepStore on SQLite and PostgreSQL: a person's preps, turns, notes — and nobody else's."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.storage.crypto import NoteCipher
from bot.storage.models import PrepConversation
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
    engine: AsyncEngine,
    who: UserRef,
    stakeholder: str = "sales",
    notes: dict[str, str] | None = None,
) -> int:
    async with engine.connect() as connection:
        store = PrepStore(connection, who, NoteCipher([]))
        await store.ensure_person()
        conversation = await store.start_conversation(stakeholder, "feel", {"answers": []})
        if notes:
            await save(store, conversation, step="feel", notes=notes)
        await connection.commit()
        return conversation.id


async def test_a_new_prep_starts_in_progress_at_its_first_step(engine: AsyncEngine) -> None:
    conversation_id = await start_prep(engine, ALICE)

    async with engine.connect() as connection:
        store = PrepStore(connection, ALICE, NoteCipher([]))
        conversation = await store.get_conversation(conversation_id)
        assert conversation is not None
        assert (conversation.stakeholder, conversation.status) == ("sales", "in_progress")
        state = await store.load_state(conversation)
        assert (state.step, store.state_data(state), state.version) == ("feel", {"answers": []}, 1)
        assert await store.active_conversation() == (conversation, state)
        assert await store.open_conversation_for("sales") == conversation
        assert await store.open_conversation_for("cfo") is None


async def test_a_saved_turn_is_what_the_next_turn_loads(engine: AsyncEngine) -> None:
    conversation_id = await start_prep(engine, ALICE)
    async with engine.connect() as connection:
        store = PrepStore(connection, ALICE, NoteCipher([]))
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
        await connection.commit()

    async with engine.connect() as connection:
        store = PrepStore(connection, ALICE, NoteCipher([]))
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
    engine: AsyncEngine, neighbour: UserRef
) -> None:
    alices = await start_prep(engine, ALICE, notes={"feel": "VP worries about quota"})
    theirs = await start_prep(engine, neighbour, notes={"feel": "their own note"})

    async with engine.connect() as connection:
        store = PrepStore(connection, neighbour, NoteCipher([]))
        assert [c.id for c in await store.list_conversations()] == [theirs]
        assert await store.get_conversation(alices) is None
        assert (await store.active_conversation())[0].id == theirs  # type: ignore[index]
        assert (await store.open_conversation_for("sales")).id == theirs  # type: ignore[union-attr]
        alice_conversation = await PrepStore(connection, ALICE, NoteCipher([])).get_conversation(
            alices
        )
        assert alice_conversation is not None
        assert await store.notes_of(alice_conversation) == []
        with pytest.raises(ConversationNotFound):
            await store.load_state(alice_conversation)
        assert await store.forget_everything() == 1
        await connection.commit()

    async with engine.connect() as connection:
        store = PrepStore(connection, ALICE, NoteCipher([]))
        assert [c.id for c in await store.list_conversations()] == [alices]
        conversation = await store.get_conversation(alices)
        assert conversation is not None
        assert [n.text for n in await store.notes_of(conversation)] == ["VP worries about quota"]
    assert await count(engine, "SELECT count(*) FROM users") == 1
    assert await count(engine, "SELECT count(*) FROM notes") == 1


async def test_a_turn_cannot_be_saved_into_someone_elses_prep(engine: AsyncEngine) -> None:
    alices = await start_prep(engine, ALICE)
    async with engine.connect() as connection:
        alice_store = PrepStore(connection, ALICE, NoteCipher([]))
        conversation = await alice_store.get_conversation(alices)
        assert conversation is not None
        state = await alice_store.load_state(conversation)
        intruder = PrepStore(connection, NEIGHBOURS["same tenant, other user"], NoteCipher([]))
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
    engine: AsyncEngine,
) -> None:
    first = await start_prep(engine, ALICE, "sales")
    second = await start_prep(engine, ALICE, "cfo")
    bobs = await start_prep(engine, NEIGHBOURS["same tenant, other user"], "sales")

    async with engine.connect() as connection:
        await PrepStore(connection, ALICE, NoteCipher([])).pause_others(keep_id=second)
        await connection.commit()

    async with engine.connect() as connection:
        statuses = dict(
            (await connection.execute(text("SELECT id, status FROM conversations"))).all()
        )
    assert statuses == {first: "paused", second: "in_progress", bobs: "in_progress"}


async def test_resuming_picks_the_latest_unfinished_prep_for_that_stakeholder(
    engine: AsyncEngine, sessions: Sessions
) -> None:
    older = await start_prep(engine, ALICE, "sales")
    newer = await start_prep(engine, ALICE, "sales")
    briefed = await start_prep(engine, ALICE, "sales")
    base = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    async with sessions() as session:
        for offset, (conversation_id, status) in enumerate(
            [(newer, "paused"), (older, "in_progress"), (briefed, "briefed")]
        ):
            row = await session.get(PrepConversation, conversation_id)
            assert row is not None
            row.status, row.updated_at = status, base - timedelta(hours=offset)
        await session.commit()

    async with engine.connect() as connection:
        store = PrepStore(connection, ALICE, NoteCipher([]))
        assert (await store.open_conversation_for("sales")).id == newer  # type: ignore[union-attr]
        assert (await store.active_conversation())[0].id == older  # type: ignore[index]


async def test_list_is_newest_first_and_limited(engine: AsyncEngine) -> None:
    ids = [await start_prep(engine, ALICE, name) for name in ("sales", "cfo", "board")]
    async with engine.connect() as connection:
        store = PrepStore(connection, ALICE, NoteCipher([]))
        assert [c.id for c in await store.list_conversations()] == ids[::-1]
        assert [c.id for c in await store.list_conversations(limit=2)] == ids[:0:-1]


async def test_two_turns_at_once_the_second_is_refused_and_the_first_kept(
    engine: AsyncEngine, replica: AsyncEngine
) -> None:
    conversation_id = await start_prep(engine, ALICE)

    async with engine.connect() as first, replica.connect() as second:
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

    async with engine.connect() as connection:
        store = PrepStore(connection, ALICE, NoteCipher([]))
        conversation = await store.get_conversation(conversation_id)
        assert conversation is not None
        assert (store.goal_of(conversation), conversation.status) == ("first goal", "in_progress")
        state = await store.load_state(conversation)
        assert (state.step, store.state_data(state), state.version) == ("focus", {"by": "first"}, 2)
        assert [n.text for n in await store.notes_of(conversation)] == ["first"]


async def test_saving_a_step_again_keeps_one_note_with_the_latest_text(engine: AsyncEngine) -> None:
    conversation_id = await start_prep(engine, ALICE, notes={"feel": "first thoughts"})
    async with engine.connect() as connection:
        store = PrepStore(connection, ALICE, NoteCipher([]))
        conversation = await store.get_conversation(conversation_id)
        assert conversation is not None
        await save(store, conversation, notes={"feel": "second thoughts", "focus": "one goal"})
        await connection.commit()

    assert await count(engine, "SELECT count(*) FROM notes WHERE step = 'feel'") == 1
    async with engine.connect() as connection:
        store = PrepStore(connection, ALICE, NoteCipher([]))
        conversation = await store.get_conversation(conversation_id)
        assert conversation is not None
        views = await store.notes_of(conversation)
    assert [(n.step, n.text) for n in views] == [("feel", "second thoughts"), ("focus", "one goal")]


async def test_notes_come_back_in_coaching_order(engine: AsyncEngine) -> None:
    steps = ["debrief", "extra", "why", "brief", "feel", "simplify", "timing", "focus"]
    conversation_id = await start_prep(engine, ALICE, notes={s: f"about {s}" for s in steps})
    async with engine.connect() as connection:
        store = PrepStore(connection, ALICE, NoteCipher([]))
        conversation = await store.get_conversation(conversation_id)
        assert conversation is not None
        views = await store.notes_of(conversation)
    assert [n.step for n in views] == [
        "feel", "focus", "timing", "simplify", "why", "brief", "debrief", "extra",
    ]  # fmt: skip
    assert all(n.updated_at.tzinfo is not None for n in views)


async def test_forgetting_removes_only_that_persons_data(engine: AsyncEngine) -> None:
    for stakeholder in ("sales", "cfo"):
        await start_prep(engine, ALICE, stakeholder, notes={"feel": "mine"})
    bobs = await start_prep(engine, NEIGHBOURS["same tenant, other user"], notes={"feel": "b"})

    async with engine.connect() as connection:
        assert await PrepStore(connection, ALICE, NoteCipher([])).forget_everything() == 2
        await connection.commit()

    for table in ("conversations", "dialog_states", "notes", "users"):
        assert await count(engine, f"SELECT count(*) FROM {table} WHERE user_id = 'U1'") == 0
    assert await count(engine, "SELECT count(*) FROM conversations") == 1
    assert await count(engine, "SELECT count(*) FROM dialog_states") == 1
    assert await count(engine, "SELECT count(*) FROM notes") == 1
    assert await count(engine, "SELECT count(*) FROM tenants") == 1
    async with engine.connect() as connection:
        store = PrepStore(connection, NEIGHBOURS["same tenant, other user"], NoteCipher([]))
        assert await store.get_conversation(bobs) is not None


async def test_deleting_a_conversation_row_cascades_to_its_state_and_notes(
    engine: AsyncEngine,
) -> None:
    conversation_id = await start_prep(engine, ALICE, notes={"feel": "x"})
    async with engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM conversations WHERE id = :id"), {"id": conversation_id}
        )
    assert await count(engine, "SELECT count(*) FROM dialog_states") == 0
    assert await count(engine, "SELECT count(*) FROM notes") == 0


async def test_a_new_person_gets_default_settings(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        store = PrepStore(connection, ALICE, NoteCipher([]))
        assert await store.ensure_person() == PersonSettings(1, None, "UTC", False)
        assert await store.ensure_person() == PersonSettings(1, None, "UTC", False)
        await store.set_time_zone("Europe/Paris")
        await store.set_nudges(True)
        with pytest.raises(ValueError, match="time zone"):
            await store.set_time_zone("Mars/Olympus_Mons")
        await connection.commit()
    async with engine.connect() as connection:
        settings = await PrepStore(connection, ALICE, NoteCipher([])).ensure_person()
    assert settings == PersonSettings(1, None, "Europe/Paris", True)
    assert await count(engine, "SELECT count(*) FROM users") == 1


async def test_a_person_never_seen_has_no_known_settings_and_is_not_created_by_asking(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as connection:
        store = PrepStore(connection, ALICE, NoteCipher([]))
        assert await store.known_settings() is None
        await connection.commit()
    assert await count(engine, "SELECT count(*) FROM users") == 0

    async with engine.connect() as connection:
        store = PrepStore(connection, ALICE, NoteCipher([]))
        await store.ensure_person()
        await store.set_time_zone("Asia/Tokyo")
        # Read again in the same transaction after the UPDATE: what it wrote.
        assert (await store.known_settings()) == PersonSettings(1, None, "Asia/Tokyo", False)


async def test_two_first_turns_at_once_create_the_person_once(engine: AsyncEngine) -> None:
    async def first_turn() -> PersonSettings:
        async with engine.connect() as connection:
            settings = await PrepStore(connection, ALICE, NoteCipher([])).ensure_person()
            await connection.commit()
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

    async def known_settings(self) -> PersonSettings | None:
        found = await super().known_settings()
        if found is None and self._rival is not None:
            rival, self._rival = self._rival, None
            await rival()
        return found


@pytest.mark.parametrize("tenant_known", [False, True], ids=["new tenant", "known tenant"])
async def test_losing_the_race_to_create_a_person_is_harmless(
    engine: AsyncEngine, replica: AsyncEngine, tenant_known: bool
) -> None:
    if tenant_known:
        await start_prep(engine, NEIGHBOURS["same tenant, other user"])

    async def rival() -> None:
        async with replica.connect() as connection:
            await PrepStore(connection, ALICE, NoteCipher([])).ensure_person()
            await connection.commit()

    async with engine.connect() as connection:
        store = RacedStore(connection, ALICE, NoteCipher([]), rival=rival)
        assert await store.ensure_person() == PersonSettings(1, None, "UTC", False)
        await store.start_conversation("sales", "feel", {})  # the connection is still usable
        await connection.commit()

    assert await count(engine, "SELECT count(*) FROM tenants") == 1
    assert await count(engine, "SELECT count(*) FROM users WHERE user_id = 'U1'") == 1
    assert await count(engine, "SELECT count(*) FROM conversations WHERE user_id = 'U1'") == 1


async def test_times_are_stored_in_utc_and_read_back_aware(
    engine: AsyncEngine, sessions: Sessions
) -> None:
    conversation_id = await start_prep(engine, ALICE)
    paris_winter = timezone(timedelta(hours=1))
    async with sessions() as session:
        row = await session.get(PrepConversation, conversation_id)
        assert row is not None
        row.updated_at = datetime(2025, 3, 31, 23, 30, tzinfo=paris_winter)
        await session.commit()
    async with engine.connect() as connection:
        stored = await PrepStore(connection, ALICE, NoteCipher([])).get_conversation(
            conversation_id
        )
        assert stored is not None
        assert stored.updated_at == datetime(2025, 3, 31, 22, 30, tzinfo=UTC)
        assert stored.updated_at.utcoffset() == timedelta(0)
        assert stored.created_at.tzinfo is not None
    async with sessions() as session:
        row = await session.get(PrepConversation, conversation_id)
        assert row is not None
        row.updated_at = datetime(2025, 3, 31, 22, 30)  # naive: refused
        with pytest.raises(Exception, match="naive datetime"):
            await session.flush()


async def test_unknown_status_or_overlong_step_changes_nothing(engine: AsyncEngine) -> None:
    conversation_id = await start_prep(engine, ALICE)
    async with engine.connect() as connection:
        store = PrepStore(connection, ALICE, NoteCipher([]))
        conversation = await store.get_conversation(conversation_id)
        assert conversation is not None
        with pytest.raises(ValueError):
            await save(store, conversation, status="finished")
        with pytest.raises(ValueError):
            await save(store, conversation, notes={"a-step-name-too-long": "x"})
        assert conversation.status == "in_progress"
