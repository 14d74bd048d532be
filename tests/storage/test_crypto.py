"""Notes are encrypted at rest when keys are set, readable across key rotation, plain otherwise."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.crypto import UNREADABLE, NoteCipher, NoteKeyError
from bot.storage.db import session_factory
from bot.storage.prep_store import PrepStore
from bot.storage.sealed import rotate_sealed
from bot.users import UserRef

ALICE = UserRef("teams", "contoso", "aad-1")
SECRET = "The VP of Sales thinks the training is a waste of selling time."
KEY_A, KEY_B, KEY_C = (Fernet.generate_key() for _ in range(3))


def test_sealed_text_opens_again_and_does_not_show() -> None:
    cipher = NoteCipher([KEY_A])
    body, encrypted = cipher.seal(SECRET)
    assert encrypted
    assert "VP of Sales" not in body
    assert cipher.open(body, encrypted) == SECRET


def test_without_keys_notes_stay_plain() -> None:
    assert NoteCipher([]).seal(SECRET) == (SECRET, False)
    assert NoteCipher([]).open(SECRET, False) == SECRET


def test_an_encrypted_note_without_its_key_names_the_setting_not_the_note() -> None:
    body, _ = NoteCipher([KEY_A]).seal(SECRET)
    for cipher in (NoteCipher([]), NoteCipher([KEY_C])):
        with pytest.raises(NoteKeyError, match="PREPTALK_ENCRYPTION_KEYS") as caught:
            cipher.open(body, True)
        assert "VP" not in str(caught.value)
        assert body not in str(caught.value)


def test_a_bad_key_is_refused_with_its_position() -> None:
    with pytest.raises(NoteKeyError, match="key 2"):
        NoteCipher([KEY_A, b"not-a-key"])


async def write_note(engine: AsyncEngine, cipher: NoteCipher) -> int:
    async with engine.connect() as connection:
        store = PrepStore(connection, ALICE, cipher)
        await store.ensure_person()
        conversation = await store.start_conversation("sales", "feel", {})
        state = await store.load_state(conversation)
        await store.save_turn(
            conversation,
            state,
            step="feel",
            data={},
            status="in_progress",
            goal=None,
            planned_date=None,
            notes={"feel": SECRET},
        )
        await connection.commit()
        return conversation.id


async def read_notes(engine: AsyncEngine, cipher: NoteCipher, conversation_id: int) -> list[str]:
    async with engine.connect() as connection:
        store = PrepStore(connection, ALICE, cipher)
        conversation = await store.get_conversation(conversation_id)
        assert conversation is not None
        return [note.text for note in await store.notes_of(conversation)]


async def stored_bodies(engine: AsyncEngine) -> list[tuple[str, bool]]:
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT body, encrypted FROM notes"))
        return [(body, bool(encrypted)) for body, encrypted in rows]


async def test_with_a_key_the_database_holds_only_ciphertext(engine: AsyncEngine) -> None:
    conversation_id = await write_note(engine, NoteCipher([KEY_A]))

    [(body, encrypted)] = await stored_bodies(engine)
    assert encrypted
    assert SECRET not in body and "VP of Sales" not in body
    assert await read_notes(engine, NoteCipher([KEY_A]), conversation_id) == [SECRET]


async def test_without_a_key_the_database_holds_plain_text(engine: AsyncEngine) -> None:
    conversation_id = await write_note(engine, NoteCipher([]))

    assert await stored_bodies(engine) == [(SECRET, False)]
    assert await read_notes(engine, NoteCipher([]), conversation_id) == [SECRET]


async def test_rotating_keys_keeps_notes_readable_and_retires_the_old_key(
    engine: AsyncEngine,
) -> None:
    conversation_id = await write_note(engine, NoteCipher([KEY_A]))
    [(before, _)] = await stored_bodies(engine)

    new_first = NoteCipher([KEY_B, KEY_A])
    assert await read_notes(engine, new_first, conversation_id) == [SECRET]
    assert await read_notes(engine, NoteCipher([KEY_B]), conversation_id) == [UNREADABLE]

    assert (await rotate_sealed(session_factory(engine), new_first)).rotated["notes"] == 1

    [(after, encrypted)] = await stored_bodies(engine)
    assert encrypted and after != before and SECRET not in after
    assert await read_notes(engine, NoteCipher([KEY_B]), conversation_id) == [SECRET]
    assert await read_notes(engine, NoteCipher([KEY_C]), conversation_id) == [UNREADABLE]


async def test_rotation_encrypts_notes_written_before_a_key_was_set(engine: AsyncEngine) -> None:
    conversation_id = await write_note(engine, NoteCipher([]))

    assert (await rotate_sealed(session_factory(engine), NoteCipher([KEY_A]))).rotated["notes"] == 1

    [(body, encrypted)] = await stored_bodies(engine)
    assert encrypted and SECRET not in body
    assert await read_notes(engine, NoteCipher([KEY_A]), conversation_id) == [SECRET]


async def test_rotation_needs_a_key(engine: AsyncEngine) -> None:
    with pytest.raises(NoteKeyError, match="PREPTALK_ENCRYPTION_KEYS"):
        await rotate_sealed(session_factory(engine), NoteCipher([]))
