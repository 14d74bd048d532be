"""How the coach judges a reply to push-back: each move, said in several different ways.

A good reply names the concern before answering, asks back instead of arguing, stays on one
ask, offers to lower the burden and says why it matters to them; every reply also gets the
plain-language checks. These run on the pure engine with the real sales playbook.
"""

from __future__ import annotations

import pytest

from bot.engine.messages import Step
from bot.engine.rehearsal.feedback import feedback_text
from bot.engine.rehearsal.judging import check_reply
from bot.playbook.library import PlaybookLibrary
from bot.playbook.schema import Move
from tests.conftest import ContextFactory

ALL_MOVES = tuple(Move)


def shows(make_context: ContextFactory, said: str, move: Move) -> bool:
    return move in check_reply(said, ALL_MOVES, make_context()).shown


@pytest.mark.parametrize(
    "said",
    [
        "Fair enough — the end of the quarter is brutal.",
        "You're right, timing matters. Let's find a quieter week.",
        "I hear you; your people are stretched.",
        "That makes sense. What if we waited until after the close?",
        "I get why it feels that way.",
        "Understood, the close comes first.",
    ],
)
def test_naming_their_concern_first_counts_as_acknowledging(
    make_context: ContextFactory, said: str
) -> None:
    assert shows(make_context, said, Move.ACKNOWLEDGE)


@pytest.mark.parametrize(
    "said",
    [
        "But the training is mandatory for everyone.",
        "Actually, it only takes an hour.",
        "The policy requires it by March.",
        "No, this can't wait. I hear you, but it can't.",
        "We need this done now.",
    ],
)
def test_answering_or_arguing_first_is_not_acknowledging(
    make_context: ContextFactory, said: str
) -> None:
    assert not shows(make_context, said, Move.ACKNOWLEDGE)


@pytest.mark.parametrize(
    "said",
    [
        "What would make this easier for your sellers?",
        "How do your people feel about the course today?",
        "Can you walk me through a typical week on the road?",
        "Fair. Which week would work better for you?",
    ],
)
def test_an_open_question_back_counts_as_asking_back(
    make_context: ContextFactory, said: str
) -> None:
    assert shows(make_context, said, Move.ASK_BACK)


@pytest.mark.parametrize(
    ("said", "quoted"),
    [
        ("Surely they can find one hour?", "is leading"),
        ("Don't you think customer data matters?", "“Don't you think customer data matters?” is"),
        ("Why won't your people just do it?", "is accusing"),
        ("It has to be done by March.", "ask a question back"),
    ],
)
def test_arguing_or_a_loaded_question_is_not_asking_back(
    make_context: ContextFactory, said: str, quoted: str
) -> None:
    ctx = make_context()
    check = check_reply(said, (Move.ASK_BACK,), ctx)
    assert Move.ASK_BACK in check.missed
    assert Step.FEEL in check.judged().missed
    assert quoted in feedback_text(check, "What would help?", ctx)


@pytest.mark.parametrize(
    "said",
    [
        "All I'm asking is that the team finishes the course by March.",
        "I'd like one thing: completion in the quiet week after close.",
        "Fair. Let's pick a quiet week next quarter and keep it to twenty minutes.",
        "I hear you. What would make the course worth their time?",
    ],
)
def test_one_ask_stays_on_the_goal(make_context: ContextFactory, said: str) -> None:
    assert shows(make_context, said, Move.ONE_GOAL)


def test_security_measures_asked_for_together_are_quoted_one_by_one(
    make_context: ContextFactory,
) -> None:
    check = check_reply("I need you to roll out MFA, EDR and DLP this quarter.", ALL_MOVES,
                        make_context())  # fmt: skip
    assert check.asks == (
        "I need you to roll out MFA this quarter",
        "I need you to roll out EDR this quarter",
        "I need you to roll out DLP this quarter",
    )


