"""The web playground at `/`: run a prep turn by turn in a browser.

A thin channel adapter like Slack or Teams: it turns a JSON body into an `Inbound`, asks the
coach, and hands back the neutral replies as JSON; the page's script renders them. Every
coaching rule stays in the engine. After a brief the page can read the prep again, download
it as Markdown and go on to a debrief; a reloaded page asks for the prep in progress; a small
settings panel saves the company mission, fiscal year and time zone. Nothing is built at
import: `add_playground` makes the Jinja environment and routes for one application.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined
from markdown_it import MarkdownIt
from pydantic import BaseModel

from bot.coach import Answer, PrepDetail
from bot.engine.messages import Inbound
from bot.engine.prep_numbers import prep_number
from bot.exports import as_file, prep_markdown
from bot.outcome_views import OutcomeView
from bot.playbook.library import PlaybookLibrary
from bot.settings import Settings
from bot.storage.prep_store import PersonSettings
from bot.users import UserRef
from bot.web import identity
from bot.web.guards import SECURITY_HEADERS, Refused, check_host, check_origin, read_json
from bot.web.replies import DOCUMENT_STEPS, document_parser, document_tree, reply_json
from bot.web.settings_form import parse_settings, time_zones
from bot.web.turns import BadTurn, parse_turn

API_PREFIX = "/playground/api"
STATIC_PREFIX = "/static/playground"
STATIC_ROUTE = "playground-static"
STATIC_DIR = Path(__file__).resolve().parent / "static"

OUR_FAULT = "Something went wrong on our side. Please try again."

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class PlaygroundCoach(Protocol):
    """What the playground needs from `bot.coach.Coach` (kept narrow so tests can stand in)."""

    @property
    def playbooks(self) -> PlaybookLibrary: ...

    async def answer(self, user: UserRef, inbound: Inbound) -> Answer: ...

    async def current(self, user: UserRef) -> Answer | None: ...

    async def preps(self, user: UserRef) -> Sequence[BaseModel]: ...

    async def outcomes(self, user: UserRef) -> Sequence[OutcomeView]: ...

    async def prep(self, user: UserRef, conversation_id: int) -> PrepDetail | None: ...

    async def settings_of(self, user: UserRef) -> PersonSettings: ...

    async def save_settings(
        self, user: UserRef, *, mission: str, fiscal_year_start_month: int, time_zone: str
    ) -> PersonSettings: ...


Respond = Callable[[UserRef, Inbound], Awaitable[Answer]]


def add_playground(
    app: web.Application,
    coach: PlaygroundCoach,
    settings: Settings,
    respond: Respond | None = None,
) -> None:
    """Mount the playground page, its JSON API and its static files on `app`. `respond`
    answers a turn (the server passes the routing rule every channel shares); by default the
    coach's own dialog."""
    templates = Environment(
        loader=PackageLoader("bot.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
    )
    playground = Playground(coach, settings, templates, document_parser(), respond or coach.answer)
    app.router.add_get("/", playground.page, name="playground")
    app.router.add_post(f"{API_PREFIX}/turn", _api(playground.turn))
    app.router.add_get(f"{API_PREFIX}/current", _api(playground.current))
    app.router.add_get(f"{API_PREFIX}/preps", _api(playground.preps))
    app.router.add_get(f"{API_PREFIX}/preps/{{prep}}", _api(playground.prep))
    app.router.add_get(f"{API_PREFIX}/preps/{{prep}}/export", _api(playground.export))
    app.router.add_get(f"{API_PREFIX}/settings", _api(playground.settings_panel))
    app.router.add_post(f"{API_PREFIX}/settings", _api(playground.save_settings))
    app.router.add_get(f"{API_PREFIX}/stakeholders", _api(playground.stakeholders))
    app.router.add_static(STATIC_PREFIX, STATIC_DIR, name=STATIC_ROUTE, append_version=True)
    app.on_response_prepare.append(_secure_headers)


@dataclass(frozen=True)
class Playground:
    """The request handlers, bound to one coach and one set of settings."""

    coach: PlaygroundCoach
    settings: Settings
    templates: Environment
    markdown: MarkdownIt
    respond: Respond

    async def page(self, request: web.Request) -> web.Response:
        """The playground page; the first visit also gets its visitor cookie."""
        try:
            check_host(request, self.settings)
        except Refused as refusal:
            return web.Response(status=refusal.status, text=refusal.message)
        user = identity.visitor(request)
        html = self.templates.get_template("playground.html").render(
            stakeholders=self.coach.playbooks.all(),
            css_url=_static_url(request, "playground.css"),
            render_js_url=_static_url(request, "render.js"),
            js_url=_static_url(request, "playground.js"),
            icon_url=_static_url(request, "icon.svg"),
            api_prefix=API_PREFIX,
            time_zones=time_zones(),
        )
        response = web.Response(text=html, content_type="text/html", charset="utf-8")
        response.headers["Cache-Control"] = "no-store"
        if user is None:
            identity.remember(response, identity.new_visitor())
        return response

    async def turn(self, request: web.Request) -> web.Response:
        """Run one turn for the visitor and return the coach's replies."""
        user = self._guard(request)
        try:
            inbound = parse_turn(await read_json(request))
        except BadTurn as error:
            raise Refused(400, str(error)) from None
        try:
            answer = await self.respond(user, inbound)
        except Exception:
            log.exception(
                "playground turn failed for %s (%s)", _log_name(user), _turn_kind(inbound)
            )
            return _json({"error": OUR_FAULT}, status=500)
        return self._answer_json(answer)

    async def current(self, request: web.Request) -> web.Response:
        """The visitor's prep in progress and its open question, for a reloaded page."""
        user = self._guard(request)
        try:
            answer = await self.coach.current(user)
        except Exception:
            log.exception("reading the current prep failed for %s", _log_name(user))
            return _json({"error": OUR_FAULT}, status=500)
        return self._answer_json(answer or Answer(None, []))

    async def preps(self, request: web.Request) -> web.Response:
        """The visitor's own preps, newest as the coach orders them, each with its measured
        outcome when the debrief gave one, for the sidebar."""
        user = self._guard(request)
        try:
            preps = await self.coach.preps(user)
            outcomes = {view.prep_id: view for view in await self.coach.outcomes(user)}
        except Exception:
            log.exception("listing playground preps failed for %s", _log_name(user))
            return _json({"error": OUR_FAULT}, status=500)
        listed = []
        for prep in preps:
            entry = prep.model_dump(mode="json")
            view = outcomes.get(entry["id"])
            if view is not None:  # the measured outcome: its progress and what happens next
                entry["outcome"] = {"progress": view.progress, "standing": view.standing}
            listed.append(entry)
        return _json({"preps": listed})

    async def stakeholders(self, request: web.Request) -> web.Response:
        """The stakeholders a prep can be started for."""
        self._guard(request)
        return _json(
            {
                "stakeholders": [
                    {"id": book.id, "name": book.name, "role": book.role, "summary": book.summary}
                    for book in self.coach.playbooks.all()
                ]
            }
        )

    async def prep(self, request: web.Request) -> web.Response:
        """One of the visitor's preps with its brief and debrief documents, to read again."""
        user = self._guard(request)
        detail = await self._detail(user, request)
        documents = [
            {"step": note.step, "document": document_tree(note.text, self.markdown)}
            for note in detail.notes
            if note.step in DOCUMENT_STEPS
        ]
        return _json(
            {"prep": detail.model_dump(mode="json", exclude={"notes"}), "documents": documents}
        )

    async def export(self, request: web.Request) -> web.Response:
        """One of the visitor's preps as a Markdown file to download."""
        user = self._guard(request)
        detail = await self._detail(user, request)
        response = web.Response(
            text=as_file(prep_markdown(detail, self.coach.playbooks)),
            content_type="text/markdown",
            charset="utf-8",
        )
        name = f"prep-{detail.id}-{_file_token(detail.stakeholder)}.md"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        response.headers["Cache-Control"] = "no-store"
        return response

    async def settings_panel(self, request: web.Request) -> web.Response:
        """The mission, fiscal-year start and time zone the settings panel shows."""
        user = self._guard(request)
        return _json(_settings_json(await self.coach.settings_of(user)))

    async def save_settings(self, request: web.Request) -> web.Response:
        """Save the settings panel; a bad value is a 400 naming it, and nothing changes."""
        user = self._guard(request)
        try:
            form = parse_settings(await read_json(request))
            saved = await self.coach.save_settings(
                user,
                mission=form.mission,
                fiscal_year_start_month=form.fiscal_year_start_month,
                time_zone=form.time_zone,
            )
        except ValueError as error:  # BadSettings, or a value the coach service refused
            raise Refused(400, _sentence(str(error))) from None
        return _json(_settings_json(saved))

    def _answer_json(self, answer: Answer) -> web.Response:
        replies = [reply_json(reply, self.markdown) for reply in answer.replies]
        return _json({"prep_id": answer.prep_id, "replies": replies})

    async def _detail(self, user: UserRef, request: web.Request) -> PrepDetail:
        number = prep_number(request.match_info["prep"])
        detail = await self.coach.prep(user, number) if number is not None else None
        if detail is None:
            raise Refused(404, "I found no such prep of yours.")
        return detail

    def _guard(self, request: web.Request) -> UserRef:
        """Host and Origin checks, then the visitor's cookie (401 without one)."""
        check_host(request, self.settings)
        check_origin(request)
        user = identity.visitor(request)
        if user is None:
            raise Refused(401, "No playground session: open the playground page first.")
        return user


def _api(handler: Handler) -> Handler:
    """Turn a refusal into a JSON error body with its status."""

    async def answer(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except Refused as refusal:
            return _json({"error": refusal.message}, status=refusal.status)

    return answer


def _json(document: dict[str, Any], status: int = 200) -> web.Response:
    response = web.json_response(document, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _static_url(request: web.Request, filename: str) -> str:
    return str(request.app.router[STATIC_ROUTE].url_for(filename=filename))


def _settings_json(settings: PersonSettings) -> dict[str, Any]:
    return {
        "mission": settings.mission or "",
        "fiscal_year_start_month": settings.fiscal_year_start_month,
        "time_zone": settings.time_zone,
    }


def _sentence(message: str) -> str:
    """A service's error ("unknown time zone …") as a sentence for the page."""
    message = message.strip()
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def _file_token(name: str) -> str:
    """A stakeholder id made safe inside a download's file name."""
    return "".join(ch for ch in name.lower() if ch.isascii() and (ch.isalnum() or ch in "-_"))


def _log_name(user: UserRef) -> str:
    """The visitor id is their only credential: logs get a recognisable prefix, not all of it."""
    return f"{user.platform}:{user.tenant}:{user.user[:6]}…"


def _turn_kind(inbound: Inbound) -> str:
    """What kind of turn failed, for the log; never the user's words."""
    if inbound.command is not None:
        return f"command {inbound.command.value}"
    return "choice" if inbound.choice is not None or inbound.picks else "text"


async def _secure_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Security headers on every playground response, the static files included."""
    path = request.path
    if path == "/" or path.startswith((API_PREFIX, STATIC_PREFIX)):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
