"""Feedback on one rehearsal reply: what worked, what to change (quoting the user), and one
better reply built from the playbook's own reply and this prep's goal."""

from __future__ import annotations

from bot.engine.context import CoachContext
from bot.engine.findings import Finding, TermFinding
from bot.engine.rehearsal.judging import ReplyCheck
from bot.engine.turn import quoted
from bot.playbook.schema import Move

MOST_POINTS = 2  # at most this many fixes per reply: short feedback is feedback people use

PRAISE: dict[Move, str] = {
    Move.ACKNOWLEDGE: "you named their concern before answering",
    Move.ASK_BACK: "you asked back instead of arguing",
    Move.ONE_GOAL: "you stayed on one ask",
    Move.LOWER_BURDEN: "you offered to make it lighter for them",
    Move.GIVE_WHY: "you said why it matters to them",
}


def feedback_text(check: ReplyCheck, example: str, ctx: CoachContext) -> str:
    """Short and specific: the user's words, one line of praise, the fixes, a better reply."""
    lines = [f"You said: {quoted(check.said, 120)}"]
    praise = [PRAISE[move] for move in Move if move in check.shown and move in check.expected]
    if praise:
        lines.append("Good: " + "; ".join(praise[:2]) + ".")
    fixes = [_fix(move, check, ctx) for move in check.missed]
    if len(check.asks) > 1 and Move.ONE_GOAL not in check.missed:
        fixes.append(_fix(Move.ONE_GOAL, check, ctx))
    fixes += [_in_words(finding) for finding in check.language[:1]]
    lines += [f"Try: {fix}" for fix in fixes[:MOST_POINTS]]
    if not fixes:
        lines.append("That is how to answer it.")
    lines.append(f"A stronger reply: {quoted(example, 400)}")
    return "\n".join(lines)


def example_reply(playbook_reply: str, goal: str | None, moves: tuple[Move, ...]) -> str:
    """The playbook's good reply; with the one goal said plainly when staying on it matters."""
    if not goal or Move.ONE_GOAL not in moves:
        return playbook_reply
    ask = goal.strip().rstrip(".!")
    if len(ask) > 1 and ask[1].islower():
        ask = ask[0].lower() + ask[1:]
    return f"{playbook_reply} The one thing I'm asking: {ask}."


def _fix(move: Move, check: ReplyCheck, ctx: CoachContext) -> str:
    book = ctx.playbook
    if move is Move.ACKNOWLEDGE:
        start = f"{quoted(check.arguing, 80)} argues back; " if check.arguing else ""
        return f"{start}name their concern first (“Fair — I know what this time is like”)."
    if move is Move.ASK_BACK:
        if check.weak_question:
            question, verdict = check.weak_question
            return f"your question {quoted(question, 80)} is {verdict.value}; ask it openly."
        return "ask a question back — what would make this work for them?"
    if move is Move.ONE_GOAL:
        if len(check.asks) > 1:
            asks = " and ".join(quoted(ask, 60) for ask in check.asks[:2])
            return f"keep to one ask; you made {len(check.asks)}: {asks}."
        return "come back to the one outcome you want from this talk."
    if move is Move.LOWER_BURDEN:
        return (
            "offer to take something off their plate — a shorter version, a quiet week, "
            "the legwork done by your team."
        )
    return f"say why it matters to {book.team}: {book.priorities[0].lower()}."


def _in_words(finding: Finding) -> str:
    if isinstance(finding, TermFinding):
        return f"say “{finding.suggestion}” instead of {quoted(finding.term, 40)}."
    return finding.message
