"""The coach's neutral replies as one Adaptive Card (schema 1.5) per turn.

Every piece of text goes into `TextRun`s of `RichTextBlock`s, which Adaptive Cards never
parse as Markdown, so a user's `[x](https://evil)`, `**`, `<at>` or a `{{DATE(…)}}` function
stays literal. On top of that, `plain` breaks what clients might still auto-link (URLs,
`www.`, `@`: `bot.channels.literal`), so nothing a user typed can become a link or a
mention. The coach's own light markup (`# ` headings, `- ` bullets, a leading `**Label:**`)
is turned into TextRun styles instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from bot.channels.choices import ChoiceLayout, layout
from bot.channels.literal import WORD_JOINER, unlinked
from bot.channels.teams.submits import PICKS_INPUT, checklist_data, submit_data
from bot.engine.findings import (
    CrunchPeriodFinding,
    FearFinding,
    Finding,
    HolidayFinding,
    MultipleGoalsFinding,
    QuietWindowFinding,
    ReadabilityFinding,
    TermFinding,
    Tip,
)
from bot.engine.messages import Choice, Reply, Step

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
BUTTONS_PER_ROW = 5  # Teams shows at most 6 actions in one ActionSet; more go in new rows
# Characters of button titles (with each button's padding, in characters) that fit one row
# of a Teams chat column on a laptop (480 px) uncut; measured in the browser test.
ROW_CHARACTERS, BUTTON_PADDING = 44, 5
ADD_TICKED = "Add the ticked ones"
USE_PICKED = "Use the one picked"

STEP_LABELS = {
    Step.FEEL: "Feel — listen first",
    Step.FOCUS: "Focus — one outcome",
    Step.TIMING: "Slow down — timing",
    Step.SIMPLIFY: "Simplify — plain words",
    Step.WHY: "Spark — the why",
    Step.BRIEF: "Your brief",
    Step.DEBRIEF: "Debrief",
    Step.REHEARSE: "Rehearse — they push back",
    Step.INFO: "prep-talk",
}
# One per kind of finding (a test checks that every kind has its own).
FINDING_LABELS = {
    "jargon": "Jargon",
    "acronym": "Acronym",
    "unfamiliar": "Unfamiliar word",
    "readability": "Readability",
    "fear": "Fear first",
    "priorities": "Their priorities",
    "multiple_goals": "More than one goal",
    "missing_why": "Missing the why",
    "closed_question": "Closed question",
    "leading_question": "Leading question",
    "accusing_question": "Accusing question",
    "blaming_hypothesis": "Blaming guess",
    "crunch_period": "Busy period",
    "quiet_window": "Quiet window",
    "holiday": "Public holiday",
    "weekend": "Weekend",
    "trimmed": "Shortened",
    "forgotten": "Deleted",
}
Element = dict[str, Any]

_HEADING = re.compile(r"^#{1,3}\s+")
_BULLET = re.compile(r"^\s*[-•*]\s+")
_CHECKBOX = re.compile(r"^\s*[-•*]\s+\[ \]\s+")
_LABEL = re.compile(r"^\*\*([^*\n]{1,60}:)\*\*")
CHAT_DEEP_LINK = "https://teams.microsoft.com/l/chat/0/0?users="


@dataclass(frozen=True, slots=True)
class Link:
    """A button that opens a Teams page (our own URLs only, never user text)."""

    title: str
    url: str


def personal_chat_link(bot_id: str) -> Link | None:
    """The deep link that opens the user's personal chat with this bot (`28:<app id>`)."""
    if not bot_id:
        return None
    return Link("Open our personal chat", CHAT_DEEP_LINK + quote(bot_id, safe=":"))


def plain(text: str) -> str:
    """Text that no Teams client turns into a link, mention or date function."""
    return unlinked(text).replace("{{", "{" + WORD_JOINER + "{")


def turn_card(replies: list[Reply], prep_id: int | None, link: Link | None = None) -> Element:
    """One card for a turn: each reply's text, findings and buttons, in order."""
    body: list[Element] = []
    if replies:
        body.append(_runs([_run(STEP_LABELS[replies[-1].step], subtle=True, weight="Bolder")]))
    for reply in replies:
        body.append(_reply_container(reply, prep_id))
    if link is not None:
        action = {"type": "Action.OpenUrl", "title": link.title, "url": link.url}
        body.append({"type": "ActionSet", "actions": [action]})
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA_URL,
        "version": CARD_VERSION,
        "fallbackText": plain(replies[0].text[:200]) if replies else "",
        "msteams": {"width": "Full"},
        "body": body,
    }


def _reply_container(reply: Reply, prep_id: int | None) -> Element:
    items = _rich_text(reply.text)
    if reply.findings:
        items.append(_findings(reply.findings))
    choices = layout(reply)
    if choices.listed:
        items += _checklist(choices, reply.step, prep_id)
    for buttons in _rows(choices.buttons):
        items.append(_buttons(buttons, reply.step, prep_id))
    return {"type": "Container", "separator": True, "spacing": "Medium", "items": items}


def _rows(buttons: tuple[Choice, ...]) -> list[tuple[Choice, ...]]:
    """Buttons in rows that fit a chat column: a new row when the titles would be cut short
    (about ROW_CHARACTERS of title and padding) or after BUTTONS_PER_ROW."""
    rows: list[tuple[Choice, ...]] = []
    row: tuple[Choice, ...] = ()
    for button in buttons:
        width = sum(len(b.label) + BUTTON_PADDING for b in (*row, button))
        if row and (width > ROW_CHARACTERS or len(row) == BUTTONS_PER_ROW):
            rows.append(row)
            row = ()
        row = (*row, button)
    return [*rows, row] if row else rows