@pytest.mark.parametrize(
    "said",
    [
        "I want the training done by March. I also want MFA on every laptop.",
        "We need to finish the course, lock down the laptops and roll out a new password rule.",
        "Can we get the training done and also turn on the new sign-in and fix the CRM access?",
        "Please finish the course. Also, turn on the second sign-in step.",
        "It's mandatory, so your people have to do it. We also need a second sign-in step.",
        "We need MFA and EDR on every laptop before the kickoff.",
    ],
)
def test_several_asks_in_one_reply_leave_the_goal(make_context: ContextFactory, said: str) -> None:
    check = check_reply(said, ALL_MOVES, make_context())
    assert Move.ONE_GOAL not in check.shown and len(check.asks) >= 2
    assert Step.FOCUS in check.judged().missed


@pytest.mark.parametrize(
    "said",
    [
        "I'll cut it to fifteen minutes.",
        "We can run it in a quiet week after the close.",
        "My team will do the setup, so there's nothing for your managers to chase.",
        "What if we start with a pilot in one region?",
        "A one-tap sign-in is faster than what they do now.",
    ],
)
def test_an_offer_to_make_it_lighter_lowers_the_burden(
    make_context: ContextFactory, said: str
) -> None:
    assert shows(make_context, said, Move.LOWER_BURDEN)


@pytest.mark.parametrize(
    "said",
    [
        "Everyone has to take the full two-hour course.",
        "It's important, so it needs to happen this month.",
        "The course takes 90 minutes and must be finished.",
        "Your sellers should make the time.",
    ],
)
def test_insisting_on_the_full_ask_does_not_lower_the_burden(
    make_context: ContextFactory, said: str
) -> None:
    assert not shows(make_context, said, Move.LOWER_BURDEN)


@pytest.mark.parametrize(
    "said",
    [
        "It keeps customer data safe, and that protects renewals.",
        "Deals close faster when customers trust how we handle their data.",
        "It protects the time your sellers spend with clients.",
    ],
)
def test_tying_it_to_their_priorities_gives_the_why(
    make_context: ContextFactory, said: str
) -> None:
    assert shows(make_context, said, Move.GIVE_WHY)


@pytest.mark.parametrize(
    "said",
    [
        "Because the audit requires it.",
        "It's everyone's responsibility.",
        "It reduces risk for the company.",
        "Our click rate is above the industry average.",
    ],
)
def test_compliance_duty_or_our_own_metrics_are_no_why(
    make_context: ContextFactory, said: str
) -> None:
    assert not shows(make_context, said, Move.GIVE_WHY)


def test_jargon_and_fear_in_a_reply_cost_the_simplify_habit(make_context: ContextFactory) -> None:
    ctx = make_context()
    plain = check_reply("Fair. I'll keep it short and fit it around your calls.", ALL_MOVES, ctx)
    assert not plain.language and Step.SIMPLIFY in plain.judged().shown
    jargon = check_reply("Fair. We just need EDR and MFA on every endpoint.", ALL_MOVES, ctx)
    assert {f.kind for f in jargon.language} >= {"acronym"}
    assert Step.SIMPLIFY in jargon.judged().missed
    fear = check_reply("Criminals hit 66% of companies like ours last year.", ALL_MOVES, ctx)
    assert [f.kind for f in fear.language] == ["fear"]


def test_a_move_the_push_back_does_not_call_for_is_not_held_against_the_reply(
    make_context: ContextFactory,
) -> None:
    check = check_reply("Fair, the quarter is tight.", (Move.ACKNOWLEDGE,), make_context())
    judged = check.judged()
    assert Step.FEEL in judged.shown
    assert Step.TIMING not in judged.missed and Step.WHY not in judged.missed


def test_every_playbook_reply_makes_the_moves_it_promises(
    make_context: ContextFactory, library: PlaybookLibrary
) -> None:
    """The example replies the coach shows are themselves good replies by its own checks."""
    for book in library.all():
        ctx, stakeholder = make_context(book.id), book.id
        for objection in ctx.playbook.objections:
            check = check_reply(objection.reply, tuple(objection.moves), ctx)
            assert not check.missed, (stakeholder, objection.objection, check.missed)
            assert not check.language and not check.asks, (stakeholder, objection.objection)
