"""What a user can ask for outside the step-by-step dialog, the same on every chat platform.

Slack reads these from `/prep-talk …`, Teams from words in the personal chat. Buttons that
run a command carry the value `cmd:<words>` (e.g. `cmd:resume 12`), so one click and the
typed words take the same path.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

from bot.coach import NO_SUCH_PREP, Answer, Coach
from bot.engine.findings import ForgottenFinding
from bot.engine.flow import clean_text, cut_notice
from bot.engine.language import check_text
from bot.engine.messages import Command, Inbound, Reply, Step
from bot.engine.outcomes import OutcomeStatus
from bot.engine.prep_numbers import prep_number as prep_number  # re-exported for channels
from bot.engine.steps.simplify import plainer_version, report_summary
from bot.engine.turn import choice, say
from bot.exports import prep_markdown
from bot.playbook.schema import Playbook
from bot.users import UserRef

COMMAND_CHOICE = "cmd:"
FORGET_CONFIRMED = "forget confirmed"
HISTORY_LIMIT = 10
SNOOZE_DAYS = 7


class Word(StrEnum):
    START = "prep"
    LIST = "list"
    HISTORY = "history"
    RESUME = "resume"
    NOTES = "notes"
    EXPORT = "export"
    DEBRIEF = "debrief"
    OUTCOME = "outcome"
    REHEARSE = "rehearse"
    NUDGES = "nudges"
    CHECK = "check"
    FORGET = "forget"
    HELP = "help"


# Words that start or reopen a prep: the coach's dialog takes them from here.
_DIALOG_COMMANDS = {
    Word.START: Command.START,
    Word.RESUME: Command.RESUME,
    Word.DEBRIEF: Command.DEBRIEF,
    Word.REHEARSE: Command.REHEARSE,
}


@dataclass(frozen=True, slots=True)
class UserCommand:
    word: Word
    argument: str = ""


def command_choice(words: str) -> str:
    """The value of a button that runs a command."""
    return f"{COMMAND_CHOICE}{words}"


def parse_command(text: str, coach: Coach) -> UserCommand | None:
    """A command from the user's words, or None when the words are not a command.

    A bare stakeholder name ("sales", "cfo") starts that prep, as `/prep-talk sales` does.
    """
    words = text.strip().removeprefix("/").split(maxsplit=1)
    if not words:
        return UserCommand(Word.HELP)
    head, rest = words[0].lower(), (words[1].strip() if len(words) > 1 else "")
    if head in Word.__members__.values():
        return UserCommand(Word(head), rest)
    if coach.playbooks.find(head) and not rest:
        return UserCommand(Word.START, head)
    return None


def did_you_mean(text: str, coach: Coach, prefix: str) -> list[Reply]:
    """Help for words that are no command: the closest command or stakeholder, then help."""
    head = text.strip().split(maxsplit=1)[0].lower() if text.strip() else ""
    names = [*Word.__members__.values(), *coach.playbooks.playbooks, *coach.playbooks.aliases]
    close = difflib.get_close_matches(head, names, n=1, cutoff=0.6)
    guess = f"Did you mean {prefix}{close[0]}? " if close else ""
    return [say(Step.INFO, f"I don't know “{head[:40]}”. {guess}\n{help_text(prefix, coach)}")]


# Aliases that are everyday words too ("people don't finish it"): never taken as a name in
# a sentence, only as a name on their own.
_EVERYDAY_ALIASES = frozenset(
    "people managers operations revenue privacy compliance leadership talent dev directors "
    "developers sellers".split()
)


def stakeholders_named(text: str, coach: Coach) -> list[Playbook]:
    """The playbooks a sentence names ("I need to talk to the VP of Sales", "our CFO"), in
    the order named; a word that is also an everyday word does not count."""
    words = re.findall(r"[a-z0-9&]+(?:[-'][a-z]+)*", text.lower())
    found: dict[str, Playbook] = {}
    for start in range(len(words)):
        for size in (3, 2, 1):  # "the audit committee" before "audit"
            name = "-".join(words[start : start + size])
            book = None if name in _EVERYDAY_ALIASES else coach.playbooks.find(name)
            if book is not None:
                found.setdefault(book.id, book)
                break
    return list(found.values())


def offer_to_prepare(books: list[Playbook]) -> Reply:
    """No prep in progress, and the words name a stakeholder: offer to prepare that talk."""
    names = " or ".join(book.name for book in books[:3])
    return say(Step.INFO, f"You have no prep in progress. Prepare a talk with {names}?").model_copy(
        update={
            "choices": tuple(
                choice(command_choice(f"prep {book.id}"), f"Prepare: {book.name}")
                for book in books[:3]
            )
        }
    )


async def run_command(coach: Coach, user: UserRef, command: UserCommand, prefix: str) -> Answer:
    """Carry out a command for `user`. `prefix` is how the platform spells commands in help."""
    if command.word is Word.OUTCOME and command.argument.strip():
        return await coach.answer(user, Inbound(command=Command.OUTCOME, argument=command.argument))
    dialog = _DIALOG_COMMANDS.get(command.word)
    if dialog is not None:
        return await coach.answer(user, Inbound(command=dialog, argument=command.argument or None))
    replies = await _informational(coach, user, command, prefix)
    return Answer(None, replies)


async def _informational(
    coach: Coach, user: UserRef, command: UserCommand, prefix: str
) -> list[Reply]:
    if command.word is Word.LIST:
        return [_stakeholders(coach, prefix)]
    if command.word is Word.HISTORY:
        return [await _history(coach, user)]
    if command.word is Word.NOTES:
        return [await _notes(coach, user, command.argument)]
    if command.word is Word.EXPORT:
        return [await _export(coach, user, command.argument)]
    if command.word is Word.NUDGES:
        return [await _nudges(coach, user, command.argument, prefix)]
    if command.word is Word.CHECK:
        return _check(coach, command.argument)
    if command.word is Word.OUTCOME:
        return [await _outcomes(coach, user, prefix)]
    if command.word is Word.FORGET:
        return [await _forget(coach, user, command.argument)]
    return [say(Step.INFO, help_text(prefix, coach))]


def help_text(prefix: str, coach: Coach) -> str:
    names = ", ".join(book.id for book in coach.playbooks.all())
    return (
        f"{prefix}STAKEHOLDER — prepare a conversation ({names})\n"
        f"{prefix}list — stakeholders and what they care about\n"
        f"{prefix}history — your recent preps\n"
        f"{prefix}resume [N] — pick a prep up where it stopped\n"
        f"{prefix}notes N — the notes of prep N\n"
        f"{prefix}export N — prep N as a Markdown document\n"
        f"{prefix}rehearse [N] — practise the talk: I play the stakeholder and push back\n"
        f"{prefix}debrief N — after the talk: what you heard and agreed\n"
        f"{prefix}outcome [N VALUE] — your measured outcomes; record prep N's new number\n"
        f"{prefix}check TEXT — plain-language checks on any draft\n"
        f"{prefix}nudges on|off|snooze — reminders before busy seasons\n"
        f"{prefix}forget — delete all your preps, notes and settings"
    )


def _stakeholders(coach: Coach, prefix: str) -> Reply:
    lines = [f"• {book.id} — {book.role}: {book.summary}" for book in coach.playbooks.all()]
    return say(Step.INFO, "Stakeholders you can prepare for:\n" + "\n".join(lines)).model_copy(
        update={
            "choices": tuple(
                choice(command_choice(f"prep {b.id}"), b.name) for b in coach.playbooks.all()
            )
        }
    )


async def _history(coach: Coach, user: UserRef) -> Reply:
    preps = await coach.preps(user, limit=HISTORY_LIMIT)
    if not preps:
        return say(Step.INFO, "No preps yet. Start one with a stakeholder name.")
    lines = []
    for prep in preps:
        when = f", talk on {prep.planned_date.isoformat()}" if prep.planned_date else ""
        lines.append(f"#{prep.id} {prep.stakeholder} — {prep.status.replace('_', ' ')}{when}")
    buttons = [
        choice(command_choice(f"resume {p.id}"), f"Resume #{p.id}")
        for p in preps
        if p.status in ("in_progress", "paused")
    ]
    buttons += [
        choice(command_choice(f"debrief {p.id}"), f"Debrief #{p.id}")
        for p in preps
        if p.status == "briefed"
    ]
    buttons += [
        choice(command_choice(f"rehearse {p.id}"), f"Rehearse #{p.id}")
        for p in preps
        if p.status in ("briefed", "closed")
    ]
    return say(Step.INFO, "Your recent preps:\n" + "\n".join(lines)).model_copy(
        update={"choices": tuple(buttons[:5])}
    )


async def _notes(coach: Coach, user: UserRef, argument: str) -> Reply:
    if not argument.strip():
        return say(Step.INFO, "Which prep? Give its number, e.g. notes 12 (see history).")
    number = prep_number(argument)
    detail = await coach.prep(user, number) if number is not None else None
    if detail is None:
        return say(Step.INFO, NO_SUCH_PREP)
    if not detail.notes:
        return say(Step.INFO, f"Prep #{detail.id} has no notes yet.")
    body = "\n\n".join(f"[{note.step}]\n{note.text}" for note in detail.notes)
    return say(Step.INFO, f"Notes of prep #{detail.id} ({detail.stakeholder}):\n\n{body}")


async def _outcomes(coach: Coach, user: UserRef, prefix: str) -> Reply:
    """The user's measured outcomes, each with a button to record its new number."""
    views = await coach.outcomes(user)
    if not views:
        return say(Step.INFO, "No measured outcomes yet. A debrief after the talk adds one.")
    lines = [f"#{v.prep_id} {v.stakeholder} — {v.progress}. {v.standing}" for v in views]
    hint = f"\nRecord a new number with {prefix}outcome N VALUE, e.g. {prefix}outcome 12 71%."
    buttons = [
        choice(command_choice(f"outcome {v.prep_id}"), f"Record #{v.prep_id}")
        for v in views
        if v.outcome.status is OutcomeStatus.OPEN
    ]
    return say(Step.INFO, "Your measured outcomes:\n" + "\n".join(lines) + hint).model_copy(
        update={"choices": tuple(buttons[:5])}
    )


