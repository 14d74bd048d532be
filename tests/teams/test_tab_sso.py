"""Tab SSO tokens, minted locally and checked against a locally served JWK set: only a valid
token for this app, from its own tenant's issuer, with access_as_user, names a user."""

from __future__ import annotations

import base64
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from bot.channels.teams.tab.sso import InvalidTabToken, TabTokenValidator
from tests.teams.support import APP_ID, DANA, OTHER_TENANT, TENANT, KeyServer, SigningKey

HOST = "preptalk.example.com"


def entra_claims(tenant: str = TENANT, **changes: Any) -> dict[str, Any]:
    """An Entra ID v2.0 access token for our app, as Teams' getAuthToken returns it."""
    now = int(time.time())
    claims = {
        "aud": f"api://{HOST}/{APP_ID}",
        "iss": f"https://login.microsoftonline.com/{tenant}/v2.0",
        "iat": now - 30,
        "nbf": now - 30,
        "exp": now + 3600,
        "tid": tenant,
        "oid": DANA.user,
        "scp": "access_as_user",
        "ver": "2.0",
    }
    return claims | changes


@pytest.fixture
def validator(keys: KeyServer) -> TabTokenValidator:
    return TabTokenValidator(jwks_url=keys.jwks_url, app_id=APP_ID, public_host=HOST)


async def test_a_valid_token_names_the_same_user_as_the_bot(
    validator: TabTokenValidator, entra_key: SigningKey
) -> None:
    assert await validator.user(entra_key.token(entra_claims())) == DANA


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": APP_ID},
        {"iss": f"https://sts.windows.net/{TENANT}/", "ver": "1.0"},
    ],
)
async def test_both_audiences_and_both_issuer_versions_are_accepted(
    validator: TabTokenValidator, entra_key: SigningKey, changes: dict[str, Any]
) -> None:
    assert await validator.user(entra_key.token(entra_claims(**changes))) == DANA


@pytest.mark.parametrize(
    ("reason", "changes"),
    [
        ("expired", {"exp": int(time.time()) - 600, "iat": int(time.time()) - 4000}),
        ("wrong audience", {"aud": "api://elsewhere.example/" + APP_ID}),
        ("another app", {"aud": "11111111-2222-3333-4444-555555555555"}),
        ("wrong issuer", {"iss": "https://evil.example/v2.0"}),
        (
            "issuer of another tenant",
            {"iss": f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0"},
        ),
        ("no access_as_user", {"scp": "User.Read"}),
        ("no oid", {"oid": None}),
        (
            "tid not a tenant id",
            {"tid": "../../admin", "iss": "https://sts.windows.net/../../admin/"},
        ),
    ],
)
async def test_tokens_that_are_not_for_this_app_and_user_are_refused(
    validator: TabTokenValidator, entra_key: SigningKey, reason: str, changes: dict[str, Any]
) -> None:
    claims = {k: v for k, v in entra_claims(**changes).items() if v is not None}
    with pytest.raises(InvalidTabToken):
        await validator.user(entra_key.token(claims))


async def test_a_token_signed_by_an_unpublished_key_is_refused(
    validator: TabTokenValidator,
) -> None:
    with pytest.raises(InvalidTabToken):
        await validator.user(SigningKey("entra-key").token(entra_claims()))  # same kid, other key


async def test_alg_none_is_refused(validator: TabTokenValidator) -> None:
    with pytest.raises(InvalidTabToken):
        await validator.user(jwt.encode(entra_claims(), None, algorithm="none"))


async def test_hs256_with_the_public_key_as_the_secret_is_refused(
    validator: TabTokenValidator, entra_key: SigningKey
) -> None:
    public_pem = entra_key.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": entra_key.kid}
    signing_input = b".".join(_b64(json.dumps(part).encode()) for part in (header, entra_claims()))
    signature = hmac.new(public_pem, signing_input, "sha256").digest()
    forged = (signing_input + b"." + _b64(signature)).decode()
    with pytest.raises(InvalidTabToken):
        await validator.user(forged)


async def test_a_single_tenant_app_refuses_other_tenants(
    keys: KeyServer, entra_key: SigningKey
) -> None:
    validator = TabTokenValidator(
        jwks_url=keys.jwks_url, app_id=APP_ID, public_host=HOST, only_tenant=TENANT
    )
    other = entra_key.token(entra_claims(tenant=OTHER_TENANT))
    with pytest.raises(InvalidTabToken):
        await validator.user(other)
    assert await validator.user(entra_key.token(entra_claims())) == DANA


def _b64(raw: bytes) -> bytes:
    return base64.urlsafe_b64encode(raw).rstrip(b"=")
