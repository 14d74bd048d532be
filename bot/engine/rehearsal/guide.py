"""The rehearsal step: the coach plays the stakeholder, one push-back at a time.

The stakeholder opens, then raises the objections picked for this prep. Each line the
stakeholder speaks is a reply carrying a `StakeholderCue` (its text is the scripted line, so
a model voice may say it in character). Each answer gets short feedback; after the last, a
scorecard is saved as the note of the rehearsal and the prep returns to where it was.
"""

from __future__ import annotations

from bot.engine.context import CoachContext
from bot.engine.messages import Expects, Reply, Step
from bot.engine.rehearsal.feedback import example_reply, feedback_text
from bot.engine.rehearsal.judging import check_reply
from bot.engine.rehearsal.picking import pick_objections
from bot.engine.rehearsal.record import OPENING, Rehearsal
from bot.engine.rehearsal.scorecard import score, scorecard_text
from bot.engine.scene import StakeholderCue
from bot.engine.state import PrepState, Stage, Status
from bot.engine.turn import (
    BACK,
    HELP,
    PAUSE,
    PAUSE_CHOICE,
    Turn,
    ask_text,
    choice,
    next_choice,
    say,
    stay,
)
from bot.playbook.schema import Move

REHEARSE = "rehearse"  # the choice that starts a rehearsal (after a brief, a debrief, or one)
NO_GOING_BACK = "There is no going back in the room: answer this one, or type next to skip it."
REHEARSAL_HELP = (
    "You are rehearsing: I play {role}. Answer as you would in the room.\n"
    "Words that work here: next (skip this line), pause (stop; rehearse picks it up), "
    "restart (start the rehearsal over), help."
)
OPENING_LINE = "Come in. I have about twenty minutes before my next meeting — what's on your mind?"
OPENING_CUE = "Opens the meeting: busy, polite, wants to know what this is about."
# What a good answer to the opening does: listen first, one outcome, their why.
OPENING_MOVES: tuple[Move, ...] = (Move.ASK_BACK, Move.ONE_GOAL, Move.GIVE_WHY)
KEPT_SCORECARDS = 5
# Where a finished prep rests, and so where a rehearsal of it returns.
_BACK_TO = {Status.BRIEFED: Step.BRIEF, Status.CLOSED: Step.DEBRIEF}
_RESTING = {step: status for status, step in _BACK_TO.items()}


def start_rehearsal(state: PrepState, ctx: CoachContext) -> Turn:
    """Rehearse a briefed (or closed) prep; a rehearsal paused midway picks up where it was."""
    guide = Rehearse()
    if state.step is Step.REHEARSE and state.rehearsal is not None:  # already under way
        return Turn(state, [say(Step.INFO, "Back to your rehearsal."), guide.ask(state, ctx)])
    if state.status not in _BACK_TO:
        return Turn(state, [say(Step.INFO, "Finish this prep's brief first, then rehearse it.")])
    back_to = _BACK_TO[state.status]
    if state.rehearsal is not None:
        paused = state.rehearsal.model_copy(update={"back_to": back_to})
        live = _live(state, paused)
        return Turn(live, [say(Step.INFO, "Back to your rehearsal."), guide.ask(live, ctx)])
    rehearsal = Rehearsal(back_to=back_to, objections=pick_objections(state, ctx.playbook))
    live = _live(state, rehearsal)
    return Turn(live, guide.intro(live, ctx))


def rehearsal_move(state: PrepState, move: str, ctx: CoachContext) -> Turn:
    """Back, help, pause and restart inside a rehearsal. There is no going back in the room; pause
    keeps the rehearsal and returns the prep to its brief (or debrief), so it stays finished;
    restart starts the rehearsal over (never the prep, whose answers the brief rests on)."""
    guide = Rehearse()
    if move in (BACK, HELP):
        text = NO_GOING_BACK if move == BACK else REHEARSAL_HELP.format(role=ctx.playbook.role)
        return stay(state, say(Step.INFO, text), guide.ask(state, ctx))
    rehearsal = _rehearsal(state)
    if move == PAUSE:
        text = "Rehearsal paused. Everything is saved; say rehearse to pick it up."
        return Turn(_at_rest(state, rehearsal), [say(Step.INFO, text)])
    fresh = rehearsal.model_copy(update={"at": OPENING, "replies": ()})
    again = state.model_copy(update={"rehearsal": fresh})
    return Turn(again, [say(Step.INFO, "Starting the rehearsal over."), guide.ask(again, ctx)])


def _live(state: PrepState, rehearsal: Rehearsal) -> PrepState:
    return state.at(Step.REHEARSE).model_copy(
        update={"status": Status.IN_PROGRESS, "rehearsal": rehearsal}
    )