async def _export(coach: Coach, user: UserRef, argument: str) -> Reply:
    number = prep_number(argument)
    detail = await coach.prep(user, number) if number is not None else None
    if detail is None:
        return say(Step.INFO, NO_SUCH_PREP)
    return say(Step.INFO, prep_markdown(detail, coach.playbooks))


async def _nudges(coach: Coach, user: UserRef, argument: str, prefix: str) -> Reply:
    setting = argument.strip().lower()
    if setting == "snooze":
        until = await coach.snooze_nudges(user, days=SNOOZE_DAYS)
        return say(Step.INFO, f"Snoozed: no nudges from me until {until:%a %d %b}.")
    if setting not in ("on", "off"):
        return say(
            Step.INFO, f"Say {prefix}nudges on, {prefix}nudges off or {prefix}nudges snooze."
        )
    await coach.set_nudges(user, setting == "on")
    if setting == "on":
        return say(
            Step.INFO, "Nudges are on: I'll remind you before your stakeholders' busy seasons."
        )
    return say(Step.INFO, "Nudges are off. You won't get reminders from me.")


def _check(coach: Coach, draft: str) -> list[Reply]:
    """The Simplify checks on any draft, and its plainer version when there is one."""
    text, cut = clean_text(draft)
    if not text:
        return [
            say(Step.INFO, "Give me the text to check, e.g. check We need MFA on every laptop.")
        ]
    report = check_text(text, coach.glossary, None)
    replies = [cut_notice("checked")] if cut else []
    replies.append(say(Step.SIMPLIFY, report_summary(report), *report.findings))
    if report.rewrite is not None:
        replies.append(say(Step.SIMPLIFY, plainer_version(report.rewrite)))
    return replies


async def _forget(coach: Coach, user: UserRef, argument: str) -> Reply:
    if argument.strip().lower() != "confirmed":
        return say(
            Step.INFO,
            "This deletes every prep, note and setting of yours here. It cannot be undone.",
        ).model_copy(
            update={
                "choices": (
                    choice(command_choice(FORGET_CONFIRMED), "Yes, delete everything"),
                    choice(command_choice(Word.HELP.value), "Keep my data"),
                )
            }
        )
    deleted = await coach.forget(user)
    return say(
        Step.INFO,
        f"Done. I deleted {deleted} prep{'s' if deleted != 1 else ''} and everything about you.",
        ForgottenFinding(message="All your data here is deleted.", preps=deleted),
    )
