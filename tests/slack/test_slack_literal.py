"""A Slack user's own words come back exactly as typed: never bold, code, a quote or a link."""

from __future__ import annotations

from tests.slack.conftest import SlackWorkspace
from tests.support.mrkdwn import linked, shown, styled

TYPED = "*They* _never_ ~read~ `it`: see https://evil.example and www.evil.example\n> so"


async def test_markup_typed_in_the_dm_is_echoed_literally(slack: SlackWorkspace) -> None:
    await slack.turn(slack.command("sales"))
    reply = await slack.turn(slack.say(TYPED))
    sections = [block["text"] for block in reply["blocks"] if block["type"] == "section"]
    echoed = [text for text in sections if "They" in shown(text["text"])]
    assert echoed, sections
    for text in echoed:
        assert text["verbatim"] is True
        assert styled(text["text"]) == [] and linked(text) == []
        assert TYPED in shown(text["text"])
