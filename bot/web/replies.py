"""How the playground sends a coach reply to the page: the neutral reply, plus what the page
cannot decide on its own.

Two additions, both decided here once:

- `html`: the brief and the debrief are Markdown documents (from bot/templates/*.md.j2);
  the page shows them rendered, not as raw `[ ]`, `> ` and `---`. The rendering is safe:
  raw HTML is escaped, links, images and link references are off, so nothing a user wrote
  into their prep can become markup or a link.
- `long` on a choice: a choice whose label is a sentence (a listening question) is shown as
  a checklist item to read in full, not as a button.
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from bot.engine.messages import Reply, Step

DOCUMENT_STEPS = (Step.BRIEF, Step.DEBRIEF)
SENTENCE_LENGTH = 40  # longer labels are cut by Slack (75) and unreadable on a button row
TASK_BOX = '<input type="checkbox" class="task-box" disabled aria-label="to do"> '
DONE_BOX = '<input type="checkbox" class="task-box" disabled checked aria-label="done"> '


def is_sentence_choice(label: str) -> bool:
    """A label to read in full rather than click as a button: a sentence, not a word or two.

    The lead points this at the shared rule the other channels use once it is on main."""
    words = label.split()
    return len(label) > SENTENCE_LENGTH or (len(words) >= 5 and label.rstrip()[-1:] in "?.")


def is_document(reply: Reply) -> bool:
    """The brief and debrief documents open with a Markdown heading; other replies do not."""
    return reply.step in DOCUMENT_STEPS and reply.text.startswith("# ")


def reply_json(reply: Reply, markdown: MarkdownIt) -> dict[str, Any]:
    """The reply as the page gets it: the transcript format with `html` and `long` added."""
    shown = reply.model_dump(mode="json", exclude_none=True)
    if is_document(reply):
        shown["html"] = markdown.render(reply.text)
    for choice in shown.get("choices", []):
        choice["long"] = is_sentence_choice(choice["label"])
    return shown


def document_renderer() -> MarkdownIt:
    """CommonMark with raw HTML, links, images and references off, and `- [ ]` as a box."""
    markdown = MarkdownIt("commonmark", {"html": False, "breaks": True})
    markdown.disable(["html_block", "html_inline", "link", "image", "autolink", "reference"])
    markdown.core.ruler.push("task_boxes", _task_boxes)
    return markdown


def _task_boxes(state: StateCore) -> None:
    """`- [ ] item` in a list becomes a (read-only) checkbox before the item's text."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "inline" or index < 2 or tokens[index - 2].type != "list_item_open":
            continue
        children = token.children or []
        first = children[0] if children else None
        if first is None or first.type != "text":
            continue
        for prefix, box in (("[ ] ", TASK_BOX), ("[x] ", DONE_BOX), ("[X] ", DONE_BOX)):
            if first.content.startswith(prefix):
                first.content = first.content[len(prefix) :]
                box_token = Token("html_inline", "", 0)
                box_token.content = box
                children.insert(0, box_token)
                tokens[index - 2].attrSet("class", "task")
                break
