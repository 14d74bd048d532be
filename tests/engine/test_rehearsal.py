"""Rehearsing a finished prep on the pure engine: the coach plays the stakeholder.

Transcripts read like a user: finish a sales prep, rehearse it, answer the push-back,
get feedback and a scorecard; rehearse again and see what changed.
"""

from __future__ import annotations

from bot.engine import flow
from bot.engine.context import CoachContext
from bot.engine.messages import Expects, Inbound, Step
from bot.engine.rehearsal.picking import pick_objections
from bot.engine.rehearsal.record import JudgedReply
from bot.engine.rehearsal.scorecard import score, scorecard_text
from bot.engine.state import PrepState, Status
from tests.conftest import ContextFactory
from tests.engine.dialog import Dialog
from tests.engine.test_prep_transcripts import through_simplify

GOOD = (
    "Fair, I hear you. I'll cut it to fifteen minutes in a quiet week. What would help your team?"
)
POOR = "No, it's mandatory. You have to do it."


def briefed(ctx: CoachContext) -> Dialog:
    d = Dialog.start(ctx)
    through_simplify(d)
    d.say("Keeping customer data safe protects the trust that wins renewals.")
    d.pick("next")
    assert d.state.status is Status.BRIEFED
    return d


def rehearsing(ctx: CoachContext) -> Dialog:
    d = briefed(ctx)
    d._apply(flow.start_rehearsal(d.state, ctx))
    return d


def debrief(d: Dialog, ctx: CoachContext) -> None:
    d._apply(flow.start_debrief(d.state, ctx))
    for answer in ("They want it shorter.", "A short module.", "Me, by Friday."):
        d.say(answer)
    d.pick("skip")  # no measured outcome
    assert d.state.status is Status.CLOSED


def answer_all(d: Dialog, said: str) -> None:
    while d.state.step is Step.REHEARSE:
        d.say(said)


def card_lines(text: str) -> dict[str, str]:
    lines = [line.removeprefix("• ") for line in text.splitlines()[1:]]
    return {line.split(":", 1)[0]: line for line in lines}


# Which push-back is picked


def prep_about(goal: str, hypotheses: list[str]) -> PrepState:
    return PrepState(stakeholder="sales", goal=goal, hypotheses=hypotheses)


def test_the_push_back_that_speaks_to_the_goal_comes_first(make_context: ContextFactory) -> None:
    book = make_context().playbook
    sign_in = prep_about("Sellers turn on the one-tap sign-in on their phones", ["Login is slow"])
    assert pick_objections(sign_in, book)[0].objection.startswith("Extra sign-in steps")
    timing = prep_about("Finish the course before the close of the quarter", ["No time"])
    assert pick_objections(timing, book)[0].objection.startswith("We're three weeks from close")
    managers = prep_about("Managers report completion for their team", ["Nobody chases it"])
    assert pick_objections(managers, book)[0].objection.startswith("My managers")


def test_three_to_five_are_picked_and_the_typical_ones_fill_in(
    make_context: ContextFactory,
) -> None:
    book = make_context().playbook
    nothing_in_common = pick_objections(prep_about("Zebra", ["Xylophone"]), book)
    assert nothing_in_common == tuple(book.objections[:3])
    broad = prep_about(
        "Finish the training before quarter close with one-tap sign-in on the road",
        ["Managers never chase completion", "IT could make it automatic", "Generic course"],
    )
    picked = pick_objections(broad, book)
    assert 3 <= len(picked) <= 5 and len({o.objection for o in picked}) == len(picked)


# The rehearsal, turn by turn


def test_the_brief_offers_a_rehearsal(make_context: ContextFactory) -> None:
    d = briefed(make_context())
    assert d.last.step is Step.BRIEF and d.choices() == ["rehearse"]


def test_a_prep_still_in_progress_finishes_its_brief_first(make_context: ContextFactory) -> None:
    ctx = make_context()
    d = Dialog.start(ctx)
    turn = flow.start_rehearsal(d.state, ctx)
    assert turn.state == d.state
    assert "brief first" in turn.replies[0].text and turn.replies[-1].expects is Expects.NONE


