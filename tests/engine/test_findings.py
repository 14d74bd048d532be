"""Findings are typed per kind, and keep the transcript format of DESIGN.md on the wire."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pydantic import ValidationError

from bot.engine.findings import FINDING_KINDS, HolidayFinding, TermFinding
from bot.engine.messages import Reply, Step
from tests.support.findings import EVERY_KIND


def test_the_renderers_samples_hold_one_finding_of_every_kind() -> None:
    # The Slack, Teams, terminal and web tests render EVERY_KIND: a new kind must join it.
    assert tuple(finding.kind for finding in EVERY_KIND) == FINDING_KINDS
    assert len(set(FINDING_KINDS)) == len(FINDING_KINDS)


def test_a_term_finding_is_the_same_json_object_as_in_the_design() -> None:
    reply = Reply(
        step=Step.SIMPLIFY,
        text="1 thing to look at:",
        findings=(TermFinding(kind="jargon", term="MFA", suggestion="a second check"),),
    )
    assert json.loads(reply.to_json_line())["findings"] == [
        {"kind": "jargon", "term": "MFA", "suggestion": "a second check"}
    ]


def test_dates_go_out_as_iso_days() -> None:
    holiday = HolidayFinding(
        message="Fri 25 Dec 2026 is Christmas Day (GB).",
        term="Christmas Day",
        date=date(2026, 12, 25),
        region="GB",
    )
    assert holiday.model_dump(mode="json") == {
        "kind": "holiday",
        "message": "Fri 25 Dec 2026 is Christmas Day (GB).",
        "term": "Christmas Day",
        "date": "2026-12-25",
        "region": "GB",
    }


def test_a_transcript_line_reads_back_as_the_same_typed_findings() -> None:
    reply = Reply(step=Step.TIMING, text="Every kind.", findings=EVERY_KIND)
    again = Reply.model_validate_json(reply.to_json_line())
    assert again == reply
    assert [type(finding) for finding in again.findings] == [type(f) for f in EVERY_KIND]


@pytest.mark.parametrize(
    "finding",
    [
        {"kind": "sarcasm", "message": "Nope."},  # no such kind
        {"kind": "jargon", "term": "MFA"},  # its plain words are missing
        {"kind": "weekend", "message": "Sat.", "goals": ["a"]},  # a field of another kind
    ],
)
def test_a_finding_of_the_wrong_shape_is_refused(finding: dict[str, object]) -> None:
    line = {"step": "simplify", "text": "Checked.", "findings": [finding]}
    with pytest.raises(ValidationError):
        Reply.model_validate(line)
