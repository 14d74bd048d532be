"""advance(): one turn of the coaching dialog. Pure: state and input in, state and replies out."""

from __future__ import annotations

import re
import unicodedata

from bot.engine.context import CoachContext
from bot.engine.findings import TrimmedFinding
from bot.engine.invisible import visible_text
from bot.engine.messages import COACHING_STEPS, Inbound, Reply, Step
from bot.engine.rehearsal.guide import REHEARSE as REHEARSE
from bot.engine.rehearsal.guide import Rehearse, rehearsal_move
from bot.engine.rehearsal.guide import start_rehearsal as start_rehearsal
from bot.engine.state import FIRST_STAGE, PrepState, Status
from bot.engine.steps import measure
from bot.engine.steps.brief import Debrief, finish_prep
from bot.engine.steps.feel import Feel
from bot.engine.steps.focus import Focus
from bot.engine.steps.guide import StepGuide
from bot.engine.steps.simplify import Simplify
from bot.engine.steps.timing import Timing
from bot.engine.steps.why import Why
from bot.engine.turn import BACK, NAVIGATION, NEXT, PAUSE, RESTART, Turn, say, stay

MAX_TEXT = 4000
STALE_CHOICE = "That option belongs to an earlier question. Here is where you are:"
GUIDES: dict[Step, StepGuide] = {
    Step.FEEL: Feel(),
    Step.FOCUS: Focus(),
    Step.TIMING: Timing(),
    Step.SIMPLIFY: Simplify(),
    Step.WHY: Why(),
    Step.DEBRIEF: Debrief(),
    Step.REHEARSE: Rehearse(),
}
_NAV_WORD = re.compile(r"^[/!]?\s*(next|back|pause|restart|help)\s*[.!]?$", re.IGNORECASE)


def begin(stakeholder: str, ctx: CoachContext) -> Turn:
    """A new prep for `stakeholder`, at the first step."""
    state = PrepState(stakeholder=stakeholder)
    welcome = say(
        Step.INFO,
        f"Let's prepare your conversation with {ctx.playbook.role}. Five short steps: "
        "Feel, Focus, Slow down, Simplify, Spark. Type help at any time.",
    )
    return Turn(state, [welcome, *GUIDES[Step.FEEL].intro(state, ctx)])


def resume(state: PrepState, ctx: CoachContext) -> Turn:
    """Pick a paused (or interrupted) prep up where it stopped."""
    if state.status in (Status.BRIEFED, Status.CLOSED):
        return Turn(
            state, [say(Step.INFO, "This prep is complete; start a debrief or a new prep.")]
        )
    live = state.model_copy(update={"status": Status.IN_PROGRESS})
    note = say(Step.INFO, f"Welcome back. You were at: {GUIDES[live.step].title}.")
    return Turn(live, [note, *GUIDES[live.step].intro(live, ctx)])


def start_debrief(state: PrepState, ctx: CoachContext) -> Turn:
    """After the talk: record what was heard, agreed and the next step. A debrief begun
    and left is picked up where it stopped; a prep still in its five steps has no brief to
    debrief yet."""
    if state.status in (Status.IN_PROGRESS, Status.PAUSED):
        if state.step is Step.DEBRIEF:
            return resume(state, ctx)
        if state.step in COACHING_STEPS or state.step is Step.BRIEF:
            return Turn(state, [say(Step.INFO, "Finish this prep's brief before its debrief.")])
    live = state.at(Step.DEBRIEF).model_copy(update={"status": Status.IN_PROGRESS})
    return Turn(live, GUIDES[Step.DEBRIEF].intro(live, ctx))


def ask_outcome(state: PrepState, ctx: CoachContext) -> Turn:
    """The follow-up on a debriefed prep: open it to take the new number of its outcome."""
    return measure.ask_reading(state)


def record_outcome(state: PrepState, text: str, ctx: CoachContext) -> Turn:
    """A new reading of a debriefed prep's outcome, given in one go (`outcome 12 71%`)."""
    return _with_notes(state, measure.record_reading(state, text, ctx, again=False), ctx)


def advance(state: PrepState, inbound: Inbound, ctx: CoachContext) -> Turn:
    """One turn: the user's text or choice applied to the current step."""
    if state.status is not Status.IN_PROGRESS or state.step not in GUIDES:
        return Turn(
            state, [say(Step.INFO, "This prep is not active. Resume it or start a new one.")]
        )
    guide = GUIDES[state.step]
    if inbound.step is not None and inbound.step is not state.step:
        turn = stay(state, say(Step.INFO, STALE_CHOICE), guide.ask(state, ctx))
    elif inbound.choice is not None:
        turn = _on_choice(state, inbound.choice.strip().lower(), guide, ctx)
    elif inbound.picks:
        turn = _on_picks(state, inbound.picks, ctx)
    elif inbound.text is not None:
        turn = _on_text(state, inbound.text, guide, ctx)
    else:
        turn = stay(
            state, say(Step.INFO, "I expected an answer or a choice."), guide.ask(state, ctx)
        )
    return _with_notes(state, turn, ctx)


