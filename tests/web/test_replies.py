"""What the page gets for a reply: documents rendered safely, long choices marked long."""

from __future__ import annotations

from bot.engine.messages import Choice, Expects, Reply, Step
from bot.web.replies import Node, document_parser, reply_json

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


def walk(nodes: list[Node]) -> list[Node]:
    """Every node of a document tree, depth first."""
    return [n for node in nodes for n in (node, *walk(node.get("children", [])))]


def text_of(nodes: list[Node]) -> str:
    return "".join(node.get("text", "") for node in walk(nodes))


def find(nodes: list[Node], tag: str) -> list[Node]:
    return [node for node in walk(nodes) if node.get("tag") == tag]


def document_of(reply: Reply) -> list[Node]:
    nodes: list[Node] = reply_json(reply, document_parser())["document"]
    return nodes


def test_a_brief_becomes_a_document_with_boxes_quotes_and_rules() -> None:
    document = document_of(brief_reply())

    assert document[0] == {
        "tag": "h1",
        "children": [{"text": "Prep brief: Sales — the VP of Sales"}],
    }
    assert find(document, "strong")[0]["children"] == [{"text": "Goal (one outcome):"}]
    tasks = [
        (item["task"], text_of(item["children"])) for item in find(document, "li") if "task" in item
    ]
    assert tasks == [("todo", "Training scores by region"), ("done", "Already gathered")]
    assert text_of(find(document, "blockquote")) == "Can we find twenty minutes?"
    assert len(find(document, "hr")) == 1
    assert "[ ]" not in text_of(document) and "---" not in text_of(document)


def test_what_a_user_wrote_into_the_brief_stays_text_and_never_becomes_a_link() -> None:
    document = document_of(brief_reply())
    text = text_of(document)

    tags = {node["tag"] for node in walk(document) if "tag" in node}
    assert tags <= {"h1", "h2", "p", "strong", "ul", "li", "blockquote", "hr", "br"}
    assert "<img src=x onerror=alert(1)>" in text
    assert "<script>alert(2)</script>" in text
    assert "[click me](javascript:alert(3))" in text  # shown as written, not a link
    assert "[ref]: https://evil.example" in text  # a link reference stays visible text


def test_only_brief_and_debrief_documents_come_as_documents() -> None:
    coach_line = Reply(step=Step.FEEL, text="# not a document\n**Sellers** said so")
    closing = Reply(step=Step.BRIEF, text="Saved as a private note.", expects=Expects.NONE)
    debrief = Reply(step=Step.DEBRIEF, text="# Debrief: Sales\n\n## What I heard\nBusy.")

    assert "document" not in reply_json(coach_line, document_parser())
    assert "document" not in reply_json(closing, document_parser())
    assert text_of(find(document_of(debrief), "h2")) == "What I heard"


def test_sentence_choices_are_listed_and_the_controls_stay_buttons() -> None:
    question = "What would make the training worth the time of your team?"
    reply = Reply(
        step=Step.FEEL,
        text="Pick questions.",
        expects=Expects.TEXT,
        choices=(Choice(value="q1", label=question), Choice(value="pause", label="Pause")),
        pick_several=True,
    )

    shown = reply_json(reply, document_parser())

    assert shown["choices"] == [
        {"value": "q1", "label": question, "listed": True},
        {"value": "pause", "label": "Pause", "listed": False},
    ]
    assert shown["several"] is True


def test_a_list_is_single_pick_unless_the_engine_allows_several() -> None:
    goals = (
        Choice(value="goal1", label="Every seller finishes the course before the quarter ends"),
        Choice(value="goal2", label="Managers remind their teams in the weekly call"),
    )
    listed = Reply(step=Step.FOCUS, text="Pick one goal.", expects=Expects.CHOICE, choices=goals)
    short = Reply(
        step=Step.TIMING,
        text="Pick a date.",
        expects=Expects.CHOICE,
        choices=(Choice(value="next", label="Use this date"), Choice(value="back", label="Back")),
    )

    one = reply_json(listed, document_parser())
    buttons = reply_json(short, document_parser())

    assert [choice["listed"] for choice in one["choices"]] == [True, True]
    assert one["several"] is False
    assert [choice["listed"] for choice in buttons["choices"]] == [False, False]
    assert buttons["several"] is False
