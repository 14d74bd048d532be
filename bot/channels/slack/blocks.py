"""Replies as Block Kit: sections, finding lines and buttons. All text is escaped first.

Slack treats `&`, `<` and `>` as control characters in message text: a user's `<!channel>`
or `<http://x|y>` echoed unescaped would become a mention or a link. Every string we send
goes through `escape`, because reply text quotes the user's own words.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.engine.messages import STEP_NAMES, Choice, Expects, Finding, Reply, Step

Block = dict[str, Any]
SECTION_LIMIT = 2900  # Slack allows 3000 characters in a section's text
BUTTON_LABEL_LIMIT = 75
MAX_BUTTONS = 25
MAX_BLOCKS = 50
CHOICE_ACTION = "choice"

_FINDING_ICONS = {
    "jargon": "🗣️",
    "acronym": "🔤",
    "readability": "📏",
    "fear": "😨",
    "priorities": "🎯",
    "multiple_goals": "🎯",
    "closed_question": "❓",
    "crunch_period": "⏳",
    "quiet_window": "🌤️",
    "holiday": "🏖️",
    "weekend": "📅",
    "missing_why": "✨",
    "trimmed": "✂️",
}


def escape(text: str) -> str:
    """Slack's three control characters, made literal."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markdown_to_mrkdwn(text: str) -> str:
    """The brief's Markdown headings and bold, in Slack's mrkdwn (after escaping)."""
    text = re.sub(r"^#{1,6}\s*(.+)$", r"*\1*", text, flags=re.MULTILINE)
    return re.sub(r"\*\*(.+?)\*\*", r"*\1*", text)


def finding_text(finding: Finding) -> str:
    icon = _FINDING_ICONS.get(finding.kind, "•")
    if finding.kind in ("jargon", "acronym") and finding.term:
        expansion = getattr(finding, "expansion", None)
        spelled = f" ({escape(expansion)})" if expansion else ""
        plain = escape(finding.suggestion or "")
        return f"{icon} `{escape(finding.term)}`{spelled} → say: _{plain}_"
    goals = getattr(finding, "goals", None)
    parts = [escape(part) for part in (finding.message, finding.suggestion) if part]
    if goals:
        parts.append("\n".join(f"   {n}. {escape(str(goal))}" for n, goal in enumerate(goals, 1)))
    return f"{icon} " + " ".join(parts)


def button_value(choice: Choice, prep_id: int | None, step: Step) -> str:
    """What a click sends back: the choice, and the prep and step it was shown in."""
    return json.dumps({"c": choice.value, "p": prep_id, "s": step.value}, separators=(",", ":"))


def reply_blocks(reply: Reply, prep_id: int | None) -> list[Block]:
    blocks: list[Block] = []
    text = escape(reply.text)
    if reply.step is Step.BRIEF:
        text = markdown_to_mrkdwn(text)
    for start in range(0, len(text), SECTION_LIMIT):
        chunk = text[start : start + SECTION_LIMIT]
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
    if reply.findings:
        lines = "\n".join(finding_text(finding) for finding in reply.findings)
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": lines[:SECTION_LIMIT]}}
        )
    if reply.choices:
        blocks.append(_buttons(reply, prep_id))
    return blocks


def _buttons(reply: Reply, prep_id: int | None) -> Block:
    elements = []
    for index, choice in enumerate(reply.choices[:MAX_BUTTONS]):
        button: Block = {
            "type": "button",
            "action_id": f"{CHOICE_ACTION}-{index}",
            "text": {"type": "plain_text", "text": _label(choice.label), "emoji": True},
            "value": button_value(choice, prep_id, reply.step),
        }
        if choice.value == "next" or (index == 0 and choice.value.startswith("cmd:forget")):
            button["style"] = "primary" if choice.value == "next" else "danger"
        elements.append(button)
    return {"type": "actions", "elements": elements}


def _label(label: str) -> str:
    return label if len(label) <= BUTTON_LABEL_LIMIT else label[: BUTTON_LABEL_LIMIT - 1] + "…"


def turn_blocks(replies: list[Reply], prep_id: int | None) -> list[Block]:
    """One message for a whole turn; a finished brief or debrief offers its Markdown file."""
    blocks: list[Block] = []
    for reply in replies:
        blocks += reply_blocks(reply, prep_id)
    finished = replies and replies[-1].step in (Step.BRIEF, Step.DEBRIEF)
    if finished and prep_id is not None and replies[-1].expects is Expects.NONE:
        download = Choice(value=f"cmd:export {prep_id}", label="Download as Markdown")
        blocks.append(_buttons(replies[-1].model_copy(update={"choices": (download,)}), prep_id))
    return blocks[:MAX_BLOCKS]


def fallback_text(replies: list[Reply]) -> str:
    """The notification text (shown where blocks are not)."""
    if not replies:
        return "prep-talk"
    last = replies[-1]
    return f"{STEP_NAMES[last.step]}: {escape(last.text)[:150]}"
