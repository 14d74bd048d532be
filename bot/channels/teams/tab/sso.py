"""Teams SSO for the tab: the bearer token from `authentication.getAuthToken`, checked here.

The token is an Entra ID access token for our app. It is trusted only when its RS256-family
signature verifies against the published keys (`PREPTALK_TAB_JWKS_URL`), its issuer is the
Entra issuer of the very tenant it names (`tid`), its audience is our app (the app id or
`api://<public host>/<app id>`), it has not expired, and it grants `access_as_user`. Then `tid`
and `oid` name the user: `teams:<tid>:<oid>`, the same ref the bot uses.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

import jwt

from bot.users import BadUserRef, UserRef

ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512")
SCOPE = "access_as_user"
REQUIRED_CLAIMS = ["exp", "iat", "aud", "iss", "tid", "oid"]
LEEWAY_SECONDS = 60
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class InvalidTabToken(Exception):
    """The bearer token is missing, malformed, or not for us; the reason is for logs only."""


def issuers_for(tenant: str) -> tuple[str, str]:
    """Entra ID's v2.0 and v1.0 issuers of one tenant."""
    return (
        f"https://login.microsoftonline.com/{tenant}/v2.0",
        f"https://sts.windows.net/{tenant}/",
    )


@dataclass
class TabTokenValidator:
    """Checks tab SSO tokens for one app; the signing keys are fetched and cached lazily."""

    jwks_url: str
    app_id: str
    public_host: str | None = None
    only_tenant: str | None = None  # a single-tenant app accepts its own tenant only
    _keys: jwt.PyJWKClient = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._keys = jwt.PyJWKClient(self.jwks_url, cache_keys=True, lifespan=3600, timeout=10)

    @property
    def audiences(self) -> list[str]:
        found = [self.app_id]
        if self.public_host:
            found.append(f"api://{self.public_host}/{self.app_id}")
        return found

    async def user(self, token: str) -> UserRef:
        """The signed-in user, or InvalidTabToken. Key fetching runs off the event loop."""
        return await asyncio.to_thread(self._validate, token)

    def _validate(self, token: str) -> UserRef:
        tenant = self._precheck(token)
        try:
            key = self._keys.get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=list(ALLOWED_ALGORITHMS),
                audience=self.audiences,
                issuer=issuers_for(tenant),
                leeway=LEEWAY_SECONDS,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as error:
            raise InvalidTabToken(type(error).__name__) from None
        if SCOPE not in str(claims.get("scp", "")).split():
            raise InvalidTabToken(f"the token does not grant {SCOPE}")
        try:
            return UserRef.parse(f"teams:{tenant}:{claims['oid']}")
        except BadUserRef:
            raise InvalidTabToken("oid is not a user id") from None

    def _precheck(self, token: str) -> str:
        """Cheap checks before any key is fetched: algorithm, tenant, issuer and audience.

        A token that fails these never makes us call the key endpoint, and `alg: none` or an
        HMAC algorithm (the public key abused as a shared secret) is refused outright.
        """
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise InvalidTabToken(type(error).__name__) from None
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            raise InvalidTabToken(f"algorithm {header.get('alg')!r} is not allowed")
        tenant = unverified.get("tid")
        if not isinstance(tenant, str) or not _GUID.match(tenant):
            raise InvalidTabToken("tid is missing or not a tenant id")
        if self.only_tenant and tenant.lower() != self.only_tenant.lower():
            raise InvalidTabToken("the token is from another tenant")
        if unverified.get("iss") not in issuers_for(tenant):
            raise InvalidTabToken("the issuer is not the token's own tenant")
        audience = unverified.get("aud")
        if audience not in self.audiences:
            raise InvalidTabToken("the audience is not this app")
        return tenant
