"""What a person types in `prep-talk chat`: odd digits are an answer, never a crash."""

from __future__ import annotations

import io

from bot.cli.chat import run_chat
from bot.engine.messages import Command, Inbound
from bot.runtime import open_coach
from bot.settings import Settings
from bot.users import UserRef

ME = UserRef("local", "local", "dana")


async def test_a_superscript_digit_is_taken_as_text_not_a_choice(database_url: str) -> None:
    out = io.StringIO()
    async with open_coach(Settings(database_url=database_url)) as coach:
        start = Inbound(command=Command.START, argument="sales")
        code = await run_chat(coach, ME, start, False, io.StringIO("²\n"), out)
        [prep] = await coach.preps(ME)
        detail = await coach.prep(ME, prep.id)
    assert code == 0
    assert detail is not None and "²" in detail.notes[0].text


async def test_a_prep_number_too_large_for_the_database_is_not_found(database_url: str) -> None:
    async with open_coach(Settings(database_url=database_url)) as coach:
        assert await coach.prep(ME, 10**20) is None
        assert await coach.prep(ME, 2**31) is None
