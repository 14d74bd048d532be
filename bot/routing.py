"""Is what the user wrote a command or an answer to the coach, and which: one rule for every
channel (Slack DM and assistant panel, Teams personal chat, the terminal, the playground).

The rule, in order:
1. A request is a command whatever the dialog is waiting for:
   - a command word alone or in its exact form: `history`, `list`, `debrief`, `rehearse`,
     `resume 12`, `notes #3`, `nudges off`, `prep sales`, `forget`;
   - any of those with a slash: `/history`, `/sales`, `/check We need MFA`;
   - a request in the user's own words: "Prepare a talk with Sales", "prep for my talk with
     the CFO", "can you help me get ready for a meeting with finance?", "getting ready for
     a chat with HR tomorrow", "check my draft: …", "rehearse my last prep", "show my
     history".
2. Everything else goes to the prep in progress as an answer. A sentence that starts with a
   command word ("list the three risks", "check the data first") is an answer, and so is a
   lone stakeholder name or alias ("sales", "privacy", "people" are real one-word answers
   while a step waits for text); `help` and the navigation words (next, back, pause) are the
   prep's own.
3. With no prep in progress the words are read loosely again: a stakeholder name starts that
   prep, `help` or `check TEXT` run, an unknown single word gets "did you mean", and a
   sentence that names a stakeholder ("I need to talk to the VP of Sales") is offered that
   prep with a button.

Every `Word` of `bot.commands` is a command here, with no second list to keep.
"""

from __future__ import annotations

import re

from bot.coach import Answer, Coach
from bot.commands import (
    COMMAND_CHOICE,
    UserCommand,
    Word,
    did_you_mean,
    offer_to_prepare,
    parse_command,
    prep_number,
    run_command,
    stakeholders_named,
)
from bot.engine.dates import read_date
from bot.engine.messages import Inbound
from bot.engine.typed import straight_quotes
from bot.users import UserRef

