"""A nudge's message encoded once per wording reads exactly as if rendered for each user."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from bot.channels.slack.nudges import message_json
from bot.channels.teams.nudges import card_json
from bot.engine.messages import Reply
from bot.nudges.messages import (
    EncodedWordings,
    NudgeMessage,
    Wording,
    Wordings,
    joined,
    nudge_message,
)
from bot.nudges.planner import NudgeKind
from bot.playbook.library import PlaybookLibrary
from bot.storage.nudge_outbox import ClaimedNudge

TODAY = date(2026, 11, 10)
SEASON = {"starts": "2026-11-20", "ends": "2027-01-10"}


def claimed(kind: NudgeKind, prep_id: int | None, nudge_id: int = 1) -> ClaimedNudge:
    payload = {**SEASON, "prep_id": prep_id}
    return ClaimedNudge(nudge_id, "slack", "T1", f"U{nudge_id}", kind.value,
                        f"sales:{SEASON['starts']}", "sales", payload, 1)  # fmt: skip


@pytest.mark.parametrize("render", [message_json, card_json], ids=["slack", "teams"])
@pytest.mark.parametrize("kind", list(NudgeKind))
def test_every_user_gets_the_message_rendered_for_their_own_prep(
    library: PlaybookLibrary, kind: NudgeKind, render: Any
) -> None:
    encoded = EncodedWordings(render)
    for nudge_id, prep_id in enumerate((41, 7, 123456, None, 41), start=1):
        message = nudge_message(claimed(kind, prep_id, nudge_id), library, TODAY)
        alone = json.dumps(render(message.reply, message.prep_id))
        assert encoded.json(message) == alone
    both = [nudge_message(claimed(kind, p), library, TODAY) for p in (41, 7)]
    assert both[0].wording == both[1].wording, "users of one season share a wording"
    assert "41" in encoded.json(both[0]) and "41" not in encoded.json(both[1])


def test_a_renderer_that_shows_the_prep_id_its_own_way_is_rendered_per_nudge(
    library: PlaybookLibrary,
) -> None:
    def numbered(reply: Reply, prep_id: int | None) -> dict[str, Any]:
        return {"text": reply.text, "ticket": f"#{(prep_id or 0) * 2}"}

    encoded = EncodedWordings(numbered)
    for prep_id in (5, 6):
        message = nudge_message(claimed(NudgeKind.DEBRIEF, prep_id), library, TODAY)
        assert json.loads(encoded.json(message))["ticket"] == f"#{prep_id * 2}"


def test_the_wording_names_the_stakeholder_and_how_soon_the_season_starts(
    library: PlaybookLibrary,
) -> None:
    message = nudge_message(claimed(NudgeKind.QUIET_WINDOW_CLOSING, 9), library, TODAY)
    assert isinstance(message, NudgeMessage) and isinstance(message.wording, Wording)
    assert "starts in 10 days" in message.reply.text
    assert message.reply.choices[0].value == "cmd:resume 9"
    fresh = nudge_message(claimed(NudgeKind.QUIET_WINDOW_CLOSING, None), library, TODAY)
    assert fresh.reply.choices[0].value == "cmd:prep sales"


def test_fields_put_in_front_of_an_encoded_object_keep_it_one_json_object() -> None:
    assert json.loads(joined({"channel": "U1"}, '{"text": "hi"}')) == {
        "channel": "U1",
        "text": "hi",
    }
    assert json.loads(joined({"channel": "U1"}, "{}")) == {"channel": "U1"}
    assert joined({}, '{"text": "hi"}') == '{"text": "hi"}'


def test_a_pass_words_each_nudge_as_it_would_alone_sharing_what_is_the_same(
    library: PlaybookLibrary,
) -> None:
    wordings = Wordings(library)
    made = []
    for kind in NudgeKind:
        for nudge_id, prep_id in enumerate((3, None, 4), start=1):
            nudge = claimed(kind, prep_id, nudge_id)
            message = wordings.message(nudge, TODAY)
            assert message == nudge_message(nudge, library, TODAY)
            made.append(message)
    assert made[0].wording is made[2].wording and made[0].prep_id != made[2].prep_id
    assert made[1].wording is not made[0].wording, "with and without a prep differ"
