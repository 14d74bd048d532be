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

from bot.channels.literal import WORD_JOINER, unlinked
from bot.engine.messages import Choice, Finding, Reply, Step

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
BUTTONS_PER_ROW = 5  # Teams shows at most 6 actions in one ActionSet; more go in new rows

STEP_LABELS = {
    Step.FEEL: "Feel — listen first",
    Step.FOCUS: "Focus — one outcome",
    Step.TIMING: "Slow down — timing",
    Step.SIMPLIFY: "Simplify — plain words",
    Step.WHY: "Spark — the why",
    Step.BRIEF: "Your brief",
    Step.DEBRIEF: "Debrief",
    Step.INFO: "prep-talk",
}
FINDING_LABELS = {
    "jargon": "Jargon",
    "acronym": "Acronym",
    "readability": "Readability",
    "fear": "Fear first",
    "priorities": "Their priorities",
    "multiple_goals": "More than one goal",
    "missing_why": "Missing the why",
    "closed_question": "Closed question",
    "crunch_period": "Busy period",
    "quiet_window": "Quiet window",
    "holiday": "Public holiday",
    "weekend": "Weekend",
    "trimmed": "Shortened",
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
    for row in range(0, len(reply.choices), BUTTONS_PER_ROW):
        choices = reply.choices[row : row + BUTTONS_PER_ROW]
        items.append(_buttons(choices, reply.step, prep_id))
    return {"type": "Container", "separator": True, "spacing": "Medium", "items": items}


def submit_data(choice_value: str, step: Step, prep_id: int | None) -> dict[str, Any]:
    """What a click sends back: the choice and where it was shown (stale-button check)."""
    return {"choice": choice_value, "prep_id": prep_id, "step": step.value}


def _buttons(choices: tuple[Choice, ...], step: Step, prep_id: int | None) -> Element:
    actions = []
    for choice in choices:
        action: Element = {
            "type": "Action.Submit",
            "title": plain(choice.label[:60]),
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
    label = FINDING_LABELS.get(finding.kind, finding.kind.replace("_", " ").capitalize())
    lines = [_runs([_run(f"{label}: ", weight="Bolder", color="Attention"), *_headline(finding)])]
    extra = finding.model_extra or {}
    for goal in extra.get("goals") or []:
        lines.append(_runs([_run(f"• {goal}")], "None"))
    if finding.kind == "crunch_period" and finding.message:
        lines.append(_runs([_run(finding.message, subtle=True)], "None"))
    if finding.kind == "fear" and extra.get("quote"):
        lines.append(_runs([_run(f"“{extra['quote']}”", italic=True)], "None"))
    if finding.suggestion and finding.kind not in ("jargon", "acronym"):
        lines.append(_runs([_run(finding.suggestion, subtle=True)], "None"))
    return {"type": "Container", "spacing": "Small", "items": lines}


def _headline(finding: Finding) -> list[Element]:
    """The finding's own data first (term → plain word, grade vs target, dates)."""
    extra = finding.model_extra or {}
    kind = finding.kind
    if kind in ("jargon", "acronym") and finding.term:
        expansion = f" ({extra['expansion']})" if extra.get("expansion") else ""
        return [
            _run(f"{finding.term}{expansion}", weight="Bolder"),
            _run(" → "),
            _run(finding.suggestion or ""),
        ]
    if kind == "readability" and "grade" in extra and "target" in extra:
        return [_run(f"reading grade {extra['grade']:.1f}, target {extra['target']:.0f}")]
    if kind in ("quiet_window", "crunch_period") and extra.get("start") and extra.get("end"):
        name = f"{finding.term}, " if finding.term else ""
        return [_run(f"{name}{_day(extra['start'])} – {_day(extra['end'])}", weight="Bolder")]
    if kind == "holiday" and extra.get("date"):
        region = f" ({extra['region']})" if extra.get("region") else ""
        return [_run(f"{finding.term or 'holiday'} on {_day(extra['date'])}{region}")]
    return [_run(finding.message or finding.term or "")]


def _day(iso: str) -> str:
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day:%a} {day.day} {day:%b %Y}"
