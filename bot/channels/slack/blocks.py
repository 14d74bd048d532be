"""Replies as Block Kit: sections, finding lines and buttons. All text is made literal first.

User text must never become markup (README). Reply text quotes the user's own words, so every
string we send goes through `escape`:
- `&`, `<` and `>` are Slack's control characters: a user's `<!channel>` or `<http://x|y>`
  echoed unescaped would become a mention or a link. They are escaped as Slack documents.
- `*bold*`, `_italic_`, `~strike~` and backticks have no escape in mrkdwn. A zero-width space
  on each side of those characters keeps them from opening or closing a span (Slack needs a
  non-space right inside the delimiters), and one before a line's leading `>` keeps it from
  quoting. The text reads the same.
- Bare URLs, `www.` and `name@host` are broken with a word joiner (`bot.channels.literal`),
  and every text object is `verbatim`, so Slack links no URL or channel name on its own.
Why not `plain_text` sections: the brief and the findings carry the coach's own bold, code
and italics around quoted words, and a plain_text object cannot mix the two.
"""

from __future__ import annotations

import re
from typing import Any

from bot.channels.choices import PICKED, ChoiceLayout, layout
from bot.channels.literal import unlinked
from bot.channels.slack.values import MAX_PICKS, PICKS_ACTION, PICKS_BLOCK, button_value
from bot.engine.findings import Finding, MultipleGoalsFinding, TermFinding, Tip
from bot.engine.messages import STEP_NAMES, Choice, Expects, Reply, Step

Block = dict[str, Any]
SECTION_LIMIT = 2900  # Slack allows 3000 characters in a section's text
BUTTON_LABEL_LIMIT = 75
MAX_BUTTONS = 25
MAX_BLOCKS = 50
CHOICE_ACTION = "choice"
ADD_TICKED = "Add the ticked ones"
TICK_LABEL = "Tick the ones you want"
ZERO_WIDTH_SPACE = "\u200b"
_FORMATTING = re.compile(r"([*_~`])")
_QUOTE = re.compile(r"^&gt;", re.MULTILINE)
_HEADING = re.compile(r"^#{1,6}\s+(?=\S)")
_LABEL = re.compile(r"^\*\*([^*\n]{1,60}:)\*\*")

# One per kind of finding (a test checks that every kind has its own).
FINDING_ICONS = {
    "jargon": "🗣️",
    "acronym": "🔤",
    "unfamiliar": "🔍",
    "readability": "📏",
    "fear": "😨",
    "priorities": "🤝",
    "multiple_goals": "🎯",
    "closed_question": "❓",
    "leading_question": "👉",
    "accusing_question": "⚖️",
    "blaming_hypothesis": "🫵",
    "crunch_period": "⏳",
    "quiet_window": "🌤️",
    "holiday": "🏖️",
    "weekend": "📅",
    "missing_why": "✨",
    "trimmed": "✂️",
    "forgotten": "🗑️",
}


def escape(text: str) -> str:
    """`text` shown exactly as typed in mrkdwn: no mention, link, formatting or quote."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # Also at either end of `text`: the coach's own styling around it (`term`, _suggestion_)
    # is then not applied, rather than pairing with a delimiter of the user's.
    text = _FORMATTING.sub(f"{ZERO_WIDTH_SPACE}\\1{ZERO_WIDTH_SPACE}", text)
    return unlinked(_QUOTE.sub(f"{ZERO_WIDTH_SPACE}&gt;", text))


def mrkdwn(text: str) -> Block:
    """A mrkdwn text object that Slack shows as sent (no automatic links or mentions)."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def brief_mrkdwn(text: str) -> str:
    """The brief's Markdown headings and leading `**Label:**` in bold and its `> ` quote, as
    mrkdwn; every word escaped. (A line of the user's own that starts like these is styled
    too: the brief is one text, so its markup is read line by line, as on Teams.)"""
    lines = []
    for line in text.split("\n"):
        heading, label = _HEADING.match(line), _LABEL.match(line)
        if heading is not None:
            lines.append(f"*{escape(line[heading.end() :].strip())}*")
        elif label is not None:
            lines.append(f"*{escape(label.group(1))}*{escape(line[label.end() :])}")
        elif line.startswith("> "):
            lines.append(f"&gt; {escape(line[2:])}")
        else:
            lines.append(escape(line))
    return "\n".join(lines)


def finding_text(finding: Finding) -> str:
    icon = FINDING_ICONS[finding.kind]
    if isinstance(finding, TermFinding):
        spelled = f" ({escape(finding.expansion)})" if finding.expansion else ""
        plain = escape(finding.suggestion)
        return f"{icon} `{escape(finding.term)}`{spelled} → say: _{plain}_"
    parts = [escape(finding.message)]
    if isinstance(finding, Tip):
        parts.append(escape(finding.suggestion))
    if isinstance(finding, MultipleGoalsFinding):
        goals = enumerate(finding.goals, 1)
        parts.append("\n".join(f"   {n}. {escape(goal)}" for n, goal in goals))
    return f"{icon} " + " ".join(parts)


