"""Reading captured Teams activities: who, where, what was said or clicked, which time zone."""

from __future__ import annotations

from typing import Any

import pytest
from botbuilder.schema import Activity

from bot.channels.teams.activities import (
    is_personal,
    mentions_bot,
    message_text,
    teams_user,
    time_zone_of,
)
from bot.channels.teams.submits import card_click
from bot.engine.messages import Step
from tests.teams.support import DANA, activity

SERVICE_URL = "https://smba.trafficmanager.net/emea/"


def read(name: str, **changes: Any) -> Activity:
    return Activity().deserialize(
        activity(name, "https://smba.trafficmanager.net/emea/", **changes)
    )


def test_the_user_is_tenant_and_aad_object_id_like_the_tab_token() -> None:
    assert teams_user(read("message_personal"), local=False) == DANA


def test_without_aad_ids_only_local_mode_names_a_user() -> None:
    emulator = read("message_personal", channelData={}, **{"from": {"id": "user-1 (emulator)"}})
    emulator.conversation.additional_properties = {}
    assert teams_user(emulator, local=False) is None
    local = teams_user(emulator, local=True)
    assert local is not None and str(local) == "teams:local:user-1--emulator-"


def test_a_channel_mention_is_stripped_and_only_the_bots_counts() -> None:
    message = read("message_channel_mention")
    assert not is_personal(message) and mentions_bot(message)
    assert message_text(message) == "list"
    someone_else = read(
        "message_channel_mention",
        entities=[{"type": "mention", "text": "<at>Sam</at>", "mentioned": {"id": "29:sam"}}],
    )
    assert not mentions_bot(someone_else)


def test_the_time_zone_comes_from_client_info_and_must_be_real() -> None:
    assert time_zone_of(read("message_personal")) == "Europe/Paris"
    bogus = read(
        "message_personal",
        entities=[{"type": "clientInfo", "timezone": "Mars/Olympus"}],
        localTimezone="../../etc",
    )
    assert time_zone_of(bogus) is None


@pytest.mark.parametrize(
    "value",
    [
        None,
        "next",
        {"choice": ""},
        {"choice": 5},
        {"choice": "next", "prep_id": "1"},
        {"choice": "next", "prep_id": True},
        {"choice": "next", "step": "launch"},
        {"choice": "x" * 201},
    ],
)
def test_only_our_own_button_data_is_a_card_click(value: object) -> None:
    assert card_click(value) is None


def test_a_card_click_keeps_where_the_button_was_shown() -> None:
    click = card_click(read("card_submit").value)
    assert click is not None
    assert (click.choices, click.prep_id, click.step) == (("next",), 1, Step.FEEL)
    assert click.command_words is None
    resume = card_click({"choice": "cmd:resume 12", "prep_id": None, "step": "info"})
    assert resume is not None and resume.command_words == "resume 12"
