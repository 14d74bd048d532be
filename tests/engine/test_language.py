"""The Simplify checks on their own: glossary terms, acronyms, grade, fear, relevance."""

from __future__ import annotations

import pytest

from bot.engine.findings import Finding, Notice, TermFinding, UnfamiliarFinding
from bot.engine.glossary import GlossaryIndex
from bot.engine.language import check_text, reading_grade
from bot.engine.steps.simplify import report_summary
from bot.playbook.library import PlaybookLibrary


def term_of(finding: Finding) -> str | None:
    """The flagged word, for the findings about one word."""
    return finding.term if isinstance(finding, TermFinding | UnfamiliarFinding) else None


def kinds(text: str, glossary: GlossaryIndex, library: PlaybookLibrary) -> dict[str, list[str]]:
    report = check_text(text, glossary, library.find("sales"))
    found: dict[str, list[str]] = {}
    for finding in report.findings:
        said = finding.message if isinstance(finding, Notice) else ""
        found.setdefault(finding.kind, []).append(term_of(finding) or said)
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


@pytest.mark.parametrize(
    "calm",
    [
        "The new fraud awareness module takes only 15 minutes.",
        "Our ransomware tabletop exercise runs twice a year.",
        "Course completion in sales is at a record high of 88%.",
        "Most account executives beat their targets this quarter.",
        "The one thing I need is an hour with your team leads.",
    ],
)
def test_durations_training_topics_and_good_records_are_not_fear(
    calm: str, glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    assert "fear" not in kinds(calm, glossary, library)


@pytest.mark.parametrize(
    "frightening",
    [
        "Spyware on a dozen phones exposed 3,000 client files.",
        "Seven in ten companies that lose customer data never win those clients back.",
        "Breaches in our sector are at an all-time high.",
        "Nobody wants to be on tomorrow's headlines for a leak.",
    ],
)
def test_threats_with_numbers_records_or_headlines_are_fear(
    frightening: str, glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    assert "fear" in kinds(frightening, glossary, library)


def test_the_audiences_own_phrase_is_no_threat_to_them(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    draft = "I'd like your view on the breach notification timeline before we brief the board."
    legal, sales = library.find("legal"), library.find("sales")
    assert legal is not None and sales is not None
    assert not [f for f in check_text(draft, glossary, legal).findings if f.kind == "fear"]
    assert [f for f in check_text(draft, glossary, sales).findings if f.kind == "fear"]


def test_a_pitch_without_the_stakeholders_priorities_is_flagged(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    assert "priorities" in kinds("Please finish the course.", glossary, library)
    assert "priorities" not in kinds("Please finish the course so deals close.", glossary, library)


@pytest.mark.parametrize(
    ("stakeholder", "draft"),
    [
        ("finance", "We can finish the month-end close without the usual scramble."),
        ("finance", "The approval step pays for itself: one stopped wire transfer covers it."),
        ("sales", "Reps get back the selling time they now lose to password resets."),
        ("legal", "It keeps us out of court when a supplier loses our data."),
        ("engineering", "Nobody gets paged at night for an expired certificate again."),
        ("executive", "The stores keep trading through an outage instead of closing."),
        ("frontline", "With shared tills nobody can tell who gave which refund."),
        ("board", "It keeps cyber risk inside the appetite you set, at 0.2% of revenue."),
        ("finance", "Retiring the old scanner would save about £40k a year."),
        ("hr", "Salary letters stop travelling as attachments to personal inboxes."),
        ("engineering", "Patching in the August shutdown means no unplanned stoppage."),
        ("executive", "A hospital that keeps patients' records safe keeps their confidence."),
    ],
)
def test_a_pitch_in_the_stakeholders_own_words_ties_to_their_priorities(
    glossary: GlossaryIndex, library: PlaybookLibrary, stakeholder: str, draft: str
) -> None:
    report = check_text(draft, glossary, library.find(stakeholder))
    assert "priorities" not in [finding.kind for finding in report.findings]


def test_a_priority_word_inside_a_security_term_is_not_theirs(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    report = check_text(
        "Every office moves to zero trust in 2027.", glossary, library.find("executive")
    )
    assert "priorities" in [finding.kind for finding in report.findings], "zero trust is no trust"


def test_naming_the_audience_is_not_naming_what_matters_to_it(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    draft = "Store staff must change their passwords every 60 days from January."
    report = check_text(draft, glossary, library.find("frontline"))
    assert "priorities" in [finding.kind for finding in report.findings]


def test_a_clause_never_follows_a_possessive_in_the_plainer_version(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    draft = "Ransomware hit a rival's site, so their RTO of 4 hours became 9 days."
    report = check_text(draft, glossary, library.find("board"))
    assert "their how" not in (report.rewrite or ""), "RTO's plain words are a clause"


@pytest.mark.parametrize(
    ("stakeholder", "draft"),
    [
        ("finance", "Our SoD checks and ITGCs under COSO keep DSO down and FCF up."),
        ("executive", "NPS and CSAT rose QoQ while COGS fell and CX improved."),
    ],
)
def test_a_stakeholders_own_abbreviations_are_never_flagged(
    glossary: GlossaryIndex, library: PlaybookLibrary, stakeholder: str, draft: str
) -> None:
    report = check_text(draft, glossary, library.find(stakeholder))
    assert not [f for f in report.findings if f.kind in ("acronym", "jargon", "unfamiliar")]


def test_a_line_too_short_to_grade_gets_no_grade_advice(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    short = check_text("We need MFA.", glossary, library.find("sales"))
    assert not short.graded and "readability" not in kinds("We need MFA.", glossary, library)
    assert report_summary(short).startswith("Too short for a reading grade.")
    long = (
        "Our enterprise authentication modernisation initiative necessitates comprehensive "
        "organisational participation immediately."
    )
    assert "readability" in kinds(long, glossary, library)


def test_a_priority_named_in_the_plural_counts_as_named(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    sales, finance = library.find("sales"), library.find("finance")
    assert sales is not None and finance is not None
    for text, book in [("This protects your quotas.", sales), ("Our budgets stay safe.", finance)]:
        singular = text.replace("quotas", "quota").replace("budgets", "budget")
        for draft in (singular, text):
            found = check_text(draft, glossary, book).findings
            assert not [f for f in found if f.kind == "priorities"], draft


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


def terms_for(
    text: str, audience: str, glossary: GlossaryIndex, library: PlaybookLibrary
) -> dict[str, list[str]]:
    report = check_text(text, glossary, library.find(audience))
    found: dict[str, list[str]] = {}
    for finding in report.findings:
        if term := term_of(finding):
            found.setdefault(finding.kind, []).append(term)
    return found


def test_the_stakeholders_own_vocabulary_is_not_jargon_to_them(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    draft = "Add an SBOM to each release and fail the CI/CD build on any critical CVE."
    assert terms_for(draft, "engineering", glossary, library) == {}
    assert {"SBOM", "CI/CD", "CVE"} <= set(terms_for(draft, "sales", glossary, library)["acronym"])
    finance = "The FP&A team can model what an outage costs the P&L."
    assert terms_for(finance, "finance", glossary, library) == {}


def test_an_everyday_word_is_jargon_only_in_its_security_sense(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    everyday = "Persistence paid off: we contained costs, and the lure of a bonus helped."
    assert terms_for(everyday, "finance", glossary, library) == {}
    security = "The attackers kept persistence on one server and used it as a lure for others."
    found = terms_for(security, "finance", glossary, library)
    assert found["jargon"] == ["persistence", "lure"]
    business = "The prospect gets a sandbox account, and we hardened our offer for renewals."
    assert terms_for(business, "sales", glossary, library) == {}
    attack = "The attackers got in, so we hardened the laptops and sandbox every attachment."
    assert terms_for(attack, "sales", glossary, library)["jargon"] == ["hardened", "sandbox"]


def test_rare_words_beyond_the_glossary_are_flagged_softly(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    report = check_text(
        "We saw kerberoasting attempts against the billing system.",
        glossary,
        library.find("finance"),
    )
    soft = [f for f in report.findings if isinstance(f, UnfamiliarFinding)]
    assert [f.term for f in soft] == ["kerberoasting"]
    assert soft[0].message == "“kerberoasting” may be unfamiliar to the finance team."


def test_words_in_any_alphabet_are_whole_words_and_accented_names_are_names(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    names = "Zoë, José and Łukasz in Kraków train the sales team; Ærøskøbing runs kerberoasting."
    soft = [
        f.term for f in check_text(names, glossary, library.find("sales")).findings
        if isinstance(f, UnfamiliarFinding)
    ]  # fmt: skip
    assert soft == ["kerberoasting"]
    german = check_text("Wir müssen die Schulung einführen.", glossary, library.find("sales"))
    flagged = [f.term for f in german.findings if isinstance(f, UnfamiliarFinding)]
    assert "müssen" in flagged and not {"ssen", "hren", "einf"} & set(flagged)


def test_mixed_case_and_adjacent_acronyms_are_found_and_numerals_are_not(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    found = terms_for(
        "Branches moved to FWaaS, and SWG CASB licences are next. The SOC 2 Type II audit passed.",
        "board",
        glossary,
        library,
    )
    assert found["acronym"][:3] == ["FWaaS", "SWG", "CASB"]
    assert not any(term == "II" for terms in found.values() for term in terms)


def test_inflected_forms_and_coined_compounds_are_found_once(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    found = terms_for(
        "The CFO was spoofed twice, and the attackers were living-off-the-land while "
        "spoofing suppliers too, against our follow-the-sun desk.",
        "hr",
        glossary,
        library,
    )
    assert found["jargon"] == ["spoofed", "living-off-the-land"]
    assert found["unfamiliar"] == ["follow-the-sun"]


def test_an_acronym_is_read_as_what_it_stands_for(glossary: GlossaryIndex) -> None:
    acronyms = "Our SOC uses EDR, XDR and SIEM data to cut MTTD and MTTR."
    plain = "Our team watches laptops and alerts to spot attacks sooner and fix them faster."
    assert reading_grade(acronyms, glossary) > 9 > reading_grade(plain, glossary)


def test_fear_anywhere_in_the_draft_but_not_good_news_with_numbers(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    assert "fear" in kinds(
        "Thanks for the time. Phishing attempts rose 250% last year.", glossary, library
    )
    assert "fear" in kinds(
        "Hi. Scammers stole twelve million from a firm down the road.", glossary, library
    )
    assert "fear" in kinds("It's only a matter of time before someone clicks.", glossary, library)
    assert "fear" not in kinds(
        "We grew renewals by 12% after customers saw our answers.", glossary, library
    )
    assert "fear" not in kinds(
        "We have never been breached, and deals kept closing.", glossary, library
    )


def test_the_plainer_version_replaces_terms_and_reads_no_harder(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    sales = library.find("sales")
    draft = "Sellers should use SSO. It keeps deals moving, and customers trust an MFA."
    report = check_text(draft, glossary, sales)
    assert report.rewrite == (
        "Sellers should use one login for all your work apps. It keeps deals moving, and "
        "customers trust a second check when you sign in."
    )
    again = check_text(report.rewrite, glossary, sales)
    assert len([f for f in again.findings if term_of(f)]) < len(
        [f for f in report.findings if term_of(f)]
    )
    assert again.grade <= report.grade


def test_a_term_that_modifies_the_next_word_is_left_as_written(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    report = check_text("The DLP pop-ups block quotes.", glossary, library.find("sales"))
    assert [term_of(f) for f in report.findings if term_of(f)] == ["DLP"]
    assert report.rewrite is None


def test_a_compound_built_on_a_glossary_term_is_flagged_whole(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    found = terms_for("We are buying phishing-resistant keys.", "board", glossary, library)
    assert found["jargon"] == ["phishing-resistant"]
    hyphenated = terms_for("The threat-intel report reached us.", "board", glossary, library)
    assert hyphenated["jargon"] == ["threat-intel"]


def test_every_verb_form_of_a_glossary_term_is_found(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    found = terms_for(
        "After the attackers got in, the firewall quarantined two laptops, which now "
        "authenticate again, and the gateway auto-quarantines any new ones.",
        "finance",
        glossary,
        library,
    )
    assert found["jargon"] == ["quarantined", "authenticate", "auto-quarantines"]


def test_practitioners_short_forms_of_glossary_terms_are_found(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    found = terms_for(
        "HR agreed to a phishing sim, and the hard-coded creds come out next week.",
        "hr",
        glossary,
        library,
    )
    assert found["jargon"] == ["phishing sim", "hard-coded creds"]


def test_an_abbreviation_made_a_verb_or_leading_a_compound_is_the_abbreviation(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    assert terms_for("Service calls aren't mTLS'd yet.", "engineering", glossary, library) == {
        "acronym": ["mTLS"]
    }
    draft = "Security reviews slow our ARR-critical deals."
    assert terms_for(draft, "sales", glossary, library) == {}
    assert terms_for(draft, "hr", glossary, library) == {"acronym": ["ARR"]}


def test_familiar_verbs_bent_everyday_tools_and_phrases_are_not_rare_words(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    draft = "Onboarding went well: we onboarded two approvers, who sign changes in DocuSign."
    assert terms_for(draft, "finance", glossary, library) == {}
    when = "Out-of-hours calls and end-of-quarter payments go on a pay-as-you-go plan."
    assert terms_for(when, "finance", glossary, library) == {}


def test_a_term_bent_into_a_verb_stays_in_the_plainer_version(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    report = check_text(
        "After the attackers got in, the tills authenticate with MFA.",
        glossary,
        library.find("finance"),
    )
    assert [term_of(f) for f in report.findings if term_of(f)] == ["authenticate", "MFA"]
    assert report.rewrite == (
        "After the attackers got in, the tills authenticate with a second check when you sign in."
    )


def test_the_plainer_version_keeps_plurals_plural_and_lists_readable(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    def plainer(text: str) -> str | None:
        return check_text(text, glossary, library.find("sales")).rewrite

    # A plural whose plain phrase runs on after its noun: the noun takes the plural.
    assert plainer("We found two misconfigurations in the CRM last week and fixed them.") == (
        "We found two settings left in an unsafe state in the CRM last week and fixed them."
    )
    shared = plainer("We shared the IOCs with the partner team yesterday.")
    assert shared is not None and "the clues that" in shared and "a clue" not in shared
    # An item of a list keeps its place when its plain phrase has an "and" of its own.
    listed = plainer("We need DLP, CASB, XDR and SOAR before next quarter.")
    assert listed is not None and "CASB, XDR and" in listed and "staff use and how" not in listed


def test_a_participle_is_never_given_a_nouns_plain_phrase(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    report = check_text(
        "The servers are unpatched and misconfigured, and one was backdoored.",
        glossary,
        library.find("sales"),
    )
    said = {term_of(f): f.suggestion for f in report.findings if isinstance(f, TermFinding)}
    assert said["unpatched"] == "missing software fixes"
    assert said["misconfigured"] == "set up unsafely"
    for noun_phrase in ("a setting left", "installing software fixes", "a hidden way in"):
        assert noun_phrase not in (report.rewrite or "")


def test_a_name_with_a_number_is_a_tool_but_a_period_or_amount_is_not(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    found = terms_for(
        "The Log4j flaw hit three apps, and our tokenising of card data is late.",
        "board",
        glossary,
        library,
    )
    assert found == {"unfamiliar": ["Log4j"], "jargon": ["tokenising"]}
    plain = "The FY24 plan adds 256GB laptops for Q4 and 24x7 support at 3pm calls."
    assert terms_for(plain, "sales", glossary, library) == {}


def test_a_name_with_a_number_leading_a_compound_is_still_a_tool(
    glossary: GlossaryIndex, library: PlaybookLibrary
) -> None:
    draft = "A Log4j-style flaw in a supplier's product could stall the launch."
    assert terms_for(draft, "executive", glossary, library) == {"unfamiliar": ["Log4j-style"]}
    everyday = "Our FY24-style budget covers 24x7 support and 10-second checks."
    assert terms_for(everyday, "finance", glossary, library) == {}