def _at_rest(state: PrepState, rehearsal: Rehearsal | None) -> PrepState:
    """The prep back where the rehearsal found it, keeping `rehearsal` (None when done)."""
    back_to = _rehearsal(state).back_to
    return state.at(back_to).model_copy(
        update={"stage": Stage.DONE, "status": _RESTING[back_to], "rehearsal": rehearsal}
    )


class Rehearse:
    step = Step.REHEARSE
    title = "Rehearse — the stakeholder pushes back"

    def intro(self, state: PrepState, ctx: CoachContext) -> list[Reply]:
        count = len(_rehearsal(state).objections)
        text = (
            f"{self.title}\nI'll play {ctx.playbook.role}: an opening, then {count} things "
            "they are likely to say. Answer each as you would in the room; I'll give short "
            "feedback and a scorecard at the end. Type next to skip a line, pause to stop."
        )
        return [say(self.step, text), self.ask(state, ctx)]

    def ask(self, state: PrepState, ctx: CoachContext) -> Reply:
        """The stakeholder's current line, with its cue for a model voice."""
        rehearsal = _rehearsal(state)
        if rehearsal.at == OPENING:
            line, pushback = OPENING_LINE, OPENING_CUE
        else:
            line = pushback = rehearsal.objections[rehearsal.at].objection
        cue = StakeholderCue(
            role=ctx.playbook.role,
            persona=ctx.playbook.summary,
            objection=pushback,
            scripted_line=line,
            goal=state.goal,
            user_reply=rehearsal.replies[-1].said if rehearsal.replies else None,
        )
        reply = ask_text(self.step, line, next_choice("Skip this one"), PAUSE_CHOICE)
        return reply.model_copy(update={"cue": cue})

    def on_text(self, state: PrepState, text: str, ctx: CoachContext) -> Turn:
        rehearsal = _rehearsal(state)
        if rehearsal.at == OPENING:
            moves, good = OPENING_MOVES, ctx.playbook.example_opening
        else:
            objection = rehearsal.objections[rehearsal.at]
            moves, good = tuple(objection.moves), objection.reply
        check = check_reply(text, moves, ctx)
        example = example_reply(good, state.goal, moves)
        comment = say(self.step, feedback_text(check, example, ctx), *check.language)
        judged = rehearsal.model_copy(update={"replies": (*rehearsal.replies, check.judged())})
        turn = self._following(state.model_copy(update={"rehearsal": judged}), ctx)
        return Turn(turn.state, [comment, *turn.replies], turn.notes)

    def on_choice(self, state: PrepState, value: str, ctx: CoachContext) -> Turn | None:
        return None

    def on_next(self, state: PrepState, ctx: CoachContext) -> Turn | None:
        """Skip this line unjudged."""
        return self._following(state, ctx)

    def note(self, state: PrepState, ctx: CoachContext) -> str:
        """The latest scorecard, with its change since the one before."""
        if not state.scorecards:
            return ""
        previous = state.scorecards[-2] if len(state.scorecards) > 1 else None
        return scorecard_text(state.scorecards[-1], previous, ctx.playbook.role)

    def _following(self, state: PrepState, ctx: CoachContext) -> Turn:
        rehearsal = _rehearsal(state)
        if rehearsal.at + 1 < len(rehearsal.objections):
            following = rehearsal.model_copy(update={"at": rehearsal.at + 1})
            moved = state.model_copy(update={"rehearsal": following})
            return Turn(moved, [self.ask(moved, ctx)])
        return self._finish(state, ctx)

    def _finish(self, state: PrepState, ctx: CoachContext) -> Turn:
        rehearsal = _rehearsal(state)
        done = _at_rest(state, None)
        again = Reply(
            step=self.step,
            text="Rehearse again whenever you like; the scorecard will show what changed.",
            expects=Expects.NONE,
            choices=(choice(REHEARSE, "Rehearse again"),),
        )
        if not rehearsal.replies:
            skipped = say(self.step, "You skipped every line, so there is nothing to score.")
            return Turn(done, [skipped, again])
        cards = [*state.scorecards, score(rehearsal.replies)][-KEPT_SCORECARDS:]
        scored = done.model_copy(update={"scorecards": cards})
        text = self.note(scored, ctx)
        saved = say(self.step, "Saved as a private note of this conversation.")
        return Turn(scored, [say(self.step, text), saved, again], {self.step.value: text})


def _rehearsal(state: PrepState) -> Rehearsal:
    if state.rehearsal is None:  # the flow only reaches this step through start_rehearsal
        raise ValueError("no rehearsal under way")
    return state.rehearsal
