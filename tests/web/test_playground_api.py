"""The playground's HTTP API, as a browser (or a hostile page) would use it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.engine.messages import Inbound, Reply
from bot.settings import Settings
from bot.users import UserRef
from bot.web.identity import COOKIE_NAME
from bot.web.playground import add_playground
from tests.web.fake_coach import FakeCoach

Client = TestClient[web.Request, web.Application]

TURN = "/playground/api/turn"
PREPS = "/playground/api/preps"
STAKEHOLDERS = "/playground/api/stakeholders"


async def post_turn(client: Client, body: dict[str, Any], **headers: str) -> Any:
    return await client.post(TURN, json=body, headers=headers)


async def start_sales(client: Client) -> list[dict[str, Any]]:
    response = await post_turn(client, {"command": "start", "argument": "sales"})
    assert response.status == 200, await response.text()
    replies: list[dict[str, Any]] = (await response.json())["replies"]
    return replies


def the_cookie(client: Client) -> str:
    cookies = {cookie.key: cookie.value for cookie in client.session.cookie_jar}
    return cookies[COOKIE_NAME]


async def test_first_visit_gets_a_private_cookie_and_a_locked_down_page(client: Client) -> None:
    response = await client.get("/")

    assert response.status == 200
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith(f"{COOKIE_NAME}=")
    assert "HttpOnly" in set_cookie
    assert "SameSite=Strict" in set_cookie
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = await response.text()
    assert "<script src=" in page
    assert "<script>" not in page  # no inline script: the CSP would block it anyway

    again = await client.get("/")
    assert "Set-Cookie" not in again.headers  # the visitor keeps their id


async def test_page_lists_the_stakeholders_to_start_with(visitor: Client) -> None:
    page = await (await visitor.get("/")).text()
    listed = await (await visitor.get(STAKEHOLDERS)).json()

    ids = [stakeholder["id"] for stakeholder in listed["stakeholders"]]
    assert "sales" in ids
    for stakeholder_id in ids:
        assert f'data-stakeholder="{stakeholder_id}"' in page


async def test_api_without_a_cookie_is_401(client: Client) -> None:
    turn = await post_turn(client, {"command": "start", "argument": "sales"})
    preps = await client.get(PREPS)

    assert turn.status == 401
    assert "open the playground page" in (await turn.json())["error"]
    assert preps.status == 401


async def test_a_made_up_cookie_is_401(client: Client) -> None:
    client.session.cookie_jar.update_cookies({COOKIE_NAME: "short"})
    response = await client.get(PREPS)
    assert response.status == 401


async def test_cross_origin_post_is_403(visitor: Client) -> None:
    start = {"command": "start", "argument": "sales"}

    foreign = await post_turn(visitor, start, Origin="http://evil.example")
    null = await post_turn(visitor, start, Origin="null")
    own = await post_turn(visitor, start, Origin=f"http://{visitor.host}:{visitor.port}")

    assert foreign.status == 403
    assert (await foreign.json())["error"] == "Cross-origin requests are not allowed."
    assert null.status == 403
    assert own.status == 200


async def test_a_rebound_host_name_is_403(visitor: Client) -> None:
    """DNS rebinding: evil.example resolves to 127.0.0.1, but the Host header gives it away."""
    page = await visitor.get("/", headers={"Host": "evil.example"})
    turn = await post_turn(
        visitor, {"command": "start", "argument": "sales"}, Host="evil.example:3978"
    )
    local = await visitor.get(PREPS, headers={"Host": f"localhost:{visitor.port}"})

    assert page.status == 403
    assert turn.status == 403
    assert local.status == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "Send one of"),
        ('{"text": 3}', '"text" must be a string'),
        ('{"text": "   "}', '"text" is empty'),
        ('{"text": "a", "choice": "next"}', "Send one of"),
        (
            '{"command": "delete", "argument": "1"}',
            '"command" must be one of: start, resume, debrief',
        ),
        ('{"command": "start"}', "Send one of"),
    ],
)
async def test_a_body_that_is_not_a_turn_is_400_with_a_clear_message(
    visitor: Client, body: str, message: str
) -> None:
    response = await visitor.post(TURN, data=body, headers={"Content-Type": "application/json"})

    assert response.status == 400
    assert message in (await response.json())["error"]


async def test_a_form_post_is_refused(visitor: Client) -> None:
    """HTML forms can post cross-site without CORS; they cannot send application/json."""
    response = await visitor.post(TURN, data={"text": "hello"})
    assert response.status == 415


async def test_a_body_over_256_kb_is_413(visitor: Client) -> None:
    body = json.dumps({"text": "x" * (300 * 1024)})
    response = await visitor.post(TURN, data=body, headers={"Content-Type": "application/json"})

    assert response.status == 413
    assert "256 KB" in (await response.json())["error"]


async def test_start_then_answer_returns_the_coachs_replies(visitor: Client) -> None:
    started = await start_sales(visitor)
    assert "feel" in [reply["step"] for reply in started]
    assert started[-1]["expects"] == "text"

    response = await post_turn(
        visitor, {"text": "They travel a lot and the training does not fit on a phone."}
    )

    assert response.status == 200
    replies = (await response.json())["replies"]
    assert replies
    assert replies[-1]["expects"] in {"text", "choice"}
    assert all("step" in reply and "text" in reply for reply in replies)


async def test_typed_markup_comes_back_as_data_never_as_a_page(visitor: Client) -> None:
    await start_sales(visitor)
    markup = "<script>alert('owned')</script> they skip it"

    response = await post_turn(visitor, {"text": markup})

    assert response.status == 200
    assert response.content_type == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    replies = (await response.json())["replies"]
    echoed = [reply["text"] for reply in replies if "<script>" in reply["text"]]
    assert all(markup in text for text in echoed)


async def test_another_browser_cannot_see_the_first_visitors_preps(visitor: Client) -> None:
    await start_sales(visitor)
    first_cookie = the_cookie(visitor)
    mine = (await (await visitor.get(PREPS)).json())["preps"]
    assert len(mine) == 1

    visitor.session.cookie_jar.clear()
    await visitor.get("/")
    assert the_cookie(visitor) != first_cookie
    theirs = (await (await visitor.get(PREPS)).json())["preps"]

    assert theirs == []
    resumed = await post_turn(visitor, {"command": "resume", "argument": str(mine[0]["id"])})
    assert resumed.status == 200
    assert all(reply["expects"] == "none" for reply in (await resumed.json())["replies"])


async def test_static_files_are_served_with_the_same_headers(visitor: Client) -> None:
    page = await (await visitor.get("/")).text()
    script_urls = [part.split('"', 1)[0] for part in page.split('<script src="')[1:]]
    assert len(script_urls) == 2

    for url in script_urls:
        response = await visitor.get(url)
        assert response.status == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        script = await response.text()
        for sink in (".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in script


class BrokenCoach(FakeCoach):
    async def handle(self, user: UserRef, inbound: Inbound) -> list[Reply]:
        raise RuntimeError("database went away")


async def test_a_failure_on_our_side_is_a_polite_500_and_the_log_keeps_the_cookie_secret(
    aiohttp_client: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = web.Application()
    add_playground(app, BrokenCoach(), Settings(database_url=f"sqlite:///{tmp_path}/x.db"))
    client = await aiohttp_client(app)
    await client.get("/")

    response = await post_turn(client, {"text": "They are busy."})

    assert response.status == 500
    assert (await response.json())["error"] == "Something went wrong on our side. Please try again."
    assert "playground turn failed" in caplog.text
    assert the_cookie(client) not in caplog.text
    assert "They are busy" not in caplog.text
