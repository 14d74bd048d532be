"""A user in Slack runs /prep-talk sales to the brief, over signed HTTP, against the stand-in."""

from __future__ import annotations

import json

from tests.slack.conftest import SlackWorkspace, buttons, choice_of, text_of
from tests.support.slack_requests import url_verification_body


async def test_url_verification_echoes_the_challenge(slack: SlackWorkspace) -> None:
    response = await slack.post(
        url_verification_body("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    )
    assert response.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in await response.text()


async def test_slash_command_to_the_brief_in_dm_with_notes_stored(slack: SlackWorkspace) -> None:
    mark = slack.api.mark()
    ack = await slack.command("sales")
    assert ack.status == 200 and "direct message" in await ack.text()
    first = await slack.next_dm(since=mark)
    assert "Step 1 of 5" in text_of(first) and "the sales team" in text_of(first)

    reply = await slack.turn(slack.say("They see the training as generic IT content"))
    assert "Noted" in text_of(reply)
    reply = await slack.turn(slack.click(choice_of(reply, "next")))
    reply = await slack.turn(slack.tick(reply, "q1"))
    reply = await slack.turn(slack.click(choice_of(reply, "next")))
    assert "Step 2 of 5" in text_of(reply)
    reply = await slack.turn(slack.say("Sales finish the course so deals stay safe on the road"))
    reply = await slack.turn(slack.click(choice_of(reply, "next")))
    assert "Step 3 of 5" in text_of(reply)
    reply = await slack.turn(slack.click(choice_of(reply, "suggest")))
    reply = await slack.turn(slack.click(choice_of(reply, "next")))
    assert "Step 4 of 5" in text_of(reply)
    reply = await slack.turn(slack.say("We need MFA on every laptop."))
    assert "`MFA`" in text_of(reply) and "second check" in text_of(reply)
    reply = await slack.turn(
        slack.say("Your sellers work from hotels. I want customer files safe.")
    )
    reply = await slack.turn(slack.click(choice_of(reply, "next")))
    assert "Step 5 of 5" in text_of(reply)
    reply = await slack.turn(slack.say("Customer trust wins renewals."))
    brief = await slack.turn(slack.click(choice_of(reply, "next")))

    assert "*Prep brief: Sales" in text_of(brief)
    assert "Download as Markdown" in buttons(brief)
    detail = await slack.prep_of()
    assert detail.status == "briefed"
    notes = {note.step: note.text for note in detail.notes}
    assert "generic IT content" in notes["feel"] and "customer files safe" in notes["brief"]


async def test_the_clicked_message_loses_its_buttons(slack: SlackWorkspace) -> None:
    await slack.turn(slack.command("sales"))
    reply = await slack.turn(slack.say("No manager asks about it"))
    mark = slack.api.mark()
    await slack.click(choice_of(reply, "next"))
    update = await slack.api.wait_for_call("chat.update", since=mark)
    assert all(block["type"] != "actions" for block in update.body["blocks"])


async def test_a_slow_chat_update_does_not_hold_up_the_reply(slack: SlackWorkspace) -> None:
    await slack.turn(slack.command("sales"))
    reply = await slack.turn(slack.say("No manager asks about it"))
    held = slack.api.hold("chat.update")  # as if Slack throttled it: no answer yet
    mark = slack.api.mark()
    try:
        after_click = await slack.turn(slack.click(choice_of(reply, "next")))
        assert text_of(after_click), "the next step came while chat.update had no answer yet"
    finally:
        held.set()
    # The mark is sent after the reply, so wait for it rather than read at once.
    await slack.api.wait_for_call("chat.update", since=mark)


async def test_the_brief_downloads_as_a_markdown_file(slack: SlackWorkspace) -> None:
    await slack.turn(slack.command("sales"))
    await slack.turn(slack.say("Too busy at quarter end"))
    detail = await slack.prep_of()
    mark = slack.api.mark()
    download = json.dumps({"c": f"cmd:export {detail.id}", "p": None, "s": "info"})
    await slack.click(download)
    done = await slack.api.wait_for_call("files.completeUploadExternal", since=mark)
    assert done.ok
    [upload] = [u for u in slack.api.uploads.values() if u.completed]
    assert upload.content.decode().startswith("# Prep notes: Sales")
    assert "Too busy at quarter end" in upload.content.decode()


async def test_the_users_slack_time_zone_is_kept(slack: SlackWorkspace) -> None:
    from bot.users import UserRef

    slack.api.set_user("U123", tz="Pacific/Auckland")
    await slack.turn(slack.command("sales"))
    settings = await slack.coach.settings_of(UserRef("slack", "T0ACME", "U123"))
    assert settings.time_zone == "Pacific/Auckland"


async def test_the_users_slack_locale_gives_their_date_order(slack: SlackWorkspace) -> None:
    from bot.users import UserRef

    slack.api.set_user("U123", locale="en-US")
    await slack.turn(slack.command("sales"))
    settings = await slack.coach.settings_of(UserRef("slack", "T0ACME", "U123"))
    assert settings.date_order == "MDY", "3/4 is March 4 for them: no need to ask"
    [info] = slack.api.calls_to("users.info")
    assert str(info.body.get("include_locale")).lower() in ("1", "true"), (
        "Slack sends it only if asked"
    )


async def test_web_api_calls_reuse_one_kept_alive_connection(slack: SlackWorkspace) -> None:
    mark = slack.api.mark()
    reply = await slack.turn(slack.command("sales"))
    reply = await slack.turn(slack.say("They see the training as generic IT content"))
    reply = await slack.turn(slack.click(choice_of(reply, "next")))
    await slack.turn(slack.say("What would make the course worth your team's time?"))

    # auth.test is Bolt's own, once per process; response URLs are not the Web API.
    calls = [c for c in slack.api.calls[mark:] if c.method not in ("auth.test", "response_url")]
    assert len(calls) >= 5
    assert len({call.client_port for call in calls}) == 1, "no new connection per call"
