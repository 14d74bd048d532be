"""Workspaces and everything around the dialog, over signed HTTP against the Web API stand-in.

Multi-workspace OAuth install and what uninstalling or revoking takes away, App Home, the
`/prep-talk` commands, `forget`, stale buttons, and privacy across workspaces and users.
Background listeners that call no Web API (uninstall, revocation) are awaited through the
log line they write when done, never by sleeping. Last, an error of our own is answered.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.channels.slack.turns import TROUBLE
from bot.coach import STALE_PREP, Answer
from bot.engine.flow import STALE_CHOICE
from bot.engine.messages import Inbound
from bot.playbook.library import PlaybookLibrary
from bot.runtime import Services
from bot.server import SERVICES_KEY
from bot.storage.channel_models import slack_bots, slack_installations, slack_oauth_states
from bot.storage.models import DialogState, Note, PrepConversation, Tenant, User
from bot.users import UserRef
from tests.slack.conftest import (
    SlackWorkspace,
    buttons,
    choice_of,
    running_workspace,
    slack_settings,
    text_of,
)
from tests.support.mrkdwn import linked
from tests.support.slack_api import ACME, Call, SlackApiStandIn, Workspace
from tests.support.slack_requests import (
    TEAM_ID,
    USER_ID,
    app_home_opened_event,
    app_uninstalled_event,
    block_actions_payload,
    event_body,
    home_block_actions_payload,
    interactivity_body,
    tokens_revoked_event,
)

CLIENT_ID, CLIENT_SECRET = "1111.2222", "oauth-client-secret"
GLOBEX = Workspace(
    team_id="T0GLOBEX", name="Globex", domain="globex", bot_user_id="UBOTGLX", bot_id="BGLX"
)
STATE_COOKIE = "slack-app-oauth-state"
NOW = datetime.fromisoformat("2026-11-27T10:00:00+00:00")  # a Friday; year-end is ahead
OTHER_USER = "U124"
REINSTALL = "Please reinstall this app"  # Bolt's answer where no installation is found
LISTENERS_LOG = "bot.channels.slack.listeners"


# ---- helpers -----------------------------------------------------------------------------


class LogWatch(logging.Handler):
    """Wakes a test when a logger writes a line: the only trace some listeners leave."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []
        self._changed = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        self._changed.set()  # listeners log from the event loop's own thread

    async def wait_for(self, fragment: str, timeout: float = 5.0) -> str:  # noqa: ASYNC109
        """The first line containing `fragment`, waiting for it up to `timeout` seconds."""
        try:
            async with asyncio.timeout(timeout):
                while (found := next((m for m in self.messages if fragment in m), None)) is None:
                    self._changed.clear()
                    await self._changed.wait()
                return found
        except TimeoutError:
            raise AssertionError(
                f"no log line with {fragment!r} within {timeout}s; got {self.messages}"
            ) from None