def _checklist(choices: ChoiceLayout, step: Step, prep_id: int | None) -> list[Element]:
    """Sentence-long choices as an expanded ChoiceSet read in full, and one submit."""
    choice_set = {
        "type": "Input.ChoiceSet",
        "id": PICKS_INPUT,
        "style": "expanded",
        "isMultiSelect": choices.several,
        "wrap": True,
        "choices": [{"title": plain(c.label), "value": c.value} for c in choices.listed],
    }
    submit = {
        "type": "Action.Submit",
        "title": ADD_TICKED if choices.several else USE_PICKED,
        "style": "positive",
        "data": checklist_data(step, prep_id),
    }
    return [choice_set, {"type": "ActionSet", "actions": [submit]}]


def _buttons(choices: tuple[Choice, ...], step: Step, prep_id: int | None) -> Element:
    actions = []
    for choice in choices:
        action: Element = {
            "type": "Action.Submit",
            "title": plain(choice.label),
            "data": submit_data(choice.value, step, prep_id),
        }
        if choice.value == "next":
            action["style"] = "positive"
        actions.append(action)
    return {"type": "ActionSet", "actions": actions}


# ---- text ------------------------------------------------------------------------------


def _run(text: str, **style: Any) -> Element:
    run: Element = {"type": "TextRun", "text": plain(text)}
    run.update({key: value for key, value in style.items() if value})
    return run


def _runs(inlines: list[Element], spacing: str | None = None) -> Element:
    block: Element = {"type": "RichTextBlock", "inlines": inlines}
    if spacing:
        block["spacing"] = spacing
    return block


def _inline(line: str, **style: Any) -> list[Element]:
    """A line as TextRuns: a leading `**Label:**` of the brief in bold, the rest literal
    (a user's own `**` elsewhere stays as typed)."""
    label = _LABEL.match(line)
    if label is None:
        return [_run(line, **style)]
    rest = line[label.end() :]
    return [
        _run(label.group(1), **(style | {"weight": "Bolder"})),
        *([_run(rest, **style)] if rest else []),
    ]


def _rich_text(text: str) -> list[Element]:
    """The coach's light markup, one RichTextBlock per line; a blank line adds space."""
    blocks: list[Element] = []
    gap = False
    for line in text.split("\n"):
        if not line.strip():
            gap = True
            continue
        spacing = "Medium" if gap else "None"
        gap = False
        if line.strip() == "---":
            blocks.append({"type": "Container", "separator": True, "items": []})
        elif _HEADING.match(line):
            runs = _inline(_HEADING.sub("", line), weight="Bolder", size="Medium")
            blocks.append(_runs(runs, "Medium"))
        elif _CHECKBOX.match(line):
            blocks.append(_runs([_run("☐ "), *_inline(_CHECKBOX.sub("", line))], spacing))
        elif _BULLET.match(line):
            blocks.append(_runs([_run("• "), *_inline(_BULLET.sub("", line))], spacing))
        elif line.startswith("> "):
            blocks.append(_runs(_inline(line[2:], italic=True), spacing))
        else:
            blocks.append(_runs(_inline(line), spacing))
    return blocks


# ---- findings ----------------------------------------------------------------------------


def _findings(findings: tuple[Finding, ...]) -> Element:
    return {
        "type": "Container",
        "style": "emphasis",
        "spacing": "Medium",
        "items": [_finding(finding) for finding in findings],
    }


def _finding(finding: Finding) -> Element:
    label = _run(f"{FINDING_LABELS[finding.kind]}: ", weight="Bolder", color="Attention")
    lines = [_runs([label, *_headline(finding)]), *_details(finding)]
    return {"type": "Container", "spacing": "Small", "items": lines}


def _headline(finding: Finding) -> list[Element]:
    """The finding's own data first (term → plain word, grade vs target, dates)."""
    match finding:
        case TermFinding():
            expansion = f" ({finding.expansion})" if finding.expansion else ""
            return [
                _run(f"{finding.term}{expansion}", weight="Bolder"),
                _run(" → "),
                _run(finding.suggestion),
            ]
        case ReadabilityFinding():
            return [_run(f"reading grade {finding.grade:.1f}, target {finding.target:.0f}")]
        case QuietWindowFinding():
            return [_run(f"{_day(finding.start)} – {_day(finding.end)}", weight="Bolder")]
        case CrunchPeriodFinding():
            span = f"{_day(finding.start)} – {_day(finding.end)}"
            return [_run(f"{finding.term}, {span}", weight="Bolder")]
        case HolidayFinding():
            return [_run(f"{finding.term} on {_day(finding.date)} ({finding.region})")]
        case _:
            return [_run(finding.message)]


def _details(finding: Finding) -> list[Element]:
    """Lines under the headline: the goals to pick from, what was said, what to do instead."""
    lines = []
    if isinstance(finding, MultipleGoalsFinding):
        lines += [_run(f"• {goal}") for goal in finding.goals]
    if isinstance(finding, CrunchPeriodFinding):
        lines.append(_run(finding.message, subtle=True))
    if isinstance(finding, FearFinding):
        lines.append(_run(f"“{finding.quote}”", italic=True))
    if isinstance(finding, Tip):
        lines.append(_run(finding.suggestion, subtle=True))
    return [_runs([line], "None") for line in lines]


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"
