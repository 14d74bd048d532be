"""The Simplify checks on their own: glossary terms, acronyms, grade, fear, relevance."""

from __future__ import annotations

from bot.engine.glossary import GlossaryIndex
from bot.engine.language import check_text, reading_grade
from bot.playbook.library import PlaybookLibrary


def kinds(text: str, glossary: GlossaryIndex, library: PlaybookLibrary) -> dict[str, list[str]]:
    report = check_text(text, glossary, library.find("sales"))
    found: dict[str, list[str]] = {}
    for finding in report.findings:
        found.setdefault(finding.kind, []).append(finding.term or finding.message or "")
    return found


def test_glossary_terms_are_found_case_insensitively_once(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    found = kinds("Phishing and more PHISHING, then Ransomware.", glossary, library)
    assert sorted(term.lower() for term in found["jargon"]) == ["phishing", "ransomware"]


def test_unknown_acronyms_are_flagged_and_familiar_ones_are_not(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    found = kinds(
        "The CEO and the VP asked about the QZX rollout for customers.", glossary, library
    )
    assert found["acronym"] == ["QZX"]


def test_shouted_words_are_not_acronyms(glossary: GlossaryIndex, library: PlaybookLibrary) -> None:
    found = kinds("PLEASE READ THIS NOW before your next customer deal.", glossary, library)
    assert "acronym" not in found


def test_reading_grade_rises_with_long_words_and_sentences() -> None:
    simple = reading_grade("We want your team to sell more. The course is short.")
    dense = reading_grade(
        "Organisational implementation of comprehensive authentication methodologies "
        "necessitates considerable interdepartmental coordination and prioritisation."
    )
    assert simple < 6 < 14 < dense
    assert reading_grade("") == 0.0


def test_fear_first_openings_and_scary_statistics(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    assert "fear" in kinds("Ransomware gangs will destroy us. Let's talk deals.", glossary, library)
    assert "fear" in kinds(
        "Good news on deals. But 91% of breaches start with email.", glossary, library
    )
    assert "fear" not in kinds(
        "Your customers trust us with their files. Let's keep it that way.", glossary, library
    )


def test_a_pitch_without_the_stakeholders_priorities_is_flagged(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    assert "priorities" in kinds("Please finish the course.", glossary, library)
    assert "priorities" not in kinds("Please finish the course so deals close.", glossary, library)


def test_the_glossary_is_large_and_every_entry_has_a_plain_alternative(
    library: PlaybookLibrary,
) -> None:
    entries = library.glossary.entries
    assert len(entries) >= 150
    assert all(entry.plain and entry.plain.lower() != entry.term.lower() for entry in entries)


def test_everyday_phrasal_verbs_are_not_jargon(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    found = kinds("Let's meet for hashing out the deal and patching things up.", glossary, library)
    assert "jargon" not in found
    assert "jargon" in kinds("Patching laptops keeps customer deals moving.", glossary, library)