def test_the_stakeholder_opens_then_pushes_back_in_their_own_words(
    make_context: ContextFactory,
) -> None:
    ctx = make_context()
    d = rehearsing(ctx)
    assert d.state.status is Status.IN_PROGRESS and d.state.step is Step.REHEARSE
    opening = d.last
    assert opening.expects is Expects.TEXT and opening.cue is not None
    assert opening.cue.scripted_line == opening.text and opening.cue.role == "the VP of Sales"
    assert opening.cue.persona == ctx.playbook.summary and opening.cue.goal == d.state.goal
    d.say("Thanks for the time. How does the yearly training look from your side?")
    line = d.last
    assert line.cue is not None and line.cue.objection == line.text
    assert line.text in {o.objection for o in ctx.playbook.objections}
    assert (
        line.cue.user_reply
        == "Thanks for the time. How does the yearly training look from your side?"
    )


def test_feedback_quotes_the_reply_and_offers_a_better_one_with_the_goal(
    make_context: ContextFactory,
) -> None:
    ctx = make_context()
    d = rehearsing(ctx)
    d.say("Thanks for the time. How does the yearly training look from your side?")
    raised = d.last.text
    objection = next(o for o in ctx.playbook.objections if o.objection == raised)
    d.say(POOR)
    feedback = d.replies[0].text
    assert feedback.startswith(f"You said: “{POOR}”")
    assert "“No, it's mandatory” argues back" in feedback
    assert f"A stronger reply: “{objection.reply}" in feedback
    if "one_goal" in objection.moves:
        assert d.state.goal is not None and d.state.goal[1:] in feedback
    assert d.last.cue is not None, "the next line of push-back follows the feedback"


def test_a_jargon_reply_gets_the_plain_words_as_findings(make_context: ContextFactory) -> None:
    d = rehearsing(make_context())
    d.say("Fair. We just need EDR on every endpoint, for customers.")
    assert d.findings("acronym") and "EDR" in d.replies[0].text


def test_the_scorecard_scores_each_habit_and_is_saved_as_the_rehearsal_note(
    make_context: ContextFactory,
) -> None:
    d = rehearsing(make_context())
    answer_all(d, GOOD)
    card = next(r.text for r in d.replies if r.text.startswith("Rehearsal scorecard"))
    lines = card_lines(card)
    assert list(lines) == ["Feel", "Focus", "Slow down", "Simplify", "Spark"]
    assert f"earned by “{GOOD}”" in lines["Feel"] and "3/3" in lines["Focus"]
    assert "first rehearsal" in card
    assert d.notes["rehearse"] == card
    assert d.state.status is Status.BRIEFED and d.state.step is Step.BRIEF
    assert d.state.rehearsal is None and d.last.expects is Expects.NONE
    assert d.choices() == ["rehearse"]


def test_rehearsing_again_shows_the_change_since_last_time(make_context: ContextFactory) -> None:
    ctx = make_context()
    d = rehearsing(ctx)
    answer_all(d, POOR)
    first = card_lines(d.notes["rehearse"])
    assert "0/3" in first["Feel"] and f"missed in “{POOR}”" in first["Feel"]
    d._apply(flow.start_rehearsal(d.state, ctx))
    midway = flow.advance(d.state, Inbound(text=GOOD), ctx)
    assert not midway.notes, "the last scorecard stays the note until the next one is done"
    d._apply(midway)
    answer_all(d, GOOD)
    second = card_lines(d.notes["rehearse"])
    assert "3/3 (+3 since last time)" in second["Feel"]
    assert "(same as last time)" in second["Simplify"]
    assert len(d.state.scorecards) == 2


def test_a_closed_prep_is_rehearsed_and_stays_closed(make_context: ContextFactory) -> None:
    ctx = make_context()
    d = briefed(ctx)
    debrief(d, ctx)
    assert d.state.status is Status.CLOSED
    d._apply(flow.start_rehearsal(d.state, ctx))
    answer_all(d, GOOD)
    assert d.state.status is Status.CLOSED and d.state.step is Step.DEBRIEF
    assert "Me, by Friday." in d.state.debrief.next_step


