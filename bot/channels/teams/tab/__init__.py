"""The channel tab: a stakeholder's playbook and quarter timeline, and the user's own preps.

- `GET /tab/config`: the configuration page, where a channel picks a stakeholder playbook.
- `GET /tab?stakeholder=sales&tenant=<tid>`: public playbook content and the SVG timeline,
  rendered on the server; the page's script then asks Teams for an SSO token.
- `GET /tab/api/preps` with `Authorization: Bearer <token>`: the signed-in user's own preps
  and notes, and the measured outcomes of their debriefs, or 401. Nothing private is ever in
  the HTML itself.

The Teams JS SDK is vendored under `static/` (no CDN at run time); the pages load only
same-origin scripts and may be framed by Microsoft 365 hosts only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined
from sqlalchemy import select

from bot.channels.teams.tab.sso import InvalidTabToken, TabTokenValidator
from bot.channels.teams.tab.timeline import quarter_timeline
from bot.channels.teams.tenancy import home_tenant
from bot.coach import Coach
from bot.runtime import Services
from bot.storage.models import Tenant
from bot.users import BadUserRef, UserRef

log = logging.getLogger(__name__)

TAB_PREFIX = "/tab"
STATIC_PREFIX = "/tab/static"
STATIC_ROUTE = "teams-tab-static"
STATIC_DIR = Path(__file__).resolve().parent / "static"
TEAMS_SDK = "MicrosoftTeams.min.js"
PREPS_SHOWN = 10
# Microsoft's documented frame-ancestors for Teams, Outlook and Microsoft 365 hosts.
FRAME_ANCESTORS = (
    "'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft "
    "https://*.microsoft365.com https://*.office.com https://outlook.office.com "
    "https://outlook.office365.com https://outlook-sdf.office.com https://outlook-sdf.office365.com"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        # The SDK refreshes its list of valid host origins from Microsoft's CDN.
        "connect-src 'self' https://res.cdn.office.net; object-src 'none'; base-uri 'none'; "
        f"form-action 'self'; frame-ancestors {FRAME_ANCESTORS}"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def add_tab(app: web.Application, services: Services) -> None:
    """Mount the tab pages, its API and static files; nothing is built at import."""
    settings = services.settings
    validator = None
    if settings.microsoft_app_id:
        validator = TabTokenValidator(
            jwks_url=str(settings.tab_jwks_url),
            app_id=settings.microsoft_app_id,
            public_host=settings.public_url.host if settings.public_url else None,
            only_tenant=home_tenant(settings),
        )
    templates = Environment(
        loader=PackageLoader("bot.channels.teams.tab", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
    )
    tab = ChannelTab(services, templates, validator)
    app.router.add_get(TAB_PREFIX, tab.page)
    app.router.add_get(f"{TAB_PREFIX}/config", tab.config)
    app.router.add_get(f"{TAB_PREFIX}/api/preps", tab.preps)
    app.router.add_static(STATIC_PREFIX, STATIC_DIR, name=STATIC_ROUTE, append_version=True)
    app.on_response_prepare.append(_secure_headers)


@dataclass(frozen=True)
class ChannelTab:
    services: Services
    templates: Environment
    validator: TabTokenValidator | None

    @property
    def coach(self) -> Coach:
        return self.services.coach

    async def config(self, request: web.Request) -> web.Response:
        """Pick the stakeholder whose playbook this channel's tab shows."""
        context = {"playbooks": self.coach.playbooks.all()}
        return self._html("config.html", self._scripts(request, "config.js") | context)

    async def page(self, request: web.Request) -> web.Response:
        """The playbook and the timeline; the user's preps are fetched by the page's script."""
        book = self.coach.playbooks.find(request.query.get("stakeholder", ""))
        if book is None:
            return self._html("missing.html", self._scripts(request, "tab.js"), status=404)
        tenant = _tenant_param(request.query.get("tenant", ""))
        start_month = await self._fiscal_year_start(tenant)
        timeline = quarter_timeline(book, start_month, self.coach.clock().date())
        context = {
            "book": book,
            "timeline": timeline,
            "signed_in_possible": self.validator is not None,
        }
        return self._html("tab.html", self._scripts(request, "tab.js") | context)

    async def preps(self, request: web.Request) -> web.Response:
        """The signed-in user's own preps with their notes, and their measured outcomes; 401
        without a valid SSO token."""
        user = await self._signed_in(request)
        if user is None:
            response = _json({"error": "Sign in to Teams to see your preps."}, 401)
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response
        stakeholder = request.query.get("stakeholder", "")
        summaries = [
            prep
            for prep in await self.coach.preps(user, limit=50)
            if not stakeholder or prep.stakeholder == stakeholder
        ][:PREPS_SHOWN]
        details = [await self.coach.prep(user, prep.id) for prep in summaries]
        outcomes = [
            view.model_dump(mode="json")
            for view in await self.coach.outcomes(user)
            if not stakeholder or view.stakeholder == stakeholder
        ][:PREPS_SHOWN]
        preps = [d.model_dump(mode="json") for d in details if d is not None]
        return _json({"preps": preps, "outcomes": outcomes})

    async def _signed_in(self, request: web.Request) -> UserRef | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if self.validator is None or scheme.lower() != "bearer" or not token.strip():
            return None
        try:
            return await self.validator.user(token.strip())
        except InvalidTabToken as refusal:
            log.info("tab SSO token refused: %s", refusal)
            return None

    async def _fiscal_year_start(self, tenant: str | None) -> int:
        """The tenant's fiscal-year start month (`prep-talk tenant set teams:<tid>`), else 1."""
        if tenant is None:
            return 1
        query = select(Tenant.fiscal_year_start_month).where(
            Tenant.platform == "teams", Tenant.tenant_id == tenant
        )
        async with self.services.sessions() as session:
            month = await session.scalar(query)
        return month or 1

    def _scripts(self, request: web.Request, page_script: str) -> dict[str, Any]:
        return {
            "sdk_url": _static_url(request, TEAMS_SDK),
            "script_url": _static_url(request, page_script),
            "css_url": _static_url(request, "tab.css"),
        }

    def _html(self, template: str, context: dict[str, Any], status: int = 200) -> web.Response:
        html = self.templates.get_template(template).render(context)
        response = web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
        response.headers["Cache-Control"] = "no-store"
        return response


def _tenant_param(value: str) -> str | None:
    try:
        return UserRef.parse(f"teams:{value}:tab").tenant if value else None
    except BadUserRef:
        return None


def _static_url(request: web.Request, filename: str) -> str:
    return str(request.app.router[STATIC_ROUTE].url_for(filename=filename))


def _json(document: dict[str, Any], status: int = 200) -> web.Response:
    response = web.json_response(document, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


async def _secure_headers(request: web.Request, response: web.StreamResponse) -> None:
    if request.path == TAB_PREFIX or request.path.startswith(f"{TAB_PREFIX}/"):
        for name, value in SECURITY_HEADERS.items():
            response.headers[name] = value
