"""Slow down: a quiet time in the stakeholder's calendar, and the data to gather first."""

from __future__ import annotations

from datetime import date, timedelta

from bot.engine import calendar
from bot.engine.context import CoachContext
from bot.engine.dates import Action, DateOrder, DateReading, read_date
from bot.engine.findings import (
    CrunchPeriodFinding,
    Finding,
    HolidayFinding,
    QuietWindowFinding,
    WeekendFinding,
)
from bot.engine.messages import Reply, Step
from bot.engine.state import PrepState, Stage
from bot.engine.turn import (
    BACK_CHOICE,
    PAUSE_CHOICE,
    Turn,
    ask_text,
    bullets,
    choice,
    next_choice,
    quoted,
    say,
    stay,
)

SUGGEST = "suggest"
USE_SUGGESTED = "use_suggested"
KEEP = "keep"
# Choices for an ambiguous short date such as 3/4.
ORDER_CHOICES = {DateOrder.DMY: "day_month", DateOrder.MDY: "month_day"}
ORDER_LABELS = {DateOrder.DMY: "day/month", DateOrder.MDY: "month/day"}
# Choices for a weekday that is not the day's ("Tuesday the 10th"): the numbered day, the named.
DAY_CHOICES = ("numbered_day", "named_day")


def day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def span_label(start: date, end: date) -> str:
    return f"{day_label(start)} – {day_label(end)}"


def outside(busy: calendar.BusyPeriod) -> str:
    """A date outside a busy period, in words: "before 20 Nov or after 31 Dec"."""
    return f"before {busy.start.day} {busy.start:%b} or after {busy.end.day} {busy.end:%b}"


