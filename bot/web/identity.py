"""Who is using the playground: a random id in a cookie, nothing more.

The playground has no accounts. The first visit to the page gets an unguessable id in an
HttpOnly, SameSite=Strict cookie; it names the visitor as `local:playground:<id>`, so each
browser sees only its own preps and other sites cannot ride on the cookie.
"""

from __future__ import annotations

import re
import secrets

from aiohttp import web

from bot.users import UserRef

COOKIE_NAME = "preptalk_playground"
COOKIE_MAX_AGE = 180 * 24 * 3600  # half a year, so a visitor finds their preps again
_VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


def visitor(request: web.Request) -> UserRef | None:
    """The visitor named by the request's cookie, or None without a well-formed one."""
    visitor_id = request.cookies.get(COOKIE_NAME, "")
    if not _VISITOR_ID.match(visitor_id):
        return None
    return UserRef("local", "playground", visitor_id)


def new_visitor() -> UserRef:
    """A fresh visitor with an id nobody can guess."""
    return UserRef("local", "playground", secrets.token_urlsafe(24))


def remember(response: web.StreamResponse, user: UserRef) -> None:
    """Set the cookie that names `user` on later requests from this browser."""
    response.set_cookie(
        COOKIE_NAME,
        user.user,
        max_age=COOKIE_MAX_AGE,
        path="/",
        httponly=True,
        samesite="Strict",
    )
