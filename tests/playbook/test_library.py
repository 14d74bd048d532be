"""Loading playbooks: the built-in eight, an operator's folder that adds or overrides, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.playbook.library import BUILTIN_DIR, PlaybookError, load_library

REQUIRED = {"sales", "finance", "board", "executive", "engineering", "legal", "hr", "frontline"}


def copy_of(book_id: str, **changes: object) -> str:
    document = yaml.safe_load((BUILTIN_DIR / f"{book_id}.yaml").read_text())
    document.update(changes)
    return yaml.safe_dump(document)


def test_the_built_in_playbooks_cover_every_stakeholder_the_product_promises() -> None:
    library = load_library()
    assert set(library.playbooks) >= REQUIRED
    for book in library.all():
        assert book.aliases and book.busy_windows and book.regions, book.id
        assert all(
            not q.lower().startswith(("do ", "is ", "are ")) for q in book.listening_questions
        )


def test_aliases_and_mistypes_find_the_playbook() -> None:
    library = load_library()
    assert library.find(" CFO ") is library.playbooks["finance"]
    assert library.find("nobody") is None
    assert library.closest("finanse") == "finance"


def test_a_folder_adds_and_overrides_playbooks(tmp_path: Path) -> None:
    (tmp_path / "procurement.yaml").write_text(
        copy_of("sales", id="procurement", aliases=["buyers"])
    )
    (tmp_path / "sales.yaml").write_text(copy_of("sales", role="the Chief Revenue Officer"))
    library = load_library(tmp_path)
    assert library.find("buyers") is library.playbooks["procurement"]
    assert library.playbooks["sales"].role == "the Chief Revenue Officer"
    assert set(library.playbooks) >= REQUIRED


def test_a_folder_glossary_adds_terms(tmp_path: Path) -> None:
    (tmp_path / "glossary.yaml").write_text(
        "version: 1\nentries:\n  - term: blast radius\n    kind: jargon\n"
        "    plain: how much could be affected\n"
    )
    terms = {entry.term for entry in load_library(tmp_path).glossary.entries}
    assert "blast radius" in terms and "phishing" in {t.lower() for t in terms}


@pytest.mark.parametrize(
    ("content", "field", "reason"),
    [
        ("id: ops\nname: Broken\n", "role", "Field required"),
        (copy_of("sales", id="ops", readability_target=40), "readability_target", "less than"),
        (
            copy_of(
                "sales",
                id="ops",
                busy_windows=[{"name": "Peak", "reason": "Busy time", "relative_to": "fixed"}],
            ),
            "busy_windows.0",
            "start and end",
        ),
        ("id: [unclosed\n", "cannot read YAML", ""),
    ],
)
def test_a_broken_playbook_names_file_field_and_reason(
    tmp_path: Path, content: str, field: str, reason: str
) -> None:
    (tmp_path / "ops.yaml").write_text(content)
    with pytest.raises(PlaybookError) as error:
        load_library(tmp_path)
    message = str(error.value)
    assert "ops.yaml" in message and field in message and reason in message


def test_placeholders_render_in_a_sandbox(tmp_path: Path) -> None:
    (tmp_path / "ops.yaml").write_text(
        copy_of("sales", id="ops", summary="Talking to {{ role }} about {{ team }}.")
    )
    book = load_library(tmp_path).playbooks["ops"]
    assert book.summary == f"Talking to {book.role} about {book.team}."
    (tmp_path / "ops.yaml").write_text(
        copy_of("sales", id="ops", summary="{{ team.__class__.__mro__[1].__subclasses__() }}")
    )
    with pytest.raises(PlaybookError, match="summary"):
        load_library(tmp_path)


def test_an_alias_that_is_another_playbooks_id_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ops.yaml").write_text(copy_of("sales", id="ops", aliases=["finance"]))
    with pytest.raises(PlaybookError, match="finance"):
        load_library(tmp_path)


def test_every_built_in_playbook_names_its_audiences_vocabulary_objections_and_fallback() -> None:
    library = load_library()
    assert all(len(book.known_terms) >= 10 for book in library.all())
    assert all(len(book.objections) >= 5 and book.fallback_ask for book in library.all())
    assert "EBITDA" in library.playbooks["finance"].known_terms


def test_a_term_listed_twice_in_known_terms_is_refused(tmp_path: Path) -> None:
    (tmp_path / "finance.yaml").write_text(copy_of("finance", known_terms=["EBITDA", "ebitda"]))
    with pytest.raises(PlaybookError, match="known_terms"):
        load_library(tmp_path)
