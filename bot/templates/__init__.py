"""Jinja2 templates for the brief and debrief notes."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2


@dataclass(frozen=True)
class BriefTemplates:
    brief: jinja2.Template
    debrief: jinja2.Template


def load_brief_templates() -> BriefTemplates:
    """The note templates, from this package (plain text: escaping belongs to each renderer)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bot", "templates"),
        autoescape=False,  # noqa: S701 - Markdown notes, never served as HTML
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    return BriefTemplates(env.get_template("brief.md.j2"), env.get_template("debrief.md.j2"))