class Timing:
    step = Step.TIMING
    title = "Slow down — pick a quiet time"

    def intro(self, state: PrepState, ctx: CoachContext) -> list[Reply]:
        book, today = ctx.playbook, ctx.today
        quarter = calendar.fiscal_quarter(today, ctx.fiscal_year_start_month)
        busy = calendar.busy_periods(
            book, ctx.fiscal_year_start_month, today, today + timedelta(days=120)
        )
        lines = [
            f"Step 3 of 5 · {self.title}",
            "Deadlines make people think less strategically. Talk when they can listen.",
            f"Today is in {quarter.label} ({span_label(quarter.start, quarter.end)}).",
        ]
        findings: list[Finding] = []
        if busy:
            lines.append(f"Busy times for {book.team}:")
            lines += [f"• {p.name}: {span_label(p.start, p.end)} — {p.reason}" for p in busy[:3]]
        quiet = calendar.quiet_windows(book, ctx.fiscal_year_start_month, today)
        if quiet:
            lines.append(f"Next quiet window: {span_label(quiet[0].start, quiet[0].end)}.")
            findings.append(_quiet_finding(quiet[0]))
        return [say(self.step, "\n".join(lines), *findings), self.ask(state, ctx)]

    def ask(self, state: PrepState, ctx: CoachContext) -> Reply:
        if state.stage is Stage.PICK_DATE and len(state.day_choices) == len(DAY_CHOICES):
            options = [
                choice(value, day_label(day))
                for value, day in zip(DAY_CHOICES, state.day_choices, strict=True)
            ]
            return ask_text(self.step, "Which day do you mean?", *options, BACK_CHOICE)
        if state.stage is Stage.PICK_DATE and state.date_choices:
            options = [
                choice(ORDER_CHOICES[order], f"{day_label(day)} ({ORDER_LABELS[order]})")
                for order, day in sorted(state.date_choices.items(), key=lambda item: item[1])
            ]
            return ask_text(self.step, "Which date do you mean?", *options, BACK_CHOICE)
        if state.stage is Stage.CONFIRM_DATE and (state.proposed_date or state.suggested_date):
            options = []
            if state.suggested_date:
                options.append(choice(USE_SUGGESTED, f"Use {day_label(state.suggested_date)}"))
            if state.proposed_date:
                options.append(choice(KEEP, f"Keep {day_label(state.proposed_date)} anyway"))
            return ask_text(
                self.step, "Use the suggested date, keep yours, or type another.", *options
            )
        if state.stage is Stage.GATHER and state.planned_date:
            return ask_text(
                self.step,
                f"Planned: {day_label(state.planned_date)}.\nBefore you talk, gather:\n"
                f"{bullets(ctx.playbook.data_to_gather)}\n"
                "Take the time you need: pause now and come back when you have the data.",
                next_choice("I have what I need — continue"),
                choice("pause", "Pause to gather data"),
                BACK_CHOICE,
            )
        return ask_text(
            self.step,
            "When do you plan to talk? A date like 2027-01-12, or “next Tuesday”, “mid-March”, "
            "“in three weeks”.",
            choice(SUGGEST, "Suggest a date"),
            BACK_CHOICE,
            PAUSE_CHOICE,
        )

    def on_text(self, state: PrepState, text: str, ctx: CoachContext) -> Turn:
        order = state.date_order or ctx.date_order
        reading = read_date(text, ctx.today, order, ctx.fiscal_year_start_month, ctx.regions)
        if reading is None:
            return stay(
                state,
                say(self.step, f"I couldn't read a date in {quoted(text, 60)}."),
                self.ask(state, ctx),
            )
        if reading.clash:
            numbered, named = reading.options
            text = (
                f"{day_label(numbered)} is a {numbered:%A}, and that week's {named:%A} is "
                f"{day_label(named)}."
            )
            new = state.model_copy(
                update={"stage": Stage.PICK_DATE, "day_choices": [numbered, named]}
            )
            return Turn(new, [say(self.step, text), self.ask(new, ctx)])
        if reading.alternatives:
            new = state.model_copy(
                update={"stage": Stage.PICK_DATE, "day_choices": list(reading.options)}
            )
            return Turn(new, [self.ask(new, ctx)])
        if reading.options:
            choices = dict(zip(reading.orders, reading.options, strict=True))
            new = state.model_copy(update={"stage": Stage.PICK_DATE, "date_choices": choices})
            return Turn(new, [self.ask(new, ctx)])
        if reading.month is not None:
            return self._month_only(state, reading.month, ctx)
        return self._vet(state, reading, ctx)

    def _vet(self, state: PrepState, reading: DateReading, ctx: CoachContext) -> Turn:
        """A day that was read: confirm it when past or far away, else check the calendar."""
        day = reading.day
        assert day is not None
        if reading.action is Action.CONFIRM and day < ctx.today:
            return stay(
                state,
                say(self.step, f"{day_label(day)} has already passed. Which day did you mean?"),
                self.ask(state, ctx),
            )
        if reading.action is Action.CONFIRM:
            new = state.model_copy(
                update={"stage": Stage.CONFIRM_DATE, "proposed_date": day, "suggested_date": None}
            )
            text = f"{day_label(day)} is over a year away. Keep it, or type a nearer date."
            return Turn(new, [say(self.step, text), self.ask(new, ctx)])
        return self._consider(state, day, ctx)

    def _month_only(self, state: PrepState, month: int, ctx: CoachContext) -> Turn:
        """A month named alone: offer a good day in the middle of its quiet part."""
        earliest = self._earliest(ctx)
        year = ctx.today.year if month >= ctx.today.month else ctx.today.year + 1
        first = max(date(year, month, 1), earliest)
        last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
        quiet = calendar.quiet_windows(
            ctx.playbook, ctx.fiscal_year_start_month, first, (last - first).days
        )
        longest = max(quiet, key=lambda w: min(w.end, last) - w.start, default=None)
        day = None
        if longest is not None:
            end = min(longest.end, last)
            day = calendar.best_day_near(
                ctx.playbook,
                ctx.fiscal_year_start_month,
                longest.start + (end - longest.start) / 2,
                longest.start,
            )
        new = state.model_copy(
            update={
                "stage": Stage.CONFIRM_DATE,
                "proposed_date": None,
                "suggested_date": day if day and day <= last else None,
            }
        )
        name = f"{date(year, month, 1):%B}"
        advice = (
            f" I suggest {day_label(new.suggested_date)}, in the middle of its quiet part."
            if new.suggested_date
            else ""
        )
        return Turn(new, [say(self.step, f"Which day in {name}?{advice}"), self.ask(new, ctx)])

    @staticmethod
    def _earliest(ctx: CoachContext) -> date:
        """No suggestion sooner than the playbook's days to gather data."""
        return ctx.today + timedelta(days=ctx.playbook.prep_days)

    def _consider(self, state: PrepState, day: date, ctx: CoachContext) -> Turn:
        book, start_month = ctx.playbook, ctx.fiscal_year_start_month
        findings = _date_findings(day, ctx)
        if not findings:
            return self._accept(state, day, ctx)
        better = calendar.best_day_near(book, start_month, day, self._earliest(ctx))
        if better:
            window = next(
                (
                    w
                    for w in calendar.quiet_windows(book, start_month, ctx.today)
                    if w.start <= better <= w.end
                ),
                None,
            )
            if window:
                findings.append(_quiet_finding(window))
        new = state.model_copy(
            update={"stage": Stage.CONFIRM_DATE, "proposed_date": day, "suggested_date": better}
        )
        advice = f" I suggest {day_label(better)} instead." if better else ""
        text = f"{day_label(day)} is not a good time.{advice}"
        return Turn(new, [say(self.step, text, *findings), self.ask(new, ctx)])

    def _accept(self, state: PrepState, day: date, ctx: CoachContext) -> Turn:
        new = state.model_copy(
            update={
                "planned_date": day,
                "proposed_date": None,
                "suggested_date": None,
                "date_choices": {},
                "day_choices": [],
                "stage": Stage.GATHER,
            }
        )
        team = ctx.playbook.team
        if _date_findings(day, ctx):  # kept against the advice: never praised as quiet
            text = (
                f"{day_label(day)} it is, though it is not a quiet time for {team}: keep the "
                "meeting short and the ask small."
            )
        else:
            text = f"{day_label(day)} is a quiet time for {team}. Good choice."
        return Turn(new, [say(self.step, text), self.ask(new, ctx)])

    def on_choice(self, state: PrepState, value: str, ctx: CoachContext) -> Turn | None:
        if value not in {c.value for c in self.ask(state, ctx).choices}:
            return None
        if value == SUGGEST:
            day = calendar.suggested_day(
                ctx.playbook, ctx.fiscal_year_start_month, self._earliest(ctx)
            )
            if day is None:
                return stay(
                    state, say(self.step, "I found no quiet day soon."), self.ask(state, ctx)
                )
            return self._accept(state, day, ctx)
        picked = next((o for o, v in ORDER_CHOICES.items() if v == value), None)
        if picked is not None and picked in state.date_choices:
            new = state.model_copy(update={"date_order": picked, "date_choices": {}})
            reading = read_date(state.date_choices[picked].isoformat(), ctx.today)
            assert reading is not None
            return self._vet(new, reading, ctx)
        if value in DAY_CHOICES and len(state.day_choices) == len(DAY_CHOICES):
            day = state.day_choices[DAY_CHOICES.index(value)]
            reading = read_date(day.isoformat(), ctx.today)
            assert reading is not None
            return self._vet(state.model_copy(update={"day_choices": []}), reading, ctx)
        if value == USE_SUGGESTED and state.suggested_date:
            return self._accept(state, state.suggested_date, ctx)
        if value == KEEP and state.proposed_date:
            return self._accept(state, state.proposed_date, ctx)
        return None

    def on_next(self, state: PrepState, ctx: CoachContext) -> Turn | None:
        if state.stage is Stage.GATHER and state.planned_date:
            return None
        return stay(state, say(self.step, "Choose a date first."), self.ask(state, ctx))

    def note(self, state: PrepState, ctx: CoachContext) -> str:
        if not state.planned_date:
            return ""
        return (
            f"Planned date: {day_label(state.planned_date)}\n"
            f"Data to gather first:\n{bullets(ctx.playbook.data_to_gather)}"
        )


