"""A stand-in coach with the shape of `bot.coach.Coach`, for testing the playground alone.

It walks a fixed script (feel, focus, timing, simplify, why, brief) and flags a few terms,
so the playground's HTTP rules and rendering can be tested without a database or the real
engine. The same tests also run against the real `create_app` (see conftest.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import available_timezones

from pydantic import BaseModel

from bot.coach import Answer, NoteView, PrepDetail
from bot.engine.findings import (
    CrunchPeriodFinding,
    FearFinding,
    Finding,
    HolidayFinding,
    QuietWindowFinding,
    ReadabilityFinding,
    TermFinding,
)
from bot.engine.messages import Choice, Command, Expects, Inbound, Reply, Step
from bot.outcome_views import OutcomeView
from bot.playbook.library import PlaybookLibrary
from bot.playbook.schema import Glossary, GlossaryEntry, GlossaryKind, Move, Objection, Playbook
from bot.storage.prep_store import PersonSettings
from bot.users import UserRef

PLAIN = {
    "MFA": ("acronym", "a second check when you sign in"),
    "phishing": ("jargon", "fake emails that try to trick you"),
}
FAKE_BRIEF = (
    "# Prep brief: Sales\n\n**Goal (one outcome):** one goal\n\n"
    "## Data\n- [ ] training scores\n\n> my opening\n\n---\nRemember: listen first."
)
NEXT = Choice(value="next", label="Looks good, continue")
PAUSE = Choice(value="pause", label="Pause and remind me")


def make_playbook(slug: str, name: str, role: str, team: str) -> Playbook:
    """A valid playbook with filler text, enough for the playground's stakeholder list."""
    filler = [f"{team} point {n}" for n in range(1, 5)]
    return Playbook(
        id=slug,
        name=name,
        role=role,
        team=team,
        summary=f"How to win {role} over.",
        priorities=filler[:3],
        priority_terms=["revenue", "quota", "customers", "deals", "travel"],
        likely_concerns=filler[:3],
        listening_questions=filler,
        data_to_gather=filler[:3],
        framing_advice=filler[:3],
        example_opening=f"Thanks for the time, {role}.",
        why_examples=filler[:2],
        objections=[
            Objection(
                objection=f"{team} push-back {n}",
                reply=f"A good reply {n}.",
                moves=[Move.ACKNOWLEDGE, Move.ASK_BACK],
                about=["training", "time"],
            )
            for n in range(1, 6)
        ],
    )


class FakePrepSummary(BaseModel):
    id: int
    stakeholder: str
    status: str
    created_at: datetime
    planned_date: date | None = None


@dataclass
class FakePrep:
    id: int
    stakeholder: str
    step: Step = Step.FEEL
    status: str = "open"
    reviewed: bool = False
    brief: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime(2026, 1, 5, 9, 0, tzinfo=UTC))


def fake_library(playbooks: list[Playbook]) -> PlaybookLibrary:
    entry = GlossaryEntry(term="phishing", kind=GlossaryKind.JARGON, plain=PLAIN["phishing"][1])
    return PlaybookLibrary(
        playbooks={book.id: book for book in playbooks},
        aliases={},
        glossary=Glossary(entries=[entry]),
    )


