"""Which push-back to rehearse: the objections that speak to this prep's goal and hypotheses.

An objection is relevant when the words of the user's goal, hypotheses, questions or opening
meet its `about` tags or its own words (compared by stem: 'sellers' meets 'seller').
The most relevant come first; when fewer than three speak to the prep, the playbook's own
order (its most typical push-back first) fills up to three.
"""

from __future__ import annotations

import re

from bot.engine.state import PrepState
from bot.engine.whys import stem
from bot.playbook.schema import Objection, Playbook

FEWEST = 3
MOST = 5
_WORD = re.compile(r"[a-z][a-z'-]{2,}")
_COMMON = frozenset(
    "the and for but not you your our their them they this that with from have what when "
    "will would could should about into just more some than then there these those were "
    "been being also very really can't don't won't it's i'm we're".split()
)


def pick_objections(state: PrepState, playbook: Playbook) -> tuple[Objection, ...]:
    """Three to five objections to raise, the most relevant to this prep first."""
    said = _stems(" ".join(_prep_text(state)))
    scored = [
        (_overlap(objection, said), index, objection)
        for index, objection in enumerate(playbook.objections)
    ]
    ranked = sorted(scored, key=lambda item: (-item[0], item[1]))
    relevant = [objection for score, _index, objection in ranked if score > 0][:MOST]
    typical = [objection for objection in playbook.objections if objection not in relevant]
    return tuple(relevant + typical[: max(0, FEWEST - len(relevant))])


def _prep_text(state: PrepState) -> list[str]:
    return [state.goal or "", *state.hypotheses, *state.questions, state.opening or ""]


def _overlap(objection: Objection, said: set[str]) -> int:
    tags = _stems(" ".join(objection.about))
    own = _stems(objection.objection)
    return 2 * len(tags & said) + len((own - tags) & said)


def _stems(text: str) -> set[str]:
    return {stem(word) for word in _WORD.findall(text.lower()) if word not in _COMMON}
