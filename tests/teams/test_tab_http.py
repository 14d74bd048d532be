"""The channel tab over HTTP: public playbook pages framed by Teams only, and an API that
shows the signed-in user their own preps and notes, and nobody else's."""

from __future__ import annotations

import re

import pytest
from pytest_aiohttp import AiohttpClient

from bot.engine.messages import Command, Inbound
from bot.runtime import open_coach
from bot.server import create_app
from bot.settings import Settings
from bot.users import UserRef
from tests.support.outcomes import debriefed_with_outcome
from tests.teams.conftest import Client
from tests.teams.support import DANA, OTHER_TENANT, TENANT, SigningKey
from tests.teams.test_tab_sso import entra_claims

SAM = UserRef("teams", TENANT, "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d")


@pytest.fixture
async def tab(aiohttp_client: AiohttpClient, app_settings: Settings) -> Client:
    async with open_coach(app_settings) as coach:
        await coach.handle(DANA, Inbound(command=Command.START, argument="sales"))
        await coach.handle(DANA, Inbound(text="Dana thinks the course is generic"))
        await coach.handle(DANA, Inbound(choice="next"))
        await coach.handle(SAM, Inbound(command=Command.START, argument="sales"))
        await coach.handle(SAM, Inbound(text="Sam's private hunch"))
        await coach.handle(SAM, Inbound(choice="next"))
    return await aiohttp_client(create_app(app_settings))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_the_tab_shows_the_playbook_and_a_timeline_with_busy_windows(tab: Client) -> None:
    response = await tab.get("/tab", params={"stakeholder": "sales"})
    assert response.status == 200
    html = await response.text()
    assert "Hitting quarterly and annual quota" in html  # a priority
    assert "Which weeks of the quarter are hardest" in html  # a listening question
    assert re.search(r'<rect class="busy" data-name="Quarter-end push"', html)
    assert 'class="today"' in html
    assert "Dana thinks" not in html and "Sam" not in html  # nothing private in the page


async def test_tab_pages_may_be_framed_by_microsoft_365_hosts_only_and_run_no_inline_script(
    tab: Client,
) -> None:
    for path in ("/tab?stakeholder=sales", "/tab/config"):
        response = await tab.get(path)
        policy = response.headers["Content-Security-Policy"]
        ancestors = re.search(r"frame-ancestors ([^;]+)", policy)
        assert ancestors is not None
        assert set(ancestors.group(1).split()) == {
            "'self'",
            "https://teams.microsoft.com",
            "https://*.teams.microsoft.com",
            "https://*.cloud.microsoft",
            "https://*.microsoft365.com",
            "https://*.office.com",
            "https://outlook.office.com",
            "https://outlook.office365.com",
            "https://outlook-sdf.office.com",
            "https://outlook-sdf.office365.com",
        }
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy
        assert "X-Frame-Options" not in response.headers
        html = await response.text()
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))


async def test_the_config_page_lists_every_playbook(tab: Client) -> None:
    html = await (await tab.get("/tab/config")).text()
    for stakeholder in ("sales", "finance", "board"):
        assert f'<option value="{stakeholder}">' in html


async def test_an_unknown_playbook_is_a_404_and_the_sdk_is_served_locally(tab: Client) -> None:
    assert (await tab.get("/tab", params={"stakeholder": "nope"})).status == 404
    html = await (await tab.get("/tab", params={"stakeholder": "sales"})).text()
    sdk = re.search(r'src="(/tab/static/MicrosoftTeams\.min\.js[^"]*)"', html)
    assert sdk is not None
    response = await tab.get(sdk.group(1).replace("&amp;", "&"))
    assert response.status == 200 and "javascript" in response.content_type
    assert "getAuthToken" in await response.text()


async def test_the_timeline_follows_the_tenants_fiscal_year(
    tab: Client, app_settings: Settings
) -> None:
    async with open_coach(app_settings) as coach:
        await coach.configure_tenant("teams", TENANT, fiscal_year_start_month=2, mission=None)
    html = await (await tab.get("/tab", params={"stakeholder": "sales", "tenant": TENANT})).text()
    starts = re.findall(
        r'<g class="quarter" data-label="[^"]+" data-start="(\d{4}-\d{2})-01"', html
    )
    assert {start[-2:] for start in starts} == {"02", "05", "08", "11"}


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic abc"])
async def test_the_api_answers_401_without_a_valid_token(tab: Client, header: str | None) -> None:
    response = await tab.get(
        "/tab/api/preps", headers={"Authorization": header} if header is not None else {}
    )
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "preps" not in await response.json()


async def test_a_signed_in_user_sees_only_their_own_preps_and_notes(
    tab: Client, entra_key: SigningKey
) -> None:
    response = await tab.get(
        "/tab/api/preps",
        params={"stakeholder": "sales"},
        headers=bearer(entra_key.token(entra_claims())),
    )
    assert response.status == 200
    [prep] = (await response.json())["preps"]
    assert prep["stakeholder"] == "sales"
    notes = " ".join(note["text"] for note in prep["notes"])
    assert "Dana thinks the course is generic" in notes
    assert "Sam" not in str(prep)


async def test_the_same_object_id_in_another_tenant_sees_nothing_of_dana(
    tab: Client, entra_key: SigningKey
) -> None:
    other = entra_key.token(entra_claims(tenant=OTHER_TENANT))
    response = await tab.get("/tab/api/preps", headers=bearer(other))
    assert response.status == 200
    assert (await response.json())["preps"] == []


async def test_a_token_signed_by_anyone_else_reads_nothing(tab: Client) -> None:
    forged = SigningKey("entra-key").token(entra_claims())
    response = await tab.get("/tab/api/preps", headers=bearer(forged))
    assert response.status == 401


async def test_the_api_lists_the_users_own_measured_outcomes(
    aiohttp_client: AiohttpClient, app_settings: Settings, entra_key: SigningKey
) -> None:
    async with open_coach(app_settings) as coach:
        prep_id = await debriefed_with_outcome(coach, DANA)
        await debriefed_with_outcome(coach, SAM, "Sam's secret metric: 5 now, goal 50 by 15 March")
    client = await aiohttp_client(create_app(app_settings))

    response = await client.get(
        "/tab/api/preps",
        params={"stakeholder": "sales"},
        headers=bearer(entra_key.token(entra_claims())),
    )
    [outcome] = (await response.json())["outcomes"]
    assert outcome["prep_id"] == prep_id
    assert outcome["progress"].startswith("training completion in sales: 42% now, goal 90% by")
    assert "new number" in outcome["standing"]
    assert "Sam" not in str(await response.json())
    other = await client.get("/tab/api/preps", params={"stakeholder": "finance"},
                             headers=bearer(entra_key.token(entra_claims())))  # fmt: skip
    assert (await other.json())["outcomes"] == []