class FakeCoach:
    """Scripted coach: records every inbound, keeps preps per user in memory."""

    def __init__(self) -> None:
        self.playbooks = fake_library(
            [
                make_playbook("sales", "Sales", "the VP of Sales", "the sales team"),
                make_playbook("cfo", "Finance", "the CFO", "the finance team"),
            ]
        )
        self.inbounds: list[tuple[UserRef, Inbound]] = []
        self._preps: dict[UserRef, list[FakePrep]] = {}
        self._active: dict[UserRef, FakePrep] = {}
        self._settings: dict[UserRef, PersonSettings] = {}

    async def answer(self, user: UserRef, inbound: Inbound) -> Answer:
        replies = await self.handle(user, inbound)
        prep = self._active.get(user) or self._latest(user)
        return Answer(prep.id if prep else None, replies)

    async def current(self, user: UserRef) -> Answer | None:
        prep = self._active.get(user)
        if prep is None:
            return None
        return Answer(prep.id, [Reply(step=prep.step, text="Where were we?", expects=Expects.TEXT)])

    async def prep(self, user: UserRef, conversation_id: int) -> PrepDetail | None:
        prep = next((p for p in self._preps.get(user, []) if p.id == conversation_id), None)
        if prep is None:
            return None
        notes = [NoteView(step="brief", text=prep.brief, updated_at=prep.created_at)]
        return PrepDetail(
            id=prep.id,
            stakeholder=prep.stakeholder,
            status=prep.status,
            goal=None,
            planned_date=None,
            created_at=prep.created_at,
            updated_at=prep.created_at,
            notes=notes if prep.brief else [],
        )

    async def settings_of(self, user: UserRef) -> PersonSettings:
        return self._settings.get(user, PersonSettings(1, None, "UTC", False))

    async def save_settings(
        self, user: UserRef, *, mission: str, fiscal_year_start_month: int, time_zone: str
    ) -> PersonSettings:
        if not 1 <= fiscal_year_start_month <= 12:
            raise ValueError("the fiscal year starts in a month from 1 to 12")
        if time_zone not in available_timezones():
            raise ValueError(f"unknown time zone {time_zone!r}; use a name like Europe/Paris")
        saved = PersonSettings(fiscal_year_start_month, mission.strip() or None, time_zone, False)
        self._settings[user] = saved
        return saved

    def _latest(self, user: UserRef) -> FakePrep | None:
        preps = self._preps.get(user, [])
        return preps[-1] if preps else None

    async def preps(self, user: UserRef) -> list[FakePrepSummary]:
        return [
            FakePrepSummary(
                id=p.id, stakeholder=p.stakeholder, status=p.status, created_at=p.created_at
            )
            for p in reversed(self._preps.get(user, []))
        ]

    async def outcomes(self, user: UserRef) -> list[OutcomeView]:
        return []

    async def handle(self, user: UserRef, inbound: Inbound) -> list[Reply]:
        self.inbounds.append((user, inbound))
        if inbound.command is Command.START:
            return self._start(user, inbound.argument or "")
        if inbound.command is Command.RESUME:
            return self._resume(user, inbound.argument or "")
        prep = self._active.get(user)
        if prep is None:
            return [Reply(step=Step.INFO, text="Nothing to continue. Start a prep first.")]
        return self._advance(user, prep, inbound)

    def _start(self, user: UserRef, slug: str) -> list[Reply]:
        book = self.playbooks.find(slug)
        if book is None:
            return [Reply(step=Step.INFO, text=f"I have no playbook called {slug!r}.")]
        preps = self._preps.setdefault(user, [])
        prep = FakePrep(id=sum(len(p) for p in self._preps.values()) + 1, stakeholder=book.name)
        preps.append(prep)
        self._active[user] = prep
        return [
            Reply(step=Step.FEEL, text=f"Let's prepare your talk with {book.role}."),
            Reply(
                step=Step.FEEL,
                text="Listen first.\n\nWhy might they skip the training?\n- time\n- travel",
                expects=Expects.TEXT,
            ),
        ]

    def _resume(self, user: UserRef, prep_id: str) -> list[Reply]:
        prep = next((p for p in self._preps.get(user, []) if str(p.id) == prep_id), None)
        if prep is None:
            return [Reply(step=Step.INFO, text="That prep is not yours or does not exist.")]
        prep.status = "open"
        self._active[user] = prep
        return [Reply(step=prep.step, text="Welcome back. Where were we?", expects=Expects.TEXT)]

    def _advance(self, user: UserRef, prep: FakePrep, inbound: Inbound) -> list[Reply]:
        if prep.step is Step.FEEL and inbound.text:
            prep.step = Step.FOCUS
            return [
                Reply(step=Step.FEEL, text=f"Noted your hypothesis: {inbound.text}"),
                Reply(step=Step.FOCUS, text="What one outcome do you want?", expects=Expects.TEXT),
            ]
        if prep.step is Step.FOCUS and inbound.text:
            prep.step = Step.TIMING
            return [_timing_reply()]
        if prep.step is Step.TIMING and inbound.choice == "pause":
            prep.status = "paused"
            del self._active[user]
            return [Reply(step=Step.TIMING, text="Paused. I will remind you.")]
        if prep.step is Step.TIMING and inbound.choice == "next":
            prep.step = Step.SIMPLIFY
            return [Reply(step=Step.SIMPLIFY, text="Write your opening.", expects=Expects.TEXT)]
        if prep.step is Step.SIMPLIFY and inbound.text:
            return [_simplify_review(inbound.text)]
        if prep.step is Step.SIMPLIFY and inbound.choice == "next":
            prep.step = Step.WHY
            return [Reply(step=Step.WHY, text="Why does it matter to them?", expects=Expects.TEXT)]
        if prep.step is Step.WHY and inbound.text:
            prep.step = Step.BRIEF
            prep.status = "briefed"
            prep.brief = FAKE_BRIEF
            del self._active[user]
            return [Reply(step=Step.BRIEF, text=FAKE_BRIEF)]
        return [Reply(step=prep.step, text="Please answer the question above.")]


def _timing_reply() -> Reply:
    return Reply(
        step=Step.TIMING,
        text="Pick a quiet time.",
        expects=Expects.CHOICE,
        choices=(NEXT, PAUSE),
        findings=(
            CrunchPeriodFinding(
                term="Quarter close",
                message="Tue 24 Mar 2026 falls in Quarter close: deals first.",
                suggestion="Pick a day before 10 Mar or after 31 Mar.",
                start=date(2026, 3, 10),
                end=date(2026, 3, 31),
            ),
            QuietWindowFinding(
                message="Quiet window: Tue 7 Apr 2026 – Fri 24 Apr 2026",
                start=date(2026, 4, 7),
                end=date(2026, 4, 24),
            ),
            HolidayFinding(
                message="Fri 3 Apr 2026 is Good Friday (DE).",
                term="Good Friday",
                date=date(2026, 4, 3),
                region="DE",
            ),
        ),
    )


def _simplify_review(draft: str) -> Reply:
    findings: list[Finding] = [
        TermFinding(kind=kind, term=match.group(0), suggestion=plain)
        for term, (kind, plain) in PLAIN.items()
        for match in re.finditer(rf"\b{re.escape(term)}\b", draft, flags=re.IGNORECASE)
    ]
    findings.append(
        ReadabilityFinding(
            message="Reading grade 11.2 is above 9.",
            suggestion="Use shorter sentences and everyday words.",
            grade=11.2,
            target=9,
        )
    )
    if "%" in draft:
        findings.append(
            FearFinding(message="Fear first.", suggestion="Lead with value.", quote=draft[:160])
        )
    return Reply(
        step=Step.SIMPLIFY,
        text="Here is what I noticed.",
        expects=Expects.CHOICE,
        choices=(NEXT,),
        findings=tuple(findings),
    )