def _on_text(state: PrepState, raw: str, guide: StepGuide, ctx: CoachContext) -> Turn:
    text, trimmed = clean_text(raw)
    if not text:
        return stay(state, say(Step.INFO, "I didn't get any text there."), guide.ask(state, ctx))
    word = _NAV_WORD.match(text)
    if word:
        return _on_choice(state, word.group(1).lower(), guide, ctx)
    turn = guide.on_text(state, text, ctx)
    if not trimmed:
        return turn
    return Turn(turn.state, [cut_notice("kept"), *turn.replies], turn.notes)


def cut_notice(done: str) -> Reply:
    """Tells the user their text was cut to MAX_TEXT characters, and what was `done` with
    those ("kept", "checked")."""
    return say(
        Step.INFO,
        f"Your message was long, so I {done} the first {MAX_TEXT:,} characters.",
        TrimmedFinding(message=f"Kept {MAX_TEXT:,} characters.", limit=MAX_TEXT),
    )


def clean_text(raw: str) -> tuple[str, bool]:
    """Normalised visible text (see `invisible`), capped at MAX_TEXT; and whether it was cut."""
    text = unicodedata.normalize("NFC", visible_text(raw)).strip()
    if len(text) <= MAX_TEXT:
        return text, False
    return text[:MAX_TEXT].rstrip(), True


def _on_choice(state: PrepState, value: str, guide: StepGuide, ctx: CoachContext) -> Turn:
    if value in NAVIGATION:
        return _navigate(state, value, guide, ctx)
    turn = guide.on_choice(state, value, ctx)
    if turn is not None:
        return turn
    return stay(state, say(Step.INFO, STALE_CHOICE), guide.ask(state, ctx))


def _on_picks(state: PrepState, values: tuple[str, ...], ctx: CoachContext) -> Turn:
    """Several ticked choices, applied in order as if picked one after another; the replies
    are the last pick's (each re-asks with everything picked so far)."""
    turn = Turn(state, [])
    for value in values:
        turn = _on_choice(turn.state, value.strip().lower(), GUIDES[turn.state.step], ctx)
    return turn


def _navigate(state: PrepState, move: str, guide: StepGuide, ctx: CoachContext) -> Turn:
    if move == NEXT:
        return guide.on_next(state, ctx) or _move_on(state, ctx)
    if state.step is Step.REHEARSE:  # back, pause, restart and help mean other things there
        return rehearsal_move(state, move, ctx)
    if move == BACK:
        return _go_back(state, guide, ctx)
    if move == PAUSE:
        paused = state.model_copy(update={"status": Status.PAUSED})
        text = f"Paused at {guide.title}. Everything is saved; resume when you are ready."
        return Turn(paused, [say(Step.INFO, text)])
    if move == RESTART:
        fresh = PrepState(stakeholder=state.stakeholder)
        cleared = {step.value: "" for step in COACHING_STEPS}
        text = "Starting over. Your earlier answers for this prep are cleared."
        return Turn(fresh, [say(Step.INFO, text), *GUIDES[Step.FEEL].intro(fresh, ctx)], cleared)
    return stay(state, say(Step.INFO, _help_text(guide)), guide.ask(state, ctx))


def _help_text(guide: StepGuide) -> str:
    return (
        f"You are at {guide.title}. Answer in your own words, or use a button.\n"
        "Words that work anywhere: next (continue), back, pause (save and stop), "
        "restart (clear this prep), help."
    )


def _move_on(state: PrepState, ctx: CoachContext) -> Turn:
    order = list(COACHING_STEPS)
    index = order.index(state.step)
    if index + 1 == len(order):
        return finish_prep(state, ctx)
    following = state.at(order[index + 1])
    return Turn(following, GUIDES[following.step].intro(following, ctx))


def _go_back(state: PrepState, guide: StepGuide, ctx: CoachContext) -> Turn:
    if state.stage is not FIRST_STAGE[state.step]:
        earlier = state.at(state.step)
        return Turn(earlier, [guide.ask(earlier, ctx)])
    order = list(COACHING_STEPS)
    if state.step not in order or order.index(state.step) == 0:
        return stay(state, say(Step.INFO, "You are at the first step."), guide.ask(state, ctx))
    earlier = state.at(order[order.index(state.step) - 1])
    return Turn(earlier, GUIDES[earlier.step].intro(earlier, ctx))


def _with_notes(before: PrepState, turn: Turn, ctx: CoachContext) -> Turn:
    """Keep the private note of the step the user just answered in step with their answers."""
    if turn.notes or before.step not in GUIDES or _answers(before) == _answers(turn.state):
        return turn
    note = GUIDES[before.step].note(turn.state, ctx)
    return Turn(turn.state, turn.replies, {before.step.value: note})


def _answers(state: PrepState) -> dict[str, object]:
    # A rehearsal's note is its scorecard, written once when it ends (see `Rehearse`).
    return state.model_dump(
        exclude={"step", "stage", "status", "goal_options", "rehearsal", "scorecards"}
    )
