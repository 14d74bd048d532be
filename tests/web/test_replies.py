"""What the page gets for a reply: documents rendered safely, long choices marked long."""

from __future__ import annotations

import pytest

from bot.engine.messages import Choice, Expects, Reply, Step
from bot.playbook.library import load_library
from bot.web.replies import document_renderer, is_sentence_choice, reply_json

HOSTILE_BRIEF = """# Prep brief: Sales — the VP of Sales

**Goal (one outcome):** <img src=x onerror=alert(1)> and <script>alert(2)</script>

## Feel — listen first
- [click me](javascript:alert(3)) ![pic](https://evil.example/p.png) <https://evil.example>
[ref]: https://evil.example

Data points that support the goal:
- [ ] Training scores by region
- [x] Already gathered

> Can we find twenty minutes?

---
Remember: listen first."""


def brief_reply(text: str = HOSTILE_BRIEF) -> Reply:
    return Reply(step=Step.BRIEF, text=text)


def test_a_brief_is_rendered_as_a_document_with_boxes_quotes_and_rules() -> None:
    html = reply_json(brief_reply(), document_renderer())["html"]

    assert "<h1>Prep brief: Sales — the VP of Sales</h1>" in html
    assert "<strong>Goal (one outcome):</strong>" in html
    assert '<li class="task"><input type="checkbox" class="task-box" disabled' in html
    assert "disabled checked" in html
    assert "<blockquote>\n<p>Can we find twenty minutes?</p>\n</blockquote>" in html
    assert "<hr />" in html
    assert "[ ]" not in html and "---" not in html


def test_what_a_user_wrote_into_the_brief_never_becomes_markup_or_a_link() -> None:
    html = reply_json(brief_reply(), document_renderer())["html"]

    assert "<img" not in html and "<script" not in html and "<a " not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "[click me](javascript:alert(3))" in html  # shown as written, not a link
    assert "[ref]: https://evil.example" in html  # a link reference stays visible text


def test_only_brief_and_debrief_documents_get_html() -> None:
    markdown = document_renderer()
    coach_line = Reply(step=Step.FEEL, text="# not a document\n**Sellers** said so")
    closing = Reply(step=Step.BRIEF, text="Saved as a private note.", expects=Expects.NONE)
    debrief = Reply(step=Step.DEBRIEF, text="# Debrief: Sales\n\n## What I heard\nBusy.")

    assert "html" not in reply_json(coach_line, markdown)
    assert "html" not in reply_json(closing, markdown)
    assert "<h2>What I heard</h2>" in reply_json(debrief, markdown)["html"]


@pytest.mark.parametrize(
    "label",
    [
        "Next",
        "Back",
        "Pause",
        "Use this date",
        "Looks good, continue",
        "Done — continue to Focus",
        "Continue to listening questions",
        "I have what I need — continue",
        "Use Tue 14 Apr 2026",
    ],
)
def test_short_choices_stay_buttons(label: str) -> None:
    assert not is_sentence_choice(label)


def test_every_playbooks_listening_question_is_read_as_a_sentence() -> None:
    questions = [q for book in load_library().all() for q in book.listening_questions]

    assert questions
    assert all(is_sentence_choice(question) for question in questions), [
        q for q in questions if not is_sentence_choice(q)
    ]


def test_each_choice_says_whether_it_is_long() -> None:
    question = "What would make the training worth the time of your team?"
    reply = Reply(
        step=Step.FEEL,
        text="Pick questions.",
        expects=Expects.TEXT,
        choices=(Choice(value="q1", label=question), Choice(value="pause", label="Pause")),
    )

    shown = reply_json(reply, document_renderer())["choices"]

    assert shown == [
        {"value": "q1", "label": question, "long": True},
        {"value": "pause", "label": "Pause", "long": False},
    ]
