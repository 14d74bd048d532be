"""Rehearsal: after the brief, the coach plays the stakeholder and judges each reply."""