_WORDS = tuple(word.value for word in Word)
# Words that take a prep's number (or "my last prep"): every command but these.
_NOT_ABOUT_A_PREP = {Word.START, Word.LIST, Word.HISTORY, Word.NUDGES, Word.CHECK, Word.HELP}
_POLITE = re.compile(
    r"^(?:(?:please|ok|okay|now|so|hey|can you|could you|would you|i want to|i'd like to|"
    r"i would like to|let's|lets|let me|help me|show me|show|open|give me|see|view|start|do|"
    r"run|begin|what's|what is|what are)\s+)+"
)
_FILLER = re.compile(r"^(?:(?:my|the|a|an|me|our)\s+)+")
_LATEST = re.compile(r"^(?:(?:my|the|last|latest|most recent|previous|current)\s+)*(?:prep|talk)$")
_NUMBERED = re.compile(r"^(?:prep\s+)?#?\s*(\d{1,9})$")
_TALK = r"(?:talk|conversation|meeting|call|chat|1:1|one-on-one)"
# Asking to be prepared: "prepare", "prep me", "get ready", "getting ready", "coach me".
_READY = (
    r"(?:i'm |i am )?(?:prepare|preparing|prep|prepping|get(?:ting)?(?: me)? ready|ready me|"
    r"coach me|help me (?:prepare|prep|get ready))"
)
_TALK_KIND = re.compile(rf"{_TALK}s?|team|sync|catch-up|review|(?:{_TALK}|team) {_TALK}s?")
_PREPARE = re.compile(
    rf"^{_READY}(?:\s+me)?(?:(?:\s+(?:for|a|an|my|the|our))*\s+{_TALK})?"
    r"\s+(?:with|for)\s+(?P<who>.+)$"
)
_ABOUT = re.compile(
    rf"^(?:(?:my|the|our|last|latest)\s+)*(?:{_TALK}|prep)\s+(?:with|for)\s+(?P<who>.+)$"
)
_CHECK = re.compile(
    r"^\s*(?:please\s+)?check(?:\s+(?:my|this|the|our))?"
    r"(?:\s+(?:draft|text|wording|words|message|pitch|email|opening))?\s*[:\n]\s*(?P<draft>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)


def explicit_command(text: str, coach: Coach) -> UserCommand | None:
    """The command `text` asks for whatever the dialog is waiting for (rule 1), or None."""
    stripped = text.strip()
    draft = _CHECK.match(stripped)
    if draft is not None:
        return UserCommand(Word.CHECK, draft.group("draft").strip())
    if stripped.startswith("/"):
        command = parse_command(stripped, coach)
        return command if command is not None and command.word is not Word.HELP else None
    return _exact(stripped, coach) or _in_own_words(stripped, coach)


def _exact(text: str, coach: Coach) -> UserCommand | None:
    """A command in its exact form, so a sentence answering the coach stays an answer."""
    command = parse_command(text, coach)
    if command is None or command.word is Word.HELP:
        return None
    argument = command.argument.strip()
    if " " not in text.strip():  # one word: a command word, or a name (rule 2)
        lone = command if text.strip().lower() in _WORDS else None
        return UserCommand(Word.LIST) if lone and lone.word is Word.START else lone
    if command.word is Word.START:
        return command if coach.playbooks.find(argument) and " " not in argument else None
    if command.word is Word.NUDGES:
        return command if argument.lower() in ("on", "off", "snooze") else None
    if command.word is Word.FORGET:
        return command if argument.lower() == "confirmed" else None
    if command.word in _NOT_ABOUT_A_PREP:
        return None
    if command.word is Word.OUTCOME:  # `outcome 12 71%`: a prep's number, then the reading
        return command if prep_number(argument.split()[0]) is not None else None
    by_name = " " not in argument and coach.playbooks.find(argument) is not None
    return command if prep_number(argument) is not None or by_name else None


def _in_own_words(text: str, coach: Coach) -> UserCommand | None:
    """A request in the user's words: "Prepare a talk with Sales", "rehearse my last prep"."""
    lowered = " ".join(straight_quotes(text).lower().rstrip(" .!?").split())
    polite = _POLITE.match(lowered)
    words = _FILLER.sub("", lowered[polite.end() if polite else 0 :])
    prepare = _PREPARE.match(words)
    if prepare is not None:
        name = _stakeholder(prepare.group("who"), coach)
        return UserCommand(Word.START, name) if name is not None else None
    head, _, rest = words.partition(" ")
    if head not in _WORDS or head in (Word.HELP, Word.START):
        return None
    word = Word(head)
    if not rest:  # "show my history", "start a debrief"; not "the history" (an answer)
        asked = polite is not None or lowered.startswith("my ")
        return UserCommand(word) if asked else None
    if word in _NOT_ABOUT_A_PREP:
        return None
    if _LATEST.match(rest):
        return UserCommand(word)
    number, named = _NUMBERED.match(rest), _ABOUT.match(rest)
    if number is not None:
        return UserCommand(word, number.group(1))
    name = _stakeholder(named.group("who"), coach) if named is not None else None
    return UserCommand(word, name) if name is not None else None


def _stakeholder(who: str, coach: Coach) -> str | None:
    """The playbook id named by "the CFO", "my VP of Sales", "sales", and with what may
    follow a name in a request: when ("HR tomorrow", "the CTO on Friday") or what kind of
    talk ("the board meeting"). Each candidate: the name, its hyphenated form, its last word."""
    words, today = _FILLER.sub("", who.strip()).split(), coach.clock().date()
    for end in range(len(words), 0, -1):
        rest = " ".join(words[end:])
        if rest and not (_TALK_KIND.fullmatch(rest) or read_date(rest, today) is not None):
            continue  # "Sales about the training": more than a name; an answer
        name = " ".join(words[:end])
        for candidate in (name, name.replace(" ", "-"), words[end - 1]):
            book = coach.playbooks.find(candidate)
            if book is not None:
                return book.id
    return None


async def answer_text(coach: Coach, user: UserRef, text: str, prefix: str) -> Answer:
    """The answer to what the user wrote, by the rule above. `prefix` is how the channel
    spells commands in help ("" in chats, "/prep-talk " in Slack)."""
    command = explicit_command(text, coach)
    if command is not None:
        return await run_command(coach, user, command, prefix)
    answer = await coach.answer(user, Inbound(text=text))
    if answer.prep_id is not None:
        return answer
    loose = parse_command(text, coach)  # rule 3: no prep in progress
    if loose is not None:
        return await run_command(coach, user, loose, prefix)
    if len(text.split()) == 1:
        return Answer(None, did_you_mean(text, coach, prefix))
    named = stakeholders_named(text, coach)  # "I need to talk to the VP of Sales next week"
    return Answer(None, [offer_to_prepare(named)]) if named else answer


async def answer_inbound(coach: Coach, user: UserRef, inbound: Inbound, prefix: str) -> Answer:
    """Anything a user did, by the rule above: typed text, a picked choice, or a command the
    channel already knows (the playground's buttons)."""
    if inbound.text is not None:
        return await answer_text(coach, user, inbound.text, prefix)
    if inbound.choice is not None:
        return await answer_choice(coach, user, inbound, prefix)
    return await coach.answer(user, inbound)


def command_words(choice: str) -> str | None:
    """The words of a command button (`cmd:resume 12` → "resume 12"); None for a dialog
    choice."""
    return choice.removeprefix(COMMAND_CHOICE) if choice.startswith(COMMAND_CHOICE) else None


async def answer_choice(coach: Coach, user: UserRef, inbound: Inbound, prefix: str) -> Answer:
    """The answer to a picked choice: a command button runs its command, any other choice is
    a turn of the prep it was shown in."""
    words = command_words(inbound.choice or "")
    if words is None:
        return await coach.answer(user, inbound)
    command = parse_command(words, coach)
    if command is None:
        return Answer(None, did_you_mean(words, coach, prefix))
    return await run_command(coach, user, command, prefix)