def reply_blocks(reply: Reply, prep_id: int | None) -> list[Block]:
    blocks: list[Block] = []
    text = brief_mrkdwn(reply.text) if reply.step is Step.BRIEF else escape(reply.text)
    blocks += [{"type": "section", "text": mrkdwn(part)} for part in _sections(text)]
    if reply.findings:
        lines = "\n".join(finding_text(finding) for finding in reply.findings)
        blocks.append({"type": "section", "text": mrkdwn(lines[:SECTION_LIMIT])})
    choices = layout(reply)
    if choices.listed:
        blocks += _listed(choices, reply.step, prep_id)
    if choices.buttons:
        blocks.append(_buttons(choices.buttons, reply.step, prep_id))
    return blocks


def _sections(text: str) -> list[str]:
    """`text` in pieces that fit a section, cut at a line break (else a space) so that no word
    is split between two blocks."""
    parts = []
    while len(text) > SECTION_LIMIT:
        window = text[:SECTION_LIMIT]
        cut = window.rfind("\n")
        cut = cut if cut > 0 else window.rfind(" ")
        cut = cut if cut > 0 else SECTION_LIMIT
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n ")
    return [*parts, text] if text else parts


def _listed(choices: ChoiceLayout, step: Step, prep_id: int | None) -> list[Block]:
    """Sentence-long choices numbered in full; then checkboxes (in an input block, so a tick
    sends nothing) and one submit, or a short numbered button per choice."""
    numbered = "\n".join(f"*{n}.* {escape(c.label)}" for n, c in enumerate(choices.listed, 1))
    blocks: list[Block] = [{"type": "section", "text": mrkdwn(numbered[:SECTION_LIMIT])}]
    if not choices.several:
        numbers = [c.model_copy(update={"label": str(n)}) for n, c in enumerate(choices.listed, 1)]
        return [*blocks, _buttons(tuple(numbers), step, prep_id)]
    options = [
        {"text": {"type": "plain_text", "text": _label(f"{n}. {c.label}")}, "value": c.value}
        for n, c in enumerate(choices.listed[:MAX_PICKS], 1)
    ]
    checklist = {"type": "checkboxes", "action_id": PICKS_ACTION, "options": options}
    submit: Block = {
        "type": "button",
        "action_id": f"{CHOICE_ACTION}-0",  # alone in its block
        "text": {"type": "plain_text", "text": ADD_TICKED},
        "style": "primary",
        "value": button_value(PICKED, prep_id, step),
    }
    return [
        *blocks,
        {
            "type": "input",
            "block_id": PICKS_BLOCK,
            "optional": True,
            "element": checklist,
            "label": {"type": "plain_text", "text": TICK_LABEL},
        },
        {"type": "actions", "elements": [submit]},
    ]


def _buttons(choices: tuple[Choice, ...], step: Step, prep_id: int | None) -> Block:
    elements = []
    for index, choice in enumerate(choices[:MAX_BUTTONS]):
        button: Block = {
            "type": "button",
            "action_id": f"{CHOICE_ACTION}-{index}",
            "text": {"type": "plain_text", "text": _label(choice.label), "emoji": True},
            "value": button_value(choice.value, prep_id, step),
        }
        if choice.value == "next" or (index == 0 and choice.value.startswith("cmd:forget")):
            button["style"] = "primary" if choice.value == "next" else "danger"
        elements.append(button)
    return {"type": "actions", "elements": elements}


def _label(label: str) -> str:
    """A label cut to Slack's 75 characters (a listed choice is also shown in full above)."""
    return label if len(label) <= BUTTON_LABEL_LIMIT else label[: BUTTON_LABEL_LIMIT - 1] + "…"


def turn_blocks(replies: list[Reply], prep_id: int | None) -> list[Block]:
    """One message for a whole turn; a finished brief or debrief offers its Markdown file."""
    blocks: list[Block] = []
    for reply in replies:
        blocks += reply_blocks(reply, prep_id)
    finished = replies and replies[-1].step in (Step.BRIEF, Step.DEBRIEF)
    if finished and prep_id is not None and replies[-1].expects is Expects.NONE:
        download = Choice(value=f"cmd:export {prep_id}", label="Download as Markdown")
        blocks.append(_buttons((download,), replies[-1].step, prep_id))
    return blocks[:MAX_BLOCKS]


def fallback_text(replies: list[Reply]) -> str:
    """The notification text (shown where blocks are not)."""
    if not replies:
        return "prep-talk"
    last = replies[-1]
    return f"{STEP_NAMES[last.step]}: {escape(last.text)[:150]}"
