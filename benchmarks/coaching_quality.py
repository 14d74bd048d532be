"""How well the coach's checks agree with a coach's verdicts on the corpus in tests/coaching/.

    python -m benchmarks.coaching_quality [--split dev|heldout|all]

Prints, per check and split, precision, recall and false-alarm rate. The corpus is split by
position (even cases: development half, odd cases: held-out half), so a change tuned on one
half can be measured on the other. For the term check (jargon) a false alarm is a flagged
word the listener would not stumble over, as a share of all flagged words; for the verdict
checks it is a good answer flagged, as a share of all good answers. Dates are scored as the
share of phrases read exactly right (date, and whether to accept, ask or confirm; a phrase
that is no date, such as "Feb 30", must be asked again).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.engine.dates import read_date
from bot.engine.glossary import GlossaryIndex
from bot.engine.goals import goals_in
from bot.engine.language import check_text
from bot.engine.questions import blames, question_verdict
from bot.engine.whys import judge_why
from bot.playbook.library import PlaybookLibrary, load_library

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "coaching"
SPLITS = ("dev", "heldout", "all")
TERM_KINDS = frozenset({"jargon", "acronym", "unfamiliar"})


@dataclass
class Score:
    """Counts for one check on one split."""

    hits: int = 0  # a mistake caught (or a date read right)
    misses: int = 0  # a mistake let through (or a date read wrong)
    false_alarms: int = 0  # something fine flagged
    quiet: int = 0  # something fine left alone

    @property
    def precision(self) -> float:
        flagged = self.hits + self.false_alarms
        return self.hits / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        wanted = self.hits + self.misses
        return self.hits / wanted if wanted else 1.0

    def false_alarm_rate(self, per_flag: bool) -> float:
        base = self.hits + self.false_alarms if per_flag else self.false_alarms + self.quiet
        return self.false_alarms / base if base else 0.0


def cases(name: str, split: str) -> list[dict[str, Any]]:
    """The corpus cases of one category in one split."""
    document = yaml.safe_load((CORPUS / f"{name}.yaml").read_text(encoding="utf-8"))
    every = document["cases"]
    if split == "all":
        return list(every)
    return [case for index, case in enumerate(every) if index % 2 == (split == "heldout")]


def today_of(name: str) -> date:
    document = yaml.safe_load((CORPUS / f"{name}.yaml").read_text(encoding="utf-8"))
    day: date = document["today"]
    return day


def _same_term(flagged: str, expected: str) -> bool:
    a, b = flagged.lower(), expected.lower()
    return a in b or b in a


def score_jargon(split: str, library: PlaybookLibrary, glossary: GlossaryIndex) -> Score:
    score = Score()
    for case in cases("jargon", split):
        report = check_text(case["text"], glossary, library.find(case["audience"]))
        flagged = {f.term for f in report.findings if f.kind in TERM_KINDS and f.term}
        expected = case["terms"]
        found = [term for term in expected if any(_same_term(f, term) for f in flagged)]
        score.hits += len(found)
        score.misses += len(expected) - len(found)
        wrong = [f for f in flagged if not any(_same_term(f, term) for term in expected)]
        score.false_alarms += len(wrong)
        score.quiet += not flagged and not expected
    return score


def _binary(score: Score, wanted: bool, flagged: bool) -> None:
    if wanted:
        score.hits += flagged
        score.misses += not flagged
    else:
        score.false_alarms += flagged
        score.quiet += not flagged


def score_goals(split: str) -> Score:
    """A multi-goal statement counts as caught only when every goal is counted."""
    score = Score()
    for case in cases("goals", split):
        counted = len(goals_in(case["text"]))
        if case["count"] > 1:
            score.hits += counted == case["count"]
            score.misses += counted != case["count"]
        else:
            _binary(score, False, counted > 1)
    return score


def score_questions(split: str, verdict: str) -> Score:
    """One verdict (closed, leading or accusing) against every other question."""
    score = Score()
    for case in cases("questions", split):
        given = question_verdict(case["text"])
        if case["verdict"] == verdict:
            _binary(score, True, given == verdict)
        else:
            _binary(score, False, given == verdict)
    return score


def score_blame(split: str) -> Score:
    score = Score()
    for case in cases("hypotheses", split):
        _binary(score, case["blaming"], blames(case["text"]))
    return score


def score_whys(split: str, library: PlaybookLibrary) -> Score:
    score = Score()
    for case in cases("whys", split):
        book = library.find(case["audience"])
        assert book is not None
        passes = judge_why(case["text"], book, None).passes
        _binary(score, case["verdict"] == "challenge", not passes)
    return score


def score_fear(split: str, library: PlaybookLibrary, glossary: GlossaryIndex) -> Score:
    score = Score()
    for case in cases("fear", split):
        report = check_text(case["text"], glossary, library.find("sales"))
        _binary(score, case["fear"], any(f.kind == "fear" for f in report.findings))
    return score


def score_dates(split: str) -> Score:
    score = Score()
    today = today_of("dates")
    for case in cases("dates", split):
        reading = read_date(case["text"], today)
        if case["expect"] == "none":  # not a date: asked again
            score.hits += reading is None
            score.misses += reading is not None
            continue
        right = reading is not None and reading.action == case["expect"]
        if right and reading is not None:
            right = sorted(reading.options) == sorted(case.get("options", [])) and (
                reading.day == case.get("date")
            )
        score.hits += right
        score.misses += not right
    return score


Check = tuple[str, bool, Callable[[str], Score]]
CHECK_NAMES = (
    "jargon",
    "fear",
    "multiple goals",
    "closed question",
    "leading question",
    "accusing question",
    "blaming hypothesis",
    "weak why",
    "dates",
)


def checks(library: PlaybookLibrary, glossary: GlossaryIndex) -> list[Check]:
    """(name, false alarms counted per flag, scorer) for every check."""
    return [
        ("jargon", True, lambda split: score_jargon(split, library, glossary)),
        ("fear", False, lambda split: score_fear(split, library, glossary)),
        ("multiple goals", False, score_goals),
        ("closed question", False, lambda split: score_questions(split, "closed")),
        ("leading question", False, lambda split: score_questions(split, "leading")),
        ("accusing question", False, lambda split: score_questions(split, "accusing")),
        ("blaming hypothesis", False, score_blame),
        ("weak why", False, lambda split: score_whys(split, library)),
        ("dates", False, score_dates),
    ]


def report(splits: Iterable[str], out: Any = sys.stdout) -> None:
    library = load_library()
    glossary = GlossaryIndex(library.glossary)
    header = f"{'check':<20} {'split':<8} {'precision':>9} {'recall':>7} {'false alarms':>12}"
    print(header, file=out)
    for name, per_flag, scorer in checks(library, glossary):
        for split in splits:
            score = scorer(split)
            print(
                f"{name:<20} {split:<8} {score.precision:>9.2f} {score.recall:>7.2f} "
                f"{score.false_alarm_rate(per_flag):>12.2f}",
                file=out,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--split", choices=SPLITS, action="append")
    args = parser.parse_args(argv)
    report(args.split or SPLITS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
