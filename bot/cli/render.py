"""Replies as terminal text: the step, the words, the findings, numbered choices."""

from __future__ import annotations

from bot.engine.findings import Finding, TermFinding, Tip
from bot.engine.messages import STEP_NAMES, Reply


def finding_line(finding: Finding) -> str:
    """One readable line for a finding, whatever its kind."""
    if isinstance(finding, TermFinding):
        spelled = f" ({finding.expansion})" if finding.expansion else ""
        return f"{finding.kind}: “{finding.term}”{spelled} → say: {finding.suggestion}"
    advice = f" {finding.suggestion}" if isinstance(finding, Tip) else ""
    return f"{finding.kind}: {finding.message}{advice}"


def reply_text(reply: Reply) -> str:
    lines = [f"[{STEP_NAMES[reply.step]}] {reply.text}"]
    lines += [f"  ! {finding_line(finding)}" for finding in reply.findings]
    lines += [f"  {index}) {c.label}" for index, c in enumerate(reply.choices, start=1)]
    return "\n".join(lines)