def _quiet_finding(window: calendar.QuietWindow) -> QuietWindowFinding:
    return QuietWindowFinding(
        message=f"Quiet window: {span_label(window.start, window.end)}",
        start=window.start,
        end=window.end,
    )


def _date_findings(day: date, ctx: CoachContext) -> list[Finding]:
    book = ctx.playbook
    findings: list[Finding] = []
    busy = calendar.busy_on(book, ctx.fiscal_year_start_month, day)
    if busy:
        findings.append(
            CrunchPeriodFinding(
                term=busy.name,
                message=f"{day_label(day)} falls in {busy.name} "
                f"({span_label(busy.start, busy.end)}): {busy.reason}",
                suggestion=f"Pick a day {outside(busy)}.",
                start=busy.start,
                end=busy.end,
            )
        )
    holiday = calendar.holiday_on(day, book.regions)
    if holiday:
        findings.append(
            HolidayFinding(
                term=holiday.name,
                message=f"{day_label(day)} is {holiday.name} ({holiday.region}).",
                date=day,
                region=holiday.region,
            )
        )
    weekend = calendar.weekend_in(day, book.regions)
    if weekend is not None:
        where = f" in {weekend}" if weekend else ""
        findings.append(WeekendFinding(message=f"{day_label(day)} is a weekend{where}."))
    return findings
