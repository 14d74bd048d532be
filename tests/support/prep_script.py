"""One user's whole journey as inputs any channel can replay: a Sales prep to its brief, a
rehearsal, and a debrief ending on a measured outcome."""

from __future__ import annotations

from typing import Any

Turn = tuple[str, Any]  # ("say", text) | ("pick", value) | ("tick", [values])
PREP: list[Turn] = [
    ("say", "Prepare a talk with Sales"),
    ("say", "They see the training as generic IT content"),
    ("pick", "next"),
    ("tick", ["q1", "q3"]),
    ("pick", "next"),
    ("say", "Sales finish the course so deals stay safe on the road"),
    ("pick", "next"),
    ("say", "2027-01-12"),
    ("pick", "next"),
    ("say", "Your sellers work from hotels. I want customer files safe."),
    ("pick", "next"),
    ("say", "Customer trust wins renewals."),
    ("pick", "next"),
]
REPLY = "I hear you, quarter-end is hard. What would make a short module easy? Deals stay safe."
REHEARSAL: list[Turn] = [("say", "rehearse"), *[("say", REPLY)] * 6]
DEBRIEF: list[Turn] = [
    ("say", "debrief"),
    ("say", "They said the course lands at quarter-end & feels generic."),
    ("say", "A 20-minute sales-only module in the quiet weeks of April."),
    ("say", "I send the draft module to the VP by Friday."),
    ("say", "Training completion in sales: 42% now, goal 90% by 15 March 2027"),
    ("pick", "use_due_day"),
]
