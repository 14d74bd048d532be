"""The scorecard at the end of a rehearsal: one line per habit, a score and the quote behind it.

A habit is scored over the replies where it was called for (the push-back's moves, or shown
unasked); Focus and Simplify are called for in every reply. 3 = every time, 2 = at least half
the time, 1 = at least once, 0 = never. A habit nothing called for gets no score. Each line
quotes a reply that earned it, or when it scored 0 one that missed it (the first not quoted
on an earlier line, so the card shows more of what was said), and the change since the last
rehearsal of the same prep.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.messages import COACHING_STEPS, STEP_NAMES, Step
from bot.engine.rehearsal.record import HabitScore, JudgedReply, Scorecard
from bot.engine.turn import quoted

TOP_SCORE = 3


def score(replies: Sequence[JudgedReply]) -> Scorecard:
    lines: list[HabitScore] = []
    for habit in COACHING_STEPS:
        quoted_already = {line.quote for line in lines}
        lines.append(_line(habit, replies, quoted_already))
    return Scorecard(lines=tuple(lines))


def _line(
    habit: Step, replies: Sequence[JudgedReply], quoted_already: set[str | None]
) -> HabitScore:
    judged = [reply for reply in replies if habit in reply.shown or habit in reply.missed]
    if not judged:
        return HabitScore(habit=habit)
    earned = [reply for reply in judged if habit in reply.shown]
    candidates = earned or judged
    fresh = [reply for reply in candidates if reply.said not in quoted_already]
    quote = (fresh or candidates)[0]
    return HabitScore(
        habit=habit,
        score=_points(len(earned), len(judged)),
        quote=quote.said,
        earned=bool(earned),
    )


def _points(shown: int, judged: int) -> int:
    if shown == judged:
        return TOP_SCORE
    if 2 * shown >= judged:
        return 2
    return 1 if shown else 0


def scorecard_text(card: Scorecard, previous: Scorecard | None, role: str) -> str:
    """The scorecard as the user reads it (and as the saved note of the rehearsal)."""
    heading = f"Rehearsal scorecard — {role} (0–{TOP_SCORE} per habit)"
    if previous is None:
        heading += ", first rehearsal"
    return "\n".join([heading, *(_line_text(line, previous) for line in card.lines)])


def _line_text(line: HabitScore, previous: Scorecard | None) -> str:
    name = STEP_NAMES[line.habit]
    if line.score is None or line.quote is None:
        return f"• {name}: — not called for this time"
    how = "earned by" if line.earned else "missed in"
    change = _change(line.score, previous.score_of(line.habit) if previous else None)
    return f"• {name}: {line.score}/{TOP_SCORE}{change} — {how} {quoted(line.quote, 100)}"


def _change(now: int, before: int | None) -> str:
    if before is None:
        return ""
    if now == before:
        return " (same as last time)"
    return f" ({now - before:+d} since last time)".replace("-", "−")
