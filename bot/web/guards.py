"""Request checks that keep the playground safe to leave running on a laptop.

The playground has no login: anyone who can reach it can use it. These checks make sure
only the person at this machine can: other web sites cannot post to it (Origin), DNS
rebinding cannot reach it through a foreign host name (Host), and oversized or malformed
bodies are turned away with a clear message before they reach the coach.
"""

from __future__ import annotations

import ipaddress
import json
from urllib.parse import urlsplit

from aiohttp import web

from bot.settings import Settings

MAX_BODY_BYTES = 256 * 1024

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class Refused(Exception):
    """A request the playground will not serve; `status` and `message` go to the caller."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def check_host(request: web.Request, settings: Settings) -> None:
    """Refuse foreign Host names when bound to loopback (a DNS-rebinding guard).

    A page on evil.example can make its own name resolve to 127.0.0.1; the browser then
    treats our server as same-origin with it. The Host header still says evil.example.
    """
    if not settings.host_is_loopback:
        return
    host = request.headers.get("Host", "")
    try:
        name = urlsplit(f"//{host}").hostname or ""
    except ValueError:
        name = ""
    if not _is_local_name(name, settings.host):
        raise Refused(403, "This playground only answers to its local address.")


def _is_local_name(name: str, bound_host: str) -> bool:
    if name in {"localhost", bound_host.lower()}:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_origin(request: web.Request) -> None:
    """When the browser says where a request comes from, it must be this very server."""
    origin = request.headers.get("Origin")
    if origin is None:
        return
    parts = urlsplit(origin)
    host = request.headers.get("Host", "")
    if parts.scheme not in {"http", "https"} or parts.netloc.lower() != host.lower():
        raise Refused(403, "Cross-origin requests are not allowed.")


async def read_json(request: web.Request) -> object:
    """Read a JSON body of at most MAX_BODY_BYTES, or refuse with 415, 413 or 400."""
    if request.content_type != "application/json":
        raise Refused(415, "Send the body as application/json.")
    too_large = Refused(413, f"The body is larger than {MAX_BODY_BYTES // 1024} KB.")
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise too_large
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise too_large from None
    if len(raw) > MAX_BODY_BYTES:
        raise too_large
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise Refused(400, f"The body is not valid JSON: {error.msg}.") from None
    except (ValueError, RecursionError):
        raise Refused(400, "The body is not valid UTF-8 JSON.") from None
