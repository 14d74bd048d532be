"""Words typed in the app's DM follow the one routing rule, as in Teams and the terminal."""

from __future__ import annotations

from bot.channels.slack.blocks import escape
from tests.slack.conftest import SlackWorkspace, buttons, checklist, choice_of, text_of


async def test_a_typed_history_in_the_dm_runs_the_command(slack: SlackWorkspace) -> None:
    await slack.turn(slack.say("sales"))
    reply = await slack.turn(slack.say("history"))
    assert "Your recent preps:" in text_of(reply) and "sales — in progress" in text_of(reply)
    detail = await slack.prep_of()
    assert not any("history" in note.text for note in detail.notes)  # not taken as an answer


async def test_prepare_a_talk_with_sales_starts_the_sales_prep(slack: SlackWorkspace) -> None:
    reply = await slack.turn(slack.say("Prepare a talk with Sales"))
    assert "Let's prepare your conversation with the VP of Sales" in text_of(reply)
    assert "Step 1 of 5" in text_of(reply)
    assert (await slack.prep_of()).stakeholder == "sales"


async def test_a_sentence_mid_prep_is_an_answer(slack: SlackWorkspace) -> None:
    await slack.turn(slack.say("Prepare a talk with Sales"))
    reply = await slack.turn(slack.say("list the three risks they see"))
    assert "Noted: “list the three risks they see”" in text_of(reply)


async def test_ticked_listening_questions_are_all_recorded_from_one_submit(
    slack: SlackWorkspace,
) -> None:
    await slack.turn(slack.say("Prepare a talk with Sales"))
    reply = await slack.turn(slack.say("They see the training as generic IT content"))
    questions = await slack.turn(slack.click(choice_of(reply, "next")))
    book = slack.coach.playbooks.find("sales")
    assert book is not None
    for question in book.listening_questions:  # every question readable in full
        assert escape(question) in text_of(questions)
    assert all(len(label) <= 75 for label in buttons(questions))
    assert all(len(option["text"]["text"]) <= 75 for option in checklist(questions))

    reply = await slack.turn(slack.tick(questions, "q1", "q3"))
    first, third = book.listening_questions[0], book.listening_questions[2]
    assert f"Picked so far:\n• {escape(first)}\n• {escape(third)}" in text_of(reply)
    notes = {note.step: note.text for note in (await slack.prep_of()).notes}
    assert first in notes["feel"] and third in notes["feel"]
