"""/api/messages with an app id: the SDK checks every activity's JWT; unauthenticated
requests get 401 and change nothing; authenticated ones are answered, their conversation
reference is stored, and proactive messages reach the user's personal chat.

The signed activities are checked by the SDK's own validation code (JwtTokenExtractor), with
the channel's OpenID metadata and keys served locally; only the outbound Entra ID token
request is replaced (`OutboundCredentials`).
"""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from pytest_aiohttp import AiohttpClient
from sqlalchemy import func, select

from bot.channels.teams import TEAMS_MESSENGER
from bot.channels.teams.delivery import DeliveryStatus, send_proactive
from bot.engine.messages import Reply, Step
from bot.runtime import open_coach
from bot.server import create_app
from bot.settings import Settings
from bot.storage.channel_models import ProcessedEvent
from bot.storage.db import create_database, session_factory
from bot.storage.teams_references import TeamsReferences
from bot.users import UserRef
from tests.teams import cardreader
from tests.teams.conftest import Client, app_with_channel_keys
from tests.teams.support import (
    APP_ID,
    DANA,
    OTHER_TENANT,
    OUTBOUND_TOKEN,
    TENANT,
    BotConnector,
    KeyServer,
    SigningKey,
    activity,
    channel_claims,
)

PERSONAL = activity("message_personal", "")["conversation"]["id"]


async def stored(settings: Settings) -> dict[str, Any] | None:
    engine = create_database(settings.database_url)
    try:
        found = await TeamsReferences(session_factory(engine)).load(DANA)
        return found.reference if found else None
    finally:
        await engine.dispose()


async def preps_of_dana(settings: Settings) -> int:
    async with open_coach(settings) as coach:
        return len(await coach.preps(DANA))


