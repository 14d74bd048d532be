"""Replies as terminal text: the step, the words, the findings, numbered choices."""

from __future__ import annotations

from bot.engine.messages import STEP_NAMES, Finding, Reply


def finding_line(finding: Finding) -> str:
    """One readable line for a finding, whatever its kind."""
    if finding.kind in ("jargon", "acronym") and finding.term:
        expansion = getattr(finding, "expansion", None)
        spelled = f" ({expansion})" if expansion else ""
        return f"{finding.kind}: “{finding.term}”{spelled} → say: {finding.suggestion}"
    parts = [part for part in (finding.message, finding.suggestion) if part]
    return f"{finding.kind}: " + " ".join(parts)


def reply_text(reply: Reply) -> str:
    lines = [f"[{STEP_NAMES[reply.step]}] {reply.text}"]
    lines += [f"  ! {finding_line(finding)}" for finding in reply.findings]
    lines += [f"  {index}) {c.label}" for index, c in enumerate(reply.choices, start=1)]
    return "\n".join(lines)