# Navigation words, as elsewhere


def test_next_skips_a_line_unjudged_and_skipping_all_scores_nothing(
    make_context: ContextFactory,
) -> None:
    d = rehearsing(make_context())
    first = d.last.text
    d.pick("next")
    assert d.last.text != first and not d.replies[0].text.startswith("You said")
    while d.state.step is Step.REHEARSE:
        d.say("next")
    assert "nothing to score" in d.text and not d.notes.get("rehearse")
    assert d.state.status is Status.BRIEFED and not d.state.scorecards


def test_pause_keeps_the_rehearsal_and_the_prep_finished_until_rehearse_picks_it_up(
    make_context: ContextFactory,
) -> None:
    ctx = make_context()
    d = rehearsing(ctx)
    d.say(GOOD)
    waiting = d.last.text
    d.say("pause")
    assert "Rehearsal paused" in d.text and d.last.expects is Expects.NONE
    assert d.state.status is Status.BRIEFED and d.state.step is Step.BRIEF
    d._apply(flow.start_rehearsal(d.state, ctx))
    assert "Back to your rehearsal" in d.text and d.last.text == waiting
    assert d.state.rehearsal is not None and len(d.state.rehearsal.replies) == 1
    answer_all(d, GOOD)
    assert d.state.status is Status.BRIEFED and len(d.state.scorecards) == 1


def test_a_rehearsal_paused_before_the_debrief_returns_to_the_closed_prep(
    make_context: ContextFactory,
) -> None:
    ctx = make_context()
    d = rehearsing(ctx)
    d.say("pause")
    debrief(d, ctx)
    d._apply(flow.start_rehearsal(d.state, ctx))
    answer_all(d, GOOD)
    assert d.state.status is Status.CLOSED and d.state.step is Step.DEBRIEF


def test_back_stays_on_the_line_and_restart_starts_the_rehearsal_over(
    make_context: ContextFactory,
) -> None:
    d = rehearsing(make_context())
    d.say(GOOD)
    waiting = d.last.text
    d.say("back")
    assert "no going back" in d.text and d.last.text == waiting
    d.say("restart")
    assert "Starting the rehearsal over" in d.text
    assert d.state.rehearsal is not None and not d.state.rehearsal.replies
    assert d.state.goal and d.state.hypotheses, "restart never clears the prep's answers"


def test_help_explains_and_asks_the_same_line_again(make_context: ContextFactory) -> None:
    d = rehearsing(make_context())
    waiting = d.last.text
    d.say("help")
    assert "next (skip this line)" in d.replies[0].text and d.last.text == waiting


# The scorecard's arithmetic


def test_scores_count_the_replies_where_a_habit_was_called_for() -> None:
    replies = [
        JudgedReply(said="one", shown=(Step.FEEL, Step.FOCUS), missed=(Step.WHY,)),
        JudgedReply(said="two", shown=(Step.FOCUS,), missed=(Step.FEEL, Step.WHY)),
        JudgedReply(said="three", shown=(Step.FOCUS,), missed=(Step.FEEL, Step.WHY)),
    ]
    card = score(replies)
    assert card.score_of(Step.FOCUS) == 3
    assert card.score_of(Step.FEEL) == 1
    assert card.score_of(Step.WHY) == 0
    assert card.score_of(Step.TIMING) is None
    lines = card_lines(scorecard_text(card, None, "the CFO"))
    assert lines["Feel"].endswith("earned by “one”")
    assert lines["Focus"].endswith("earned by “two”"), "a reply not quoted yet is preferred"
    assert lines["Spark"].endswith("missed in “three”")
    assert lines["Slow down"].endswith("not called for this time")
    two_of_three = score(replies[:1] + replies[:1] + replies[1:2])
    assert two_of_three.score_of(Step.FEEL) == 2
