"""One finding of every kind, as the engine makes them, for the renderers' tests."""

from __future__ import annotations

from datetime import date

from bot.engine.findings import (
    BlamingHypothesisFinding,
    CrunchPeriodFinding,
    FearFinding,
    Finding,
    ForgottenFinding,
    HolidayFinding,
    MissingWhyFinding,
    MultipleGoalsFinding,
    PrioritiesFinding,
    QuestionFinding,
    QuietWindowFinding,
    ReadabilityFinding,
    TermFinding,
    Tip,
    TrimmedFinding,
    UnfamiliarFinding,
    WeekendFinding,
)

TIP = "Try it this way instead."

EVERY_KIND: tuple[Finding, ...] = (
    TermFinding(kind="jargon", term="phishing", suggestion="fake emails that trick people"),
    TermFinding(
        kind="acronym",
        term="MFA",
        suggestion="a second check when you sign in",
        expansion="multi-factor authentication",
    ),
    UnfamiliarFinding(
        term="kerberoasting",
        message="“kerberoasting” may be unfamiliar to the sales team.",
        suggestion=TIP,
    ),
    ReadabilityFinding(
        message="Reading grade 12.3 is above the target of 9.",
        suggestion=TIP,
        grade=12.34,
        target=9.0,
    ),
    FearFinding(message="This opens with a threat.", suggestion=TIP, quote="One in three…"),
    PrioritiesFinding(message="Nothing here ties the ask to deals.", suggestion=TIP),
    MultipleGoalsFinding(
        message="That is 2 goals in one conversation.",
        suggestion=TIP,
        goals=["finish the training", "turn on MFA"],
    ),
    QuestionFinding(
        kind="closed_question",
        term="Do they do the training?",
        message="This can be answered with a yes or no.",
        suggestion=TIP,
    ),
    QuestionFinding(
        kind="leading_question",
        term="Surely they see the risk?",
        message="This tells them the answer you want.",
        suggestion=TIP,
    ),
    QuestionFinding(
        kind="accusing_question",
        term="Why won't your people do it?",
        message="This puts their people on trial.",
        suggestion=TIP,
    ),
    BlamingHypothesisFinding(
        term="They just don't care.",
        message="This judges people.",
        suggestion=TIP,
    ),
    MissingWhyFinding(message="The why names no outcome for them.", suggestion=TIP),
    CrunchPeriodFinding(
        term="Quarter-end push",
        message="Thu 17 Dec 2026 falls in Quarter-end push: deals first.",
        suggestion="Pick a day before 20 Nov or after 31 Dec.",
        start=date(2026, 11, 20),
        end=date(2026, 12, 31),
    ),
    QuietWindowFinding(
        message="Quiet window: Fri 1 Jan 2027 – Wed 10 Mar 2027",
        start=date(2027, 1, 1),
        end=date(2027, 3, 10),
    ),
    HolidayFinding(
        message="Mon 31 May 2027 is Memorial Day (US).",
        term="Memorial Day",
        date=date(2027, 5, 31),
        region="US",
    ),
    WeekendFinding(message="Sat 5 Jun 2027 is a weekend."),
    TrimmedFinding(message="Kept 4,000 characters.", limit=4000),
    ForgottenFinding(message="All your data here is deleted.", preps=2),
)


def written_as(finding: Finding, text: str) -> Finding:
    """`finding` with every word in it (term, message, suggestion, goals…) replaced by `text`,
    as if the user had typed it: the renderers must show it literally."""
    words: dict[str, object] = {
        name: [text for _ in value] if isinstance(value, list) else text
        for name, value in finding
        if name != "kind" and isinstance(value, str | list)
    }
    return finding.model_copy(update=words)


def said(finding: Finding) -> list[str]:
    """The words a person must be able to read wherever the finding is shown."""
    if isinstance(finding, TermFinding):
        return [finding.term, finding.suggestion]
    words = [finding.message]
    if isinstance(finding, MultipleGoalsFinding):
        words += finding.goals
    return words + ([finding.suggestion] if isinstance(finding, Tip) else [])
