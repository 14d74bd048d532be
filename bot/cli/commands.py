"""The CLI's commands other than chat: notes, check, playbooks, db, keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from cryptography.fernet import Fernet

from bot.cli.mistakes import Mistake
from bot.cli.render import finding_line
from bot.coach import Coach, PrepDetail
from bot.engine.flow import MAX_TEXT, clean_text
from bot.engine.glossary import GlossaryIndex
from bot.engine.language import check_text
from bot.engine.steps.simplify import report_summary
from bot.exports import as_file, prep_markdown
from bot.outcome_views import OutcomeView
from bot.playbook.library import PlaybookError, PlaybookLibrary, load_library, yaml_files
from bot.users import UserRef

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE = 0, 1, 2


async def notes_list(coach: Coach, user: UserRef, as_json: bool, out: TextIO) -> int:
    preps, outcomes = await coach.preps(user), await coach.outcomes(user)
    if as_json:
        items = [p.model_dump(mode="json") for p in preps]
        measured = [view.model_dump(mode="json") for view in outcomes]
        out.write(json.dumps({"items": items, "outcomes": measured}) + "\n")
        return EXIT_OK
    if not preps:
        out.write("No preps yet. Start one: prep-talk chat sales\n")
    for prep in preps:
        planned = f"  talk on {prep.planned_date}" if prep.planned_date else ""
        out.write(f"{prep.id:>4}  {prep.stakeholder:<12} {prep.status:<12}{planned}\n")
    if outcomes:
        out.write("\nMeasured outcomes:\n")
    for view in sorted(outcomes, key=lambda view: view.stakeholder):
        out.write(f"{view.prep_id:>4}  {view.stakeholder:<12} {view.progress}\n")
        out.write(f"{'':<18} {view.standing}\n")
    return EXIT_OK


async def notes_show(
    coach: Coach, user: UserRef, prep_id: int, as_json: bool, markdown: bool, out: TextIO
) -> int:
    detail = await coach.prep(user, prep_id)
    if detail is None:
        raise Mistake(f"prep {prep_id} not found", EXIT_NOT_FOUND)
    found = [view for view in await coach.outcomes(user) if view.prep_id == prep_id]
    outcome = found[0] if found else None
    if as_json:
        shown = detail.model_dump(mode="json")
        shown["outcome"] = outcome.model_dump(mode="json") if outcome else None
        out.write(json.dumps(shown) + "\n")
    elif markdown:
        out.write(as_file(prep_markdown(detail, coach.playbooks)))
    else:
        out.write(_plain(detail, outcome))
    return EXIT_OK


def _plain(detail: PrepDetail, outcome: OutcomeView | None) -> str:
    head = f"Prep {detail.id}: {detail.stakeholder} ({detail.status})\n"
    if outcome:
        head += f"Measured outcome: {outcome.progress}\n{outcome.standing}\n"
    return head + "".join(f"\n[{note.step}]\n{note.text}\n" for note in detail.notes)


def check(
    library: PlaybookLibrary, stakeholder: str | None, text: str, as_json: bool, out: TextIO
) -> int:
    """The Simplify checks on any text, e.g. an email before it goes out; like the dialog,
    only the first MAX_TEXT characters are checked, and the reader is told when it cuts."""
    book = library.find(stakeholder) if stakeholder else None
    if stakeholder and book is None:
        raise Mistake(
            f"unknown stakeholder {stakeholder!r}; try: prep-talk playbooks list", EXIT_USAGE
        )
    draft, trimmed = clean_text(text)
    if not draft:
        raise Mistake(
            "nothing to check: give the text as an argument or on stdin, e.g. "
            'echo "We need MFA on every laptop." | prep-talk check',
            EXIT_USAGE,
        )
    report = check_text(draft, GlossaryIndex(library.glossary), book)
    if as_json:
        findings = [f.model_dump(mode="json", exclude_none=True) for f in report.findings]
        document = {
            "grade": report.grade,
            "graded": report.graded,  # false: too short for the grade to mean anything
            "target": report.target,
            "findings": findings,
            "rewrite": report.rewrite,
            "trimmed": trimmed,
        }
        out.write(json.dumps(document) + "\n")
        return EXIT_OK
    if trimmed:
        out.write(f"Your text was long, so I checked the first {MAX_TEXT:,} characters.\n")
    out.write(report_summary(report) + "\n")
    out.writelines(f"  - {finding_line(f)}\n" for f in report.findings)
    if report.rewrite is not None:
        out.write(f"\nA plainer version:\n{report.rewrite}\n")
    return EXIT_OK


def playbooks_list(library: PlaybookLibrary, out: TextIO) -> int:
    for book in library.all():
        aliases = ", ".join(book.aliases)
        out.write(f"{book.id:<12} {book.role:<34} aliases: {aliases}\n")
    return EXIT_OK


def playbooks_validate(folder: Path | None, out: TextIO) -> int:
    """Load the built-in playbooks and those in `folder`; a missing or empty folder fails
    too, as the server would quietly run without the playbooks meant to be there."""
    if folder is not None and not folder.is_dir():
        raise Mistake(f"invalid: {folder} is not a folder", EXIT_NOT_FOUND)
    if folder is not None and not yaml_files(folder):
        raise Mistake(f"invalid: no playbooks (*.yaml files) in {folder}", EXIT_NOT_FOUND)
    try:
        library = load_library(folder)
    except PlaybookError as error:
        raise Mistake(f"invalid: {error}", EXIT_NOT_FOUND) from None
    out.write(
        f"ok: {len(library.playbooks)} playbooks, {len(library.glossary.entries)} glossary terms\n"
    )
    return EXIT_OK


def new_key(out: TextIO) -> int:
    out.write(Fernet.generate_key().decode() + "\n")
    return EXIT_OK
