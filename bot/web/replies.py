"""How the playground sends a coach reply to the page: the neutral reply, plus what the page
cannot decide on its own.

Two additions, both decided here once:

- `document`: the brief and the debrief are Markdown documents (from bot/templates/*.md.j2);
  the page shows them as a document, not as raw `[ ]`, `> ` and `---`. The Markdown is parsed
  here into a tree of a few plain elements (headings, paragraphs, lists, quotes, rules,
  bold) and text; the page builds it with DOM calls, so no HTML string is ever made. Raw
  HTML stays text; links, images and link references are off, so nothing a user wrote into
  their prep can become markup or a link. `- [ ] item` becomes a read-only checkbox.
- `listed` on each choice and `several` on the reply: choices whose labels are sentences (a
  listening question) are a list to read in full and pick from, with one submit; several may
  be ticked where the engine allows it. The rule is the one every channel uses
  (`bot.channels.choices.layout`).
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from bot.channels.choices import layout
from bot.engine.messages import Reply, Step

DOCUMENT_STEPS = (Step.BRIEF, Step.DEBRIEF)
# The page builds only these elements (render.js keeps the same list).
DOCUMENT_TAGS = frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "blockquote", "hr", "br"}
    | {"strong", "em", "code", "pre"}
)
TASK_MARKS = {"[ ] ": "todo", "[x] ": "done", "[X] ": "done"}

Node = dict[str, Any]


def is_document(reply: Reply) -> bool:
    """The brief and debrief documents open with a Markdown heading; other replies do not."""
    return reply.step in DOCUMENT_STEPS and reply.text.startswith("# ")


def reply_json(reply: Reply, markdown: MarkdownIt) -> dict[str, Any]:
    """The reply as the page gets it: the transcript format with `document`, `listed` and
    `several` added."""
    shown = reply.model_dump(mode="json", exclude_none=True)
    if is_document(reply):
        shown["document"] = document_tree(reply.text, markdown)
    choices = layout(reply)
    listed = {choice.value for choice in choices.listed}
    for choice in shown.get("choices", []):
        choice["listed"] = choice["value"] in listed
    shown["several"] = choices.several
    return shown


def document_parser() -> MarkdownIt:
    """CommonMark with raw HTML, links, images and link references off; line breaks kept."""
    markdown = MarkdownIt("commonmark", {"html": False, "breaks": True})
    return markdown.disable(["html_block", "html_inline", "link", "image", "autolink", "reference"])


def document_tree(text: str, markdown: MarkdownIt) -> list[Node]:
    """A Markdown document as nodes: `{"text": …}` or `{"tag": …, "children": […]}`."""
    return _nodes(SyntaxTreeNode(markdown.parse(text)).children)


def _nodes(children: list[SyntaxTreeNode]) -> list[Node]:
    return [node for child in children for node in _node(child)]


def _node(node: SyntaxTreeNode) -> list[Node]:
    if node.type == "text":
        return [{"text": node.content}] if node.content else []
    if node.type in ("code_block", "fence"):
        return [{"tag": "pre", "children": [{"tag": "code", "children": [{"text": node.content}]}]}]
    if node.type == "code_inline":
        return [{"tag": "code", "children": [{"text": node.content}]}]
    children = _nodes(node.children)
    if node.type == "inline" or node.hidden or node.tag not in DOCUMENT_TAGS:
        return children  # a tight list's paragraph, or anything else: its content only
    shown: Node = {"tag": node.tag, "children": children}
    if node.type == "list_item":
        _mark_task(shown)
    return [shown]


def _mark_task(item: Node) -> None:
    """`[ ] ` or `[x] ` at the start of a list item: a task, open or done."""
    first = item["children"][0] if item["children"] else None
    if first is not None and first.get("tag") == "p" and first["children"]:
        first = first["children"][0]  # a loose list wraps its item in a paragraph
    if first is None or "text" not in first:
        return
    for mark, task in TASK_MARKS.items():
        if first["text"].startswith(mark):
            first["text"] = first["text"][len(mark) :]
            item["task"] = task
            return
