"""Stand-ins for what Teams talks to: the Bot Connector, and Microsoft's signing keys.

- `BotConnector`: an aiohttp server on a free port that answers like the Bot Connector
  (`POST /v3/conversations/{id}/activities[/{replyTo}]`), records method, path, JSON body,
  Authorization header and answered status of every call, and can answer 429 with
  Retry-After: once on request, or whenever a tenant's token bucket is empty. It can also
  hold its answers (the message is taken, the sender has not heard back yet).
- `KeyServer`: OpenID metadata (`/openid`) and a JWK set (`/keys`) on a free port, in a thread,
  because the Bot Framework SDK fetches them with blocking `requests` calls.
- `SigningKey`: an RSA key that mints RS256 tokens, as the Bot Framework channel or Entra ID do.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import math
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
from aiohttp import web
from botframework.connector.auth import (
    BotFrameworkAuthentication,
    BotFrameworkAuthenticationFactory,
    PasswordServiceClientCredentialFactory,
)
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from msrest.authentication import Authentication, BasicTokenAuthentication

from bot.users import UserRef

APP_ID = "5a1d0c3e-7b2f-4e8a-9c61-0d4f2b7e8a90"
TENANT = "3e8a7c1d-2b4f-4a6e-9d0c-5f7b8e9a1c2d"
OTHER_TENANT = "9b0c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4"
DANA = UserRef("teams", TENANT, "6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7")
BOT_ID = f"28:{APP_ID}"
CHANNEL_ISSUER = "https://api.botframework.com"
PUBLIC_URL = "https://preptalk.example.com"
OUTBOUND_TOKEN = "outbound-token-for-tests"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "teams"
_ACTIVITY_NUMBERS = itertools.count(1)


def activity(name: str, service_url: str, **changes: Any) -> dict[str, Any]:
    """A captured activity from tests/fixtures/teams, sent to our stand-in connector.

    Like Teams, every activity built here gets its own id (the fixture's id plus a suffix),
    so two activities are never mistaken for a re-delivery of one.
    """
    document: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    document["serviceUrl"] = service_url
    if document.get("id"):
        document["id"] = f"{document['id']}-{next(_ACTIVITY_NUMBERS)}"
    document.update(copy.deepcopy(changes))
    return document


# ---- the Bot Connector ------------------------------------------------------------------


@dataclass
class ConnectorCall:
    method: str
    path: str
    body: dict[str, Any]
    authorization: str | None
    status: int = 200
    at: float = field(default_factory=time.monotonic)  # arrival, on the monotonic clock

    @property
    def tenant(self) -> str | None:
        """The tenant the activity is for: its conversation's, else its channel data's."""
        conversation = self.body.get("conversation") or {}
        channel_data = self.body.get("channelData") or {}
        tenant = conversation.get("tenantId") or (channel_data.get("tenant") or {}).get("id")
        return str(tenant) if tenant else None

    @property
    def card(self) -> dict[str, Any]:
        """The Adaptive Card this call carried."""
        [attachment] = self.body["attachments"]
        assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
        return dict(attachment["content"])


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass
class BotConnector:
    url: str = ""
    calls: list[ConnectorCall] = field(default_factory=list)
    refusals: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    tenant_rate: float | None = None
    tenant_burst: float = 1.0
    buckets: dict[str, _Bucket] = field(default_factory=dict)
    answer_first: int | None = None  # POSTs answered at once; later ones wait for `released`
    released: asyncio.Event = field(default_factory=asyncio.Event)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    def refuse_next(self, status: int, retry_after: str | None = None) -> None:
        """Answer the next call with `status` (e.g. 429 and a Retry-After) instead of 200."""
        self.refusals.append((status, {"Retry-After": retry_after} if retry_after else {}))

    def limit_per_tenant(self, messages_per_second: float | None, burst: int = 1) -> None:
        """Teams' per-tenant limit on POSTs: a token bucket per tenant; a call finding it empty
        gets 429 with the whole seconds until the next token as Retry-After and is not
        delivered (None turns it off)."""
        self.tenant_rate, self.tenant_burst = messages_per_second, float(burst)
        self.buckets.clear()

    def hold_after(self, answered: int) -> asyncio.Event:
        """Answer the first `answered` POSTs; take later ones (they count as delivered) but
        keep their answers until the returned event is set: for killing a sender after Teams
        acted but before the sender heard back."""
        self.answer_first = answered
        return self.released

    async def wait_for_posts(self, count: int, timeout: float = 60.0) -> None:  # noqa: ASYNC109
        """Wait until `count` POSTs have come in (answered or held)."""
        async with self.changed, asyncio.timeout(timeout):
            await self.changed.wait_for(lambda: len(self.posts) >= count)

    @property
    def posts(self) -> list[ConnectorCall]:
        return [call for call in self.calls if call.method == "POST"]

    async def _answer(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else {}
        call = ConnectorCall(
            request.method, request.path, body, request.headers.get("Authorization")
        )
        status, headers = self.refusals.pop(0) if self.refusals else self._tenant_wait(call)
        call.status = status
        self.calls.append(call)
        async with self.changed:
            self.changed.notify_all()
        if self.answer_first is not None and len(self.posts) > self.answer_first:
            await self.released.wait()
        if status != 200:
            error = {"error": {"code": "Throttled" if status == 429 else "Forbidden"}}
            return web.json_response(error, status=status, headers=headers)
        return web.json_response({"id": f"reply-{len(self.calls)}"})

    def _tenant_wait(self, call: ConnectorCall) -> tuple[int, dict[str, str]]:
        rate = self.tenant_rate
        if rate is None or call.method != "POST":
            return 200, {}
        now = time.monotonic()
        bucket = self.buckets.setdefault(call.tenant or "", _Bucket(self.tenant_burst, now))
        bucket.tokens = min(self.tenant_burst, bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 200, {}
        wait = max(1, math.ceil((1.0 - bucket.tokens) / rate))
        return 429, {"Retry-After": str(wait)}

    @property
    def cards(self) -> list[dict[str, Any]]:
        """Every card POSTed, refused ones included."""
        return [call.card for call in self.posts]


@asynccontextmanager
async def bot_connector() -> AsyncIterator[BotConnector]:
    connector = BotConnector()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", connector._answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    connector.url = f"http://127.0.0.1:{runner.addresses[0][1]}/"
    try:
        yield connector
    finally:
        await runner.cleanup()


def reference_to(user: UserRef, service_url: str) -> dict[str, object]:
    """What the Teams channel stores from a user's first message in their personal chat."""
    return {
        "user": {"id": f"29:{user.user}", "aadObjectId": user.user},
        "bot": {"id": BOT_ID, "name": "prep-talk"},
        "conversation": {"conversationType": "personal", "tenantId": user.tenant,
                         "id": f"a:chat-{user.user}"},
        "channelId": "msteams",
        "serviceUrl": service_url,
    }  # fmt: skip


# ---- keys and tokens ----------------------------------------------------------------------


class SigningKey:
    """An RSA key pair with a key id, published (or not) by a KeyServer."""

    def __init__(self, kid: str) -> None:
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwk(self) -> dict[str, Any]:
        public: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        return public | {"kid": self.kid, "use": "sig", "endorsements": ["msteams"]}

    def token(self, claims: dict[str, Any], algorithm: str = "RS256") -> str:
        return jwt.encode(claims, self.private, algorithm=algorithm, headers={"kid": self.kid})


def channel_claims(service_url: str, audience: str = APP_ID, **extra: Any) -> dict[str, Any]:
    """What the Bot Framework channel puts in the token it sends with every activity."""
    now = int(time.time())
    claims = {
        "iss": CHANNEL_ISSUER,
        "aud": audience,
        "serviceurl": service_url,
        "nbf": now - 60,
        "iat": now - 60,
        "exp": now + 3600,
    }
    return claims | extra


@dataclass
class KeyServer:
    keys: list[SigningKey]
    url: str = ""

    @property
    def openid_url(self) -> str:
        return f"{self.url}/openid"

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/keys"


@contextmanager
def key_server(*keys: SigningKey) -> Iterator[KeyServer]:
    """Serve OpenID metadata and the JWK set of `keys` on a free loopback port."""
    served = KeyServer(list(keys))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/openid":
                document: dict[str, Any] = {"jwks_uri": served.jwks_url}
            else:
                document = {"keys": [key.jwk() for key in served.keys]}
            body = json.dumps(document).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# ---- the SDK's own authentication, pointed at the local keys ---------------------------------


class OutboundCredentials(PasswordServiceClientCredentialFactory):  # type: ignore[misc]
    """The app's real credential checks, except that getting an outbound token from Entra ID
    (a network call) is replaced by a fixed token the stand-in connector can recognise."""

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> Authentication:
        if not await self.is_valid_app_id(app_id):
            raise PermissionError("Invalid app_id")
        return BasicTokenAuthentication({"access_token": OUTBOUND_TOKEN})


def channel_authentication(servers: KeyServer) -> BotFrameworkAuthentication:
    """The SDK's parameterized authentication: the same JWT validation code as the public
    cloud, with the channel's OpenID metadata served locally instead of by Microsoft."""
    return BotFrameworkAuthenticationFactory.create(
        to_bot_from_channel_open_id_metadata_url=servers.openid_url,
        to_bot_from_channel_token_issuer=CHANNEL_ISSUER,
        to_channel_from_bot_oauth_scope=CHANNEL_ISSUER,
        to_channel_from_bot_login_url="https://login.microsoftonline.com/botframework.com",
        credential_factory=OutboundCredentials(APP_ID, "test-password"),
    )