def signed(key: SigningKey, service_url: str, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {key.token(channel_claims(service_url, **claims))}"}


# ---- refused ------------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer not-a-jwt", "Basic dXNlcjpwYXNz"])
async def test_the_production_authentication_refuses_requests_without_a_valid_token(
    aiohttp_client: AiohttpClient,
    app_settings: Settings,
    connector: BotConnector,
    header: str | None,
) -> None:
    client = await aiohttp_client(create_app(app_settings))  # the SDK's public-cloud auth
    headers = {"Authorization": header} if header is not None else {}
    response = await client.post(
        "/api/messages", json=activity("message_personal", connector.url), headers=headers
    )
    assert response.status == 401
    assert connector.calls == []
    assert await stored(app_settings) is None
    assert await preps_of_dana(app_settings) == 0


@pytest.mark.parametrize(
    "forgery",
    ["other audience", "expired", "unpublished key", "other service url", "alg none"],
)
async def test_tokens_that_are_not_for_us_are_refused_and_change_nothing(
    signed_client: Client,
    app_settings: Settings,
    connector: BotConnector,
    channel_key: SigningKey,
    forgery: str,
) -> None:
    claims = channel_claims(connector.url)
    key = channel_key
    if forgery == "other audience":
        claims["aud"] = "11111111-2222-3333-4444-555555555555"
    elif forgery == "expired":
        claims["exp"] = claims["iat"] - 3600
        claims["nbf"] = claims["iat"] - 7200
    elif forgery == "unpublished key":
        key = SigningKey("attacker-key")
    elif forgery == "other service url":
        claims["serviceurl"] = "https://elsewhere.example/"
    token = key.token(claims)
    if forgery == "alg none":
        token = jwt.encode(claims, None, algorithm="none")
    response = await signed_client.post(
        "/api/messages",
        json=activity("message_personal", connector.url),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status == 401
    assert connector.calls == []
    assert await stored(app_settings) is None
    assert await preps_of_dana(app_settings) == 0


# ---- accepted ---------------------------------------------------------------------------


async def test_a_signed_message_is_answered_with_our_token_and_its_reference_stored(
    signed_client: Client, app_settings: Settings, connector: BotConnector, channel_key: SigningKey
) -> None:
    response = await signed_client.post(
        "/api/messages",
        json=activity("message_personal", connector.url),
        headers=signed(channel_key, connector.url),
    )
    assert response.status == 201
    [call] = connector.calls
    assert call.authorization == f"Bearer {OUTBOUND_TOKEN}"
    assert "Step 1 of 5" in cardreader.text(call.card)
    reference = await stored(app_settings)
    assert reference is not None
    assert reference["conversation"]["id"] == PERSONAL
    assert reference["serviceUrl"] == connector.url
    assert reference["user"]["aadObjectId"] == DANA.user


async def test_installing_stores_the_reference_and_the_users_time_zone(
    signed_client: Client, app_settings: Settings, connector: BotConnector, channel_key: SigningKey
) -> None:
    response = await signed_client.post(
        "/api/messages",
        json=activity("installation_update", connector.url),
        headers=signed(channel_key, connector.url),
    )
    assert response.status == 201
    assert (await stored(app_settings) or {})["conversation"]["id"] == PERSONAL
    engine = create_database(app_settings.database_url)
    try:
        found = await TeamsReferences(session_factory(engine)).load(DANA)
    finally:
        await engine.dispose()
    assert found is not None and found.time_zone == "Europe/Paris"

    removal = activity("installation_update", connector.url, action="remove")
    await signed_client.post(
        "/api/messages", json=removal, headers=signed(channel_key, connector.url)
    )
    assert await stored(app_settings) is None


async def test_adding_the_bot_sends_a_welcome_and_stores_the_reference(
    signed_client: Client, app_settings: Settings, connector: BotConnector, channel_key: SigningKey
) -> None:
    await signed_client.post(
        "/api/messages",
        json=activity("conversation_update", connector.url),
        headers=signed(channel_key, connector.url),
    )
    [call] = connector.calls
    assert "Hi, I'm prep-talk" in cardreader.text(call.card)
    assert await stored(app_settings) is not None


async def test_in_a_channel_public_commands_answer_there_and_preps_go_to_personal_chat(
    signed_client: Client, connector: BotConnector, channel_key: SigningKey
) -> None:
    headers = signed(channel_key, connector.url)
    await signed_client.post(
        "/api/messages", json=activity("installation_update", connector.url), headers=headers
    )
    listing = activity("message_channel_mention", connector.url)
    await signed_client.post("/api/messages", json=listing, headers=headers)
    [in_channel] = connector.calls
    assert in_channel.path.startswith("/v3/conversations/19:")
    assert "Stakeholders you can prepare for" in cardreader.text(in_channel.card)

    start = cardreader.button(in_channel.card, "cmd:prep sales")
    click = activity("message_channel_mention", connector.url, text="", entities=[], value=start)
    await signed_client.post("/api/messages", json=click, headers=headers)
    personal, channel = connector.calls[1:]
    assert personal.path == f"/v3/conversations/{PERSONAL}/activities"
    assert "Step 1 of 5" in cardreader.text(personal.card)
    assert "answered you in our personal chat" in cardreader.text(channel.card)


async def test_channel_messages_without_a_mention_are_ignored(
    signed_client: Client, connector: BotConnector, channel_key: SigningKey
) -> None:
    chatter = activity("message_channel_mention", connector.url, text="lunch?", entities=[])
    response = await signed_client.post(
        "/api/messages", json=chatter, headers=signed(channel_key, connector.url)
    )
    assert response.status == 201
    assert connector.calls == []


async def test_without_a_stored_reference_a_channel_prep_gets_a_link_to_personal_chat(
    signed_client: Client, connector: BotConnector, channel_key: SigningKey
) -> None:
    history = activity("message_channel_mention", connector.url, text="<at>prep-talk</at> history")
    await signed_client.post(
        "/api/messages", json=history, headers=signed(channel_key, connector.url)
    )
    [call] = connector.calls
    assert "Your recent preps" not in cardreader.text(call.card)
    assert cardreader.links(call.card) == [
        f"https://teams.microsoft.com/l/chat/0/0?users=28:{APP_ID}"
    ]


# ---- proactive ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("refusal", "outcome", "retry_after"),
    [
        (None, DeliveryStatus.SENT, None),
        ((429, "3"), DeliveryStatus.THROTTLED, 3.0),
        ((403, None), DeliveryStatus.GONE, None),
    ],
)
async def test_send_proactive_reaches_the_personal_chat_or_says_why_not(
    signed_client: Client,
    connector: BotConnector,
    channel_key: SigningKey,
    refusal: tuple[int, str | None] | None,
    outcome: DeliveryStatus,
    retry_after: float | None,
) -> None:
    messenger = signed_client.app[TEAMS_MESSENGER]
    nudge = [Reply(step=Step.INFO, text="The quarter-end push starts Friday.")]
    assert (await send_proactive(messenger, DANA, nudge)).status is DeliveryStatus.NO_REFERENCE

    await signed_client.post(
        "/api/messages",
        json=activity("installation_update", connector.url),
        headers=signed(channel_key, connector.url),
    )
    if refusal is not None:
        connector.refuse_next(*refusal)
    delivery = await send_proactive(messenger, DANA, nudge)
    assert (delivery.status, delivery.retry_after) == (outcome, retry_after)
    [call] = connector.calls
    assert call.path == f"/v3/conversations/{PERSONAL}/activities"
    assert call.authorization == f"Bearer {OUTBOUND_TOKEN}"
    assert "quarter-end push starts Friday" in cardreader.text(call.card)


# ---- a single-tenant app ------------------------------------------------------------------


STRANGER = UserRef("teams", OTHER_TENANT, DANA.user)


def from_tenant(name: str, service_url: str, *, data: str, conversation: str) -> dict[str, Any]:
    """A captured activity whose channel data and conversation name the given tenants."""
    document = activity(name, service_url)
    document["channelData"]["tenant"] = {"id": data}
    document["conversation"]["tenantId"] = conversation
    return document


async def stored_rows(settings: Settings, user: UserRef) -> tuple[int, bool, int]:
    """(the user's preps, whether their reference is stored, processed-event rows)."""
    engine = create_database(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            events = int(await session.scalar(select(func.count(ProcessedEvent.id))) or 0)
        reference = await TeamsReferences(session_factory(engine)).load(user)
    finally:
        await engine.dispose()
    async with open_coach(settings) as coach:
        return len(await coach.preps(user)), reference is not None, events


@pytest.fixture(params=["SingleTenant", "UserAssignedMSI"])
async def single_tenant(
    request: pytest.FixtureRequest,
    aiohttp_client: AiohttpClient,
    app_settings: Settings,
    keys: KeyServer,
) -> tuple[Client, Settings]:
    settings = app_settings.model_copy(
        update={"microsoft_app_type": request.param, "microsoft_app_tenant_id": TENANT}
    )
    return await aiohttp_client(app_with_channel_keys(settings, keys)), settings


@pytest.mark.parametrize(
    "kind", ["message_personal", "installation_update", "conversation_update", "card_submit"]
)
@pytest.mark.parametrize(
    ("data", "conversation"),
    [(OTHER_TENANT, OTHER_TENANT), (TENANT, OTHER_TENANT), (OTHER_TENANT, TENANT)],
)
async def test_a_single_tenant_bot_refuses_other_tenants_and_stores_nothing(
    single_tenant: tuple[Client, Settings],
    connector: BotConnector,
    channel_key: SigningKey,
    kind: str,
    data: str,
    conversation: str,
) -> None:
    client, settings = single_tenant
    stranger = from_tenant(kind, connector.url, data=data, conversation=conversation)
    response = await client.post(
        "/api/messages", json=stranger, headers=signed(channel_key, connector.url)
    )
    assert response.status == 403
    assert "own organisation's tenant only" in (await response.json())["error"]
    assert connector.calls == []
    assert await stored_rows(settings, STRANGER) == (0, False, 0)
    assert await stored_rows(settings, DANA) == (0, False, 0)


async def test_a_single_tenant_bot_serves_its_own_tenant(
    single_tenant: tuple[Client, Settings], connector: BotConnector, channel_key: SigningKey
) -> None:
    client, settings = single_tenant
    own = from_tenant("message_personal", connector.url, data=TENANT, conversation=TENANT)
    response = await client.post(
        "/api/messages", json=own, headers=signed(channel_key, connector.url)
    )
    assert response.status == 201
    assert "Step 1 of 5" in cardreader.text(connector.cards[-1])
    assert await stored_rows(settings, DANA) == (1, True, 1)