@pytest.fixture(autouse=True)
def playbooks_read_once(library: PlaybookLibrary, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every app here would parse the playbook YAML again (about 0.2 s each); the real
    library is read once per session instead, to keep the suite fast."""
    monkeypatch.setattr("bot.runtime.load_library", lambda extra_dir=None: library)


@pytest.fixture
def listener_log() -> Iterator[LogWatch]:
    """The Slack listeners' log lines, at INFO, as they are written."""
    logger = logging.getLogger(LISTENERS_LOG)
    watch, level = LogWatch(), logger.level
    logger.addHandler(watch)
    logger.setLevel(logging.INFO)
    try:
        yield watch
    finally:
        logger.removeHandler(watch)
        logger.setLevel(level)


@pytest.fixture
async def oauth_slack(
    database_url: str, slack_api: SlackApiStandIn
) -> AsyncIterator[SlackWorkspace]:
    """The app installed per workspace by OAuth: a client id and secret, no bot token."""
    slack_api.oauth_client = (CLIENT_ID, CLIENT_SECRET)
    settings = slack_settings(
        database_url,
        slack_api,
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
    )
    async with running_workspace(settings, slack_api) as slack:
        yield slack


def services_of(slack: SlackWorkspace) -> Services:
    services: Services = slack.client.app[SERVICES_KEY]
    return services


async def install_page(slack: SlackWorkspace) -> tuple[str, str]:
    """GET /slack/install: the page's authorize link and the state it carries."""
    page = await slack.client.get("/slack/install", allow_redirects=False)
    assert page.status == 200, await page.text()
    html = await page.text()
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', html)
    assert link is not None, html
    cookie = page.cookies[STATE_COOKIE].value
    slack.client.session.cookie_jar.clear()  # each test sends the cookie it means to send
    return link.group(1).replace("&amp;", "&"), cookie


async def oauth_redirect(
    slack: SlackWorkspace, code: str | None, state: str | None, cookie: str | None
) -> tuple[int, str]:
    """Slack sending the browser back to /slack/oauth_redirect."""
    params = {k: v for k, v in (("code", code), ("state", state)) if v is not None}
    headers = {"Cookie": f"{STATE_COOKIE}={cookie}"} if cookie else {}
    response = await slack.client.get("/slack/oauth_redirect", params=params, headers=headers)
    return response.status, await response.text()


async def install(slack: SlackWorkspace, workspace: Workspace) -> str:
    """Run the whole OAuth install into `workspace`; return the bot token it stored."""
    _link, state = await install_page(slack)
    slack.api.install_workspace = workspace
    status, page = await oauth_redirect(slack, f"code-{workspace.team_id}", state, state)
    assert status == 200, page
    [bot] = await table_rows(slack, slack_bots, workspace.team_id)
    return str(bot["bot_token"])


async def table_rows(slack: SlackWorkspace, table: Any, team_id: str) -> list[dict[str, Any]]:
    """Rows of one of slack_sdk's installation tables for one workspace."""
    async with services_of(slack).engine.connect() as connection:
        result = await connection.execute(select(table).where(table.c.team_id == team_id))
        return [dict(row) for row in result.mappings()]


async def workspace_rows(slack: SlackWorkspace, team_id: str) -> dict[str, int]:
    """How many rows of each person-owned table (and the tenant) belong to a workspace."""
    counts = {}
    async with services_of(slack).sessions() as session:
        for model in (Tenant, User, PrepConversation, DialogState, Note):
            query = select(func.count()).select_from(model)
            query = query.where(model.platform == "slack", model.tenant_id == team_id)
            counts[model.__tablename__] = int(await session.scalar(query) or 0)
    return counts


async def person_rows(slack: SlackWorkspace, team_id: str, user_id: str) -> dict[str, int]:
    """How many rows of each person-owned table belong to one person."""
    counts = {}
    async with services_of(slack).sessions() as session:
        for model in (User, PrepConversation, DialogState, Note):
            query = select(func.count()).select_from(model)
            query = query.where(
                model.platform == "slack", model.tenant_id == team_id, model.user_id == user_id
            )
            counts[model.__tablename__] = int(await session.scalar(query) or 0)
    return counts


async def dialog_of(slack: SlackWorkspace, prep_id: int) -> tuple[str, dict[str, Any]]:
    """Where a prep's dialog stands: its step and its whole state."""
    async with services_of(slack).sessions() as session:
        row = await session.scalar(
            select(DialogState).where(DialogState.conversation_id == prep_id)
        )
        assert row is not None
        return row.step, json.loads(row.document)  # plain: no encryption key in these tests


async def private_reply(
    slack: SlackWorkspace, text: str, user: str = USER_ID, team: str = TEAM_ID
) -> dict[str, Any]:
    """Run `/prep-talk text` and return what came back privately through the response_url."""
    mark = slack.api.mark()
    response = await slack.command(text, user=user, team=team)
    assert response.status == 200, await response.text()
    call = await slack.api.wait_for_call(
        "response_url", lambda c: c.path == f"/response/cmd-{user}", since=mark
    )
    return call.body


async def start_with_a_note(
    slack: SlackWorkspace, note: str, user: str = USER_ID, team: str = TEAM_ID, who: str = "sales"
) -> int:
    """Start a prep and give a first answer (stored as a note); return the prep id."""
    await slack.turn(slack.command(who, user=user, team=team), user=user)
    await slack.turn(slack.say(note, user=user, team=team), user=user)
    [prep] = await slack.coach.preps(UserRef("slack", team, user))
    return prep.id


async def run_to_the_brief(slack: SlackWorkspace, user: str = USER_ID) -> dict[str, Any]:
    """A whole sales prep from the slash command to the brief; returns the brief message."""
    await slack.turn(slack.command("sales", user=user), user=user)

    async def say(text: str) -> dict[str, Any]:
        return await slack.turn(slack.say(text, user=user), user=user)

    async def click(message: dict[str, Any], choice: str) -> dict[str, Any]:
        return await slack.turn(slack.click(choice_of(message, choice), user=user), user=user)

    reply = await say("They see the training as generic IT content")
    reply = await click(reply, "next")
    reply = await click(await slack.turn(slack.tick(reply, "q1", user=user), user=user), "next")
    reply = await say("Sales finish the course so deals stay safe on the road")
    reply = await click(await click(await click(reply, "next"), "suggest"), "next")
    await say("We need MFA on every laptop.")
    await click(await say("Your sellers work from hotels. I want customer files safe."), "next")
    return await click(await say("Customer trust wins renewals."), "next")


def home_buttons(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """label -> button of every button in an App Home view (section accessories included)."""
    found = {}
    for block in view["blocks"]:
        elements = block.get("elements", []) if block["type"] == "actions" else []
        for button in [block.get("accessory"), *elements]:
            if button and button.get("type") == "button":
                found[button["text"]["text"]] = button
    return found


def home_text(view: dict[str, Any]) -> str:
    return "\n".join(b["text"]["text"] for b in view["blocks"] if b["type"] == "section")


async def open_home(slack: SlackWorkspace, user: str = USER_ID) -> Call:
    mark = slack.api.mark()
    assert (await slack.post(event_body(app_home_opened_event(user)))).status == 200
    return await slack.api.wait_for_call("views.publish", since=mark)


async def click_in_home(slack: SlackWorkspace, button: dict[str, Any]) -> None:
    payload = home_block_actions_payload(button["action_id"], button["value"])
    assert (await slack.post(interactivity_body(payload))).status == 200


def button_value(choice: str, prep_id: int | None, step: str) -> str:
    return json.dumps({"c": choice, "p": prep_id, "s": step})


# ---- multi-workspace install -------------------------------------------------------------


async def test_the_install_page_links_to_slack_with_a_fresh_state(
    oauth_slack: SlackWorkspace,
) -> None:
    link, cookie = await install_page(oauth_slack)

    assert link.startswith("https://slack.com/oauth/v2/authorize?")
    assert f"state={cookie}" in link and f"client_id={CLIENT_ID}" in link
    assert "scope=commands,chat:write,im:history,im:write" in link
    async with services_of(oauth_slack).engine.connect() as connection:
        states = list(await connection.scalars(select(slack_oauth_states.c.state)))
    assert states == [cookie]


async def test_an_install_lands_in_the_database_and_its_token_serves_the_workspace(
    oauth_slack: SlackWorkspace,
) -> None:
    api = oauth_slack.api
    before = await private_reply(oauth_slack, "help", team=GLOBEX.team_id)
    assert REINSTALL in before["text"], "a workspace that never installed is not served"

    token = await install(oauth_slack, GLOBEX)

    exchange = api.calls_to("oauth.v2.access")[0]
    assert exchange.body["code"] == "code-T0GLOBEX"
    assert (exchange.body["client_id"], exchange.body["client_secret"]) == (
        CLIENT_ID,
        CLIENT_SECRET,
    )
    [installation] = await table_rows(oauth_slack, slack_installations, GLOBEX.team_id)
    assert installation["bot_token"] == token and installation["bot_user_id"] == "UBOTGLX"
    assert installation["client_id"] == CLIENT_ID and installation["user_id"] == "U123"

    mark = api.mark()
    first = await oauth_slack.turn(oauth_slack.command("sales", team=GLOBEX.team_id))
    assert "Step 1 of 5" in text_of(first)
    served = [c for c in api.calls[mark:] if c.method not in ("response_url", "upload")]
    assert served and {c.token for c in served} == {token}
    prep = await oauth_slack.prep_of(team=GLOBEX.team_id)
    assert prep.stakeholder == "sales"


async def test_an_install_without_its_own_valid_state_is_refused(
    oauth_slack: SlackWorkspace,
) -> None:
    _link, issued = await install_page(oauth_slack)
    oauth_slack.api.install_workspace = GLOBEX
    attempts = {  # (state in the URL, state in the browser's cookie) -> status
        (None, None): 400,
        (issued, None): 400,
        (issued, "another-browser"): 400,
        ("never-issued", "never-issued"): 401,
    }

    for (state, cookie), status in attempts.items():
        got, _page = await oauth_redirect(oauth_slack, "code", state, cookie)
        assert got == status, (state, cookie)

    assert not oauth_slack.api.calls_to("oauth.v2.access")
    assert await table_rows(oauth_slack, slack_installations, GLOBEX.team_id) == []


async def test_a_state_is_good_for_one_install_only(oauth_slack: SlackWorkspace) -> None:
    _link, state = await install_page(oauth_slack)
    oauth_slack.api.install_workspace = GLOBEX
    assert (await oauth_redirect(oauth_slack, "code", state, state))[0] == 200

    replayed, _page = await oauth_redirect(oauth_slack, "code-again", state, state)

    assert replayed == 401
    assert len(oauth_slack.api.calls_to("oauth.v2.access")) == 1


# ---- uninstall and revoked tokens --------------------------------------------------------


async def test_uninstalling_erases_the_workspace_and_nothing_of_another(
    oauth_slack: SlackWorkspace, listener_log: LogWatch
) -> None:
    await install(oauth_slack, ACME)
    await install(oauth_slack, GLOBEX)
    await start_with_a_note(oauth_slack, "They skip it at quarter end")
    await start_with_a_note(oauth_slack, "Budget season", user=OTHER_USER, who="finance")
    await oauth_slack.coach.set_nudges(UserRef("slack", TEAM_ID, OTHER_USER), True)
    await start_with_a_note(oauth_slack, "Globex sellers travel", team=GLOBEX.team_id)
    globex_before = await workspace_rows(oauth_slack, GLOBEX.team_id)

    uninstalled = event_body(app_uninstalled_event(), team_id=TEAM_ID)
    assert (await oauth_slack.post(uninstalled)).status == 200
    await listener_log.wait_for(f"{TEAM_ID} uninstalled")

    assert await table_rows(oauth_slack, slack_installations, TEAM_ID) == []
    assert await table_rows(oauth_slack, slack_bots, TEAM_ID) == []
    assert set((await workspace_rows(oauth_slack, TEAM_ID)).values()) == {0}
    assert await workspace_rows(oauth_slack, GLOBEX.team_id) == globex_before
    assert all(globex_before.values())
    assert len(await table_rows(oauth_slack, slack_installations, GLOBEX.team_id)) == 1
    assert REINSTALL in (await private_reply(oauth_slack, "history"))["text"]


async def test_a_revoked_bot_token_is_deleted_and_the_workspace_no_longer_served(
    oauth_slack: SlackWorkspace, listener_log: LogWatch
) -> None:
    token = await install(oauth_slack, GLOBEX)
    await install(oauth_slack, ACME)
    revoked = event_body(tokens_revoked_event(bot_user_ids=("UBOTGLX",)), team_id=GLOBEX.team_id)

    assert (await oauth_slack.post(revoked)).status == 200
    await listener_log.wait_for(f"tokens revoked in {GLOBEX.team_id}")

    stored = [
        *await table_rows(oauth_slack, slack_installations, GLOBEX.team_id),
        *await table_rows(oauth_slack, slack_bots, GLOBEX.team_id),
    ]
    assert all(row["bot_token"] != token for row in stored), "the revoked token is still kept"
    mark = oauth_slack.api.mark()
    assert REINSTALL in (await private_reply(oauth_slack, "sales", team=GLOBEX.team_id))["text"]
    assert all(call.token != token for call in oauth_slack.api.calls[mark:])
    assert not oauth_slack.api.calls_to("chat.postMessage")
    assert len(await table_rows(oauth_slack, slack_bots, TEAM_ID)) == 1, "Acme keeps its bot"


# ---- App Home ----------------------------------------------------------------------------


async def test_app_home_shows_preps_to_resume_busy_windows_and_the_nudge_setting(
    slack: SlackWorkspace,
) -> None:
    slack.coach.clock = lambda: NOW
    prep_id = await start_with_a_note(slack, "They skip it at quarter end")

    published = await open_home(slack)

    view = published.body["view"]
    assert published.body["user_id"] == USER_ID and view["type"] == "home"
    assert f"*#{prep_id} sales* — in progress" in home_text(view)
    assert "*Busy windows ahead*\n• Sales: Year-end close" in home_text(view)
    assert "*Nudges before busy seasons:* off" in home_text(view)
    found = home_buttons(view)
    assert json.loads(found["Resume"]["value"])["c"] == f"cmd:resume {prep_id}"
    assert "Turn nudges on" in found

    mark = slack.api.mark()
    await click_in_home(slack, found["Resume"])
    resumed = await slack.next_dm(since=mark)
    assert "Step 1 of 5" in text_of(resumed)


async def test_app_home_of_someone_new_has_no_preps(slack: SlackWorkspace) -> None:
    await start_with_a_note(slack, "Not yours to see")

    view = (await open_home(slack, user=OTHER_USER)).body["view"]

    assert "None yet." in home_text(view) and "sales*" not in home_text(view)
    assert "Resume" not in home_buttons(view)


async def test_turning_nudges_on_in_app_home_changes_the_setting_and_answers_privately(
    slack: SlackWorkspace,
) -> None:
    user = UserRef("slack", TEAM_ID, USER_ID)
    toggle = home_buttons((await open_home(slack)).body["view"])["Turn nudges on"]
    mark = slack.api.mark()

    await click_in_home(slack, toggle)

    answer = await slack.next_dm(since=mark)
    assert "Nudges are on" in text_of(answer)
    assert (await slack.coach.settings_of(user)).nudges_opt_in is True
    view = (await open_home(slack)).body["view"]
    assert "*Nudges before busy seasons:* on" in home_text(view)
    assert "Turn nudges off" in home_buttons(view)


# ---- commands ----------------------------------------------------------------------------


async def test_list_names_the_stakeholders_with_a_button_each(slack: SlackWorkspace) -> None:
    listed = await private_reply(slack, "list")

    assert listed["response_type"] == "ephemeral"
    assert "Stakeholders you can prepare for:\n• board" in text_of(listed)
    assert "cmd:prep sales" in {json.loads(v)["c"] for v in buttons(listed).values()}


async def test_history_and_notes_show_the_users_preps(slack: SlackWorkspace) -> None:
    prep_id = await start_with_a_note(slack, "No manager asks about the training")
    mark = slack.api.mark()

    history = await private_reply(slack, "history")
    notes = await private_reply(slack, f"notes {prep_id}")

    assert f"#{prep_id} sales — in progress" in text_of(history)
    assert json.loads(buttons(history)[f"Resume #{prep_id}"])["c"] == f"cmd:resume {prep_id}"
    assert f"Notes of prep #{prep_id} (sales)" in text_of(notes)
    assert "No manager asks about the training" in text_of(notes)
    assert "chat.postMessage" not in {c.method for c in slack.api.calls[mark:]}, "not in the DM"


async def test_check_answers_privately_with_findings_and_starts_nothing(
    slack: SlackWorkspace,
) -> None:
    checked = await private_reply(slack, "check We need MFA")

    assert checked["response_type"] == "ephemeral" and checked["replace_original"] is False
    assert "`MFA`" in text_of(checked) and "→ say:" in text_of(checked)
    assert not slack.api.calls_to("chat.postMessage")
    assert await slack.coach.preps(UserRef("slack", TEAM_ID, USER_ID)) == []


async def test_check_offers_a_plainer_version_with_the_users_words_literal(
    slack: SlackWorkspace,
) -> None:
    checked = await private_reply(slack, "check Sellers should use SSO <!here>. Deals move.")

    sections = [block["text"] for block in checked["blocks"] if block["type"] == "section"]
    assert (
        "A plainer version:\n“Sellers should use one login for all your work apps"
        in (sections[-1]["text"])
    )
    assert "&lt;!here&gt;" in sections[-1]["text"]
    assert all(linked(section) == [] for section in sections)


async def test_a_misspelt_command_gets_the_closest_match_and_help(slack: SlackWorkspace) -> None:
    answer = await private_reply(slack, "finanse")

    assert "Did you mean /prep-talk finance?" in text_of(answer)
    assert "/prep-talk history — your recent preps" in text_of(answer)
    assert await slack.coach.preps(UserRef("slack", TEAM_ID, USER_ID)) == []


async def test_help_lists_every_command(slack: SlackWorkspace) -> None:
    answer = text_of(await private_reply(slack, "help"))

    for command in ("list", "history", "resume", "notes N", "debrief N", "check", "forget"):
        assert f"/prep-talk {command}" in answer


async def test_resume_picks_the_prep_up_in_the_dm(slack: SlackWorkspace) -> None:
    prep_id = await start_with_a_note(slack, "They see it as generic IT content")
    await slack.turn(slack.command("finance"))
    mark = slack.api.mark()

    ack = await slack.command(f"resume {prep_id}")

    assert "direct message" in await ack.text()
    resumed = await slack.next_dm(since=mark)
    assert "Step 1 of 5" in text_of(resumed) and "the sales team" in text_of(resumed)
    assert choice_of(resumed, "next")
    preps = await slack.coach.preps(UserRef("slack", TEAM_ID, USER_ID))
    assert {p.stakeholder: p.status for p in preps} == {
        "sales": "in_progress",
        "finance": "paused",
    }


async def test_debrief_after_the_brief_asks_how_the_talk_went(slack: SlackWorkspace) -> None:
    brief = await run_to_the_brief(slack)
    assert "*Prep brief: Sales" in text_of(brief)
    prep = await slack.prep_of()

    question = await slack.turn(slack.command(f"debrief {prep.id}"))

    assert "How did the conversation with the VP of Sales go?" in text_of(question)
    assert "What did you hear?" in text_of(question)
    answered = await slack.turn(slack.say("They want a shorter course, not none"))
    assert "What did you agree, if anything?" in text_of(answered)
    assert (await dialog_of(slack, prep.id))[0] == "debrief"


async def test_nudges_on_and_off_change_the_setting(slack: SlackWorkspace) -> None:
    user = UserRef("slack", TEAM_ID, USER_ID)

    on = await private_reply(slack, "nudges on")
    assert "Nudges are on" in text_of(on)
    assert (await slack.coach.settings_of(user)).nudges_opt_in is True

    off = await private_reply(slack, "nudges off")
    assert "Nudges are off" in text_of(off)
    assert (await slack.coach.settings_of(user)).nudges_opt_in is False


# ---- forget ------------------------------------------------------------------------------


async def test_forget_asks_first_then_deletes_only_this_person_in_this_workspace(
    slack: SlackWorkspace,
) -> None:
    me = UserRef("slack", TEAM_ID, USER_ID)
    await start_with_a_note(slack, "My private hypothesis")
    await start_with_a_note(slack, "Their own notes", user=OTHER_USER)
    await start_with_a_note(slack, "Same id, other workspace", team=GLOBEX.team_id)
    await slack.coach.set_nudges(me, True)
    kept = {
        "colleague": await person_rows(slack, TEAM_ID, OTHER_USER),
        "other workspace": await person_rows(slack, GLOBEX.team_id, USER_ID),
    }

    question = await private_reply(slack, "forget")

    assert "cannot be undone" in text_of(question)
    confirm = buttons(question)["Yes, delete everything"]
    assert json.loads(confirm)["c"] == "cmd:forget confirmed"
    assert (await person_rows(slack, TEAM_ID, USER_ID))["conversations"] == 1, "nothing yet"

    mark = slack.api.mark()
    payload = block_actions_payload(
        "choice-0",
        confirm,
        channel_id="C0SECLEADS",
        response_url=slack.api.response_url("forget"),
    )
    payload["container"]["is_ephemeral"] = True
    assert (await slack.post(interactivity_body(payload))).status == 200
    done = await slack.api.wait_for_call("response_url", since=mark)

    assert "I deleted 1 prep and everything about you" in text_of(done.body)
    assert set((await person_rows(slack, TEAM_ID, USER_ID)).values()) == {0}
    assert await person_rows(slack, TEAM_ID, OTHER_USER) == kept["colleague"]
    assert await person_rows(slack, GLOBEX.team_id, USER_ID) == kept["other workspace"]
    assert (await slack.coach.settings_of(me)).nudges_opt_in is False


async def test_keep_my_data_deletes_nothing(slack: SlackWorkspace) -> None:
    await start_with_a_note(slack, "My private hypothesis")
    keep = buttons(await private_reply(slack, "forget"))["Keep my data"]
    mark = slack.api.mark()

    await slack.click(keep)
    await slack.api.wait_for_call("response_url", since=mark)

    assert (await person_rows(slack, TEAM_ID, USER_ID))["notes"] == 1


# ---- stale buttons -----------------------------------------------------------------------


async def test_a_button_of_an_earlier_step_answers_clearly_and_changes_nothing(
    slack: SlackWorkspace,
) -> None:
    await slack.turn(slack.command("sales"))
    feel = await slack.turn(slack.say("They see it as generic IT content"))
    old_next = choice_of(feel, "next")
    reply = await slack.turn(slack.click(old_next))
    reply = await slack.turn(slack.tick(reply, "q1"))
    focus = await slack.turn(slack.click(choice_of(reply, "next")))
    assert "Step 2 of 5" in text_of(focus)
    prep = await slack.prep_of()
    before = await dialog_of(slack, prep.id)

    answer = await slack.turn(slack.click(old_next))

    assert STALE_CHOICE in text_of(answer) and answer["text"].startswith("Focus:")
    assert await dialog_of(slack, prep.id) == before
    assert (await slack.prep_of()).notes == prep.notes


async def test_a_button_of_another_prep_answers_clearly_and_changes_nothing(
    slack: SlackWorkspace,
) -> None:
    sales = await start_with_a_note(slack, "They see it as generic IT content")
    await slack.turn(slack.command("finance"))
    [finance] = [
        p
        for p in await slack.coach.preps(UserRef("slack", TEAM_ID, USER_ID))
        if p.stakeholder == "finance"
    ]
    before = {sales: await dialog_of(slack, sales), finance.id: await dialog_of(slack, finance.id)}

    answer = await slack.turn(slack.click(button_value("next", sales, "feel")))

    assert STALE_PREP in text_of(answer)
    after = {sales: await dialog_of(slack, sales), finance.id: await dialog_of(slack, finance.id)}
    assert after == before


async def test_a_button_of_a_finished_prep_changes_nothing(slack: SlackWorkspace) -> None:
    brief = await run_to_the_brief(slack)
    prep = await slack.prep_of()
    before = await dialog_of(slack, prep.id)
    old = button_value("next", prep.id, "why")

    answer = await slack.turn(slack.click(old))

    assert STALE_PREP in text_of(answer)
    assert await dialog_of(slack, prep.id) == before
    assert "Download as Markdown" in buttons(brief)


# ---- privacy across workspaces and users -------------------------------------------------


async def test_history_and_notes_never_show_another_persons_preps(slack: SlackWorkspace) -> None:
    people = {
        (TEAM_ID, USER_ID): "ACME-DANA-SECRET",
        (TEAM_ID, OTHER_USER): "ACME-SAM-SECRET",
        (GLOBEX.team_id, USER_ID): "GLOBEX-DANA-SECRET",
    }
    ids = {}
    for (team, user), secret in people.items():
        ids[team, user] = await start_with_a_note(slack, secret, user=user, team=team)

    for team, user in people:
        history = text_of(await private_reply(slack, "history", user=user, team=team))
        assert set(re.findall(r"#(\d+) sales", history)) == {str(ids[team, user])}
        for other, other_secret in people.items():
            notes = text_of(await private_reply(slack, f"notes {ids[other]}", user=user, team=team))
            if other == (team, user):
                assert other_secret in notes
            else:
                assert other_secret not in notes and "no such prep of yours" in notes


async def test_app_home_of_the_same_user_id_in_another_workspace_is_its_own(
    slack: SlackWorkspace,
) -> None:
    acme = await start_with_a_note(slack, "acme only")
    mark = slack.api.mark()
    event = app_home_opened_event(USER_ID)
    await slack.post(event_body(event, team_id=GLOBEX.team_id))

    view = (await slack.api.wait_for_call("views.publish", since=mark)).body["view"]

    assert f"#{acme} " not in home_text(view) and "None yet." in home_text(view)


# ---- failures of our own -----------------------------------------------------------------


async def test_an_error_of_ours_is_answered_and_logged_without_the_users_words(
    slack: SlackWorkspace, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """As under load on SQLite, when a turn's write waits past the busy timeout."""
    await slack.turn(slack.command("sales"))

    async def locked(_user: UserRef, inbound: Inbound) -> Answer:
        words = inbound.text or inbound.argument or ""
        raise OperationalError("INSERT INTO notes (body) VALUES (?)", (words,), Exception("lock"))

    monkeypatch.setattr(slack.coach, "answer", locked)
    caplog.set_level(logging.INFO)

    reply = await slack.turn(slack.say("My private hypothesis about the VP"))
    assert reply["text"] == TROUBLE
    command = await private_reply(slack, "sales")
    assert command["text"] == TROUBLE and command["response_type"] == "ephemeral"

    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("message for slack:T0ACME:U123 failed: OperationalError" in f for f in failures)
    assert "private hypothesis" not in caplog.text
