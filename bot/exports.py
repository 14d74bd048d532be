"""A prep and its notes as one Markdown document (CLI export, Slack download)."""

from __future__ import annotations

from bot.coach import PrepDetail
from bot.playbook.library import PlaybookLibrary


def prep_markdown(detail: PrepDetail, library: PlaybookLibrary) -> str:
    book = library.find(detail.stakeholder)
    title = f"{book.name} — {book.role}" if book else detail.stakeholder
    lines = [f"# Prep notes: {title}", "", f"Status: {detail.status}"]
    if detail.planned_date:
        lines.append(f"Planned date: {detail.planned_date.isoformat()}")
    for note in detail.notes:
        lines += ["", f"## {note.step.capitalize()}", "", note.text]
    return "\n".join(lines) + "\n"


def as_file(markdown: str) -> str:
    """A Markdown document to save or share as a file: every "<" written as "&lt;", so the
    user's own words can never open an HTML tag (`<img onerror=…>`) in a renderer that
    allows HTML in Markdown. It reads the same when rendered; a chat shows the document
    through its own escaping and needs none of this."""
    return markdown.replace("<", "&lt;")
