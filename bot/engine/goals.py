"""Reading an outcome statement: one goal, or several in any of the ways people list them.

Goals come as bullets, inline numbering ("1) … 2) …", "(a) … (b) …"), "Two things: …",
separate sentences, or joined in one sentence ("A, B and C", "plus", "as well as", "on top of
that", ";"). A join splits only where both sides are asks with their own verb, so a single
goal with a compound subject or object ("finance and procurement sign off on one vendor
list", "Get HR and IT to share one checklist") stays one.
"""

from __future__ import annotations

import itertools
import re
from datetime import date

from bot.engine.dates import period_end, read_date
from bot.engine.softening import without_hedges
from bot.engine.typed import straight_quotes

MAX_GOALS = 6
_SHORT_LIST, _SHORT_ITEM = 3, 4  # see `_short_list`
_A_WORD_OR_TWO = 2
_FOR_PEOPLE_TO = re.compile(r"^\s*(?:(?:simply|just|really|mainly)\s+)?for\b", re.IGNORECASE)
_REMARK_START = frozenset("that this it they we i you he she there here so yes no ok".split())
# Words that start a remark on the item before: "…; ideally by Friday", "…; because…".
_QUALIFIERS = frozenset(
    "ideally preferably by before because which or otherwise if unless even either since".split()
)
_REMARK = re.compile(
    r"^\s*(?:that|this|it|there|here)(?:'s|\s+(?:is|was|would|will|should))\b", re.I
)
_PLUS = re.compile(r"^\s*plus\b", re.IGNORECASE)
# "(and I've gone back and forth on this)"; not a list's "(a)" or "(2)".
_ASIDE = re.compile(r"\((?=[^()]*\s)[^()]{4,}\)")
# ", nothing more,", ", not IT,": said in passing, inside the ask.
_COMMA_ASIDE = re.compile(
    r",\s*(?:nothing (?:more|else)|that's all|ideally|if possible|at least|for now|not [^,]{1,30})"
    r"\s*,|,\s*if (?:that's|it's|that is|it is) (?:ok|okay|alright|possible|not too much to ask)"
    r"\s*(?=[.?!]?\s*$)|,\s*(?:while|if|when|once) [^,]{1,30},",
    re.IGNORECASE,
)
# Taking an earlier ask back: "scrap the bit about training", "forget the part about MFA".
_RETRACTION = re.compile(
    r"^[\s—–-]*(?:scrap|drop|forget|ignore|skip|lose|cancel) (?:the|that|my) (?:bit|part|point|"
    r"one|idea)\b",
    re.IGNORECASE,
)
# Courtesy conditions: "if he's willing", "only if she's comfortable", "— sorry if that's too
# much", "if that's not pushing it".
_COURTESY = re.compile(
    r"(?:,|\s[—–-])?\s*(?:(?:only|sorry) )?if (?:it's|that's|he's|she's|they're|they'd|he'd|"
    r"she'd|you're|you'd|it is|that is)\b[^,.?!—–]{0,30}",
    re.IGNORECASE,
)
# An apology before the asks: "Sorry, it's rather a lot, but I'd hoped for…".
_APOLOGY = re.compile(r"^[^,]{0,20}\b(?:sorry|apologies)\b[^.?!]{0,40}?,\s*but\s+", re.I)
_SHORTEST_GERUND = 6  # "using"
_AND_JOIN = re.compile(r"\band\b|[+&]", re.IGNORECASE)
_STRANDED = re.compile(r"^\s*,\s*")  # what a courtesy taken from the start leaves
_LEFT_BEHIND = re.compile(r"\s*,(?:\s*,)+|\s+,")
_SPACES = re.compile(r"[ \t]{2,}")
_NEEDFUL = re.compile(r"\bdo the needful(?:\s+and\b)?\s*", re.IGNORECASE)  # "do what's needed"
_ASK_VERB_WITHIN = 6  # "From HR I need their help …": the verb comes early
_CORRECTION = re.compile(
    r"^\s*(?:actually|scratch that|correction|no wait|wait|on second thoughts?)\b[,:;.!—–-]*"
    r"(?:\s*no\b[,.!]*)?\s*",
    re.IGNORECASE,
)
# "If there's time, …", "while I have her, …": a condition before the ask.
_INTRO_CLAUSE = re.compile(
    r"^\s*(?:if|when|while|once|assuming|as long as|since)\b[^,]{1,60},\s*", re.IGNORECASE
)
# "The main thing I want is …", "So the ask is that …", "Here's what I actually want: …".
_ASK_INTRO = re.compile(
    r"^\s*(?:(?:ok|okay|so|honestly|basically|really|ideally)\b,?\s*)*"
    r"(?:(?:the|my|our)\s+)?(?:(?:main|one|first|big|real|only|key)\s+)?"
    r"(?:(?:thing|ask|goal|outcome|aim|hope)\b(?:\s+(?:i|we)\s+(?:really\s+|actually\s+)?"
    r"(?:want|need|'m after|am after|have in mind))?(?:\s+here)?\s*(?:is|would be|:)|"
    r"(?:here's|here is|this is) what (?:i|we) (?:really |actually )?(?:want|need)\s*(?:is|:)?|"
    r"(?:walk|come|get) away with|leave (?:the room |the meeting )?with)"
    r"\s*(?:that\s+|for\s+)?",
    re.IGNORECASE,
)
_NEW_ASK_LEAD = re.compile(
    r"^\s*(?:oh,?\s+)?(?:also|and|plus|second(?:ly)?|separately|another thing|on top of that)\b",
    re.IGNORECASE,
)
_WANTING = re.compile(
    r"\b(?:i|we)\s+(?:also\s+)?(?:want|need)\b|\b(?:i|we)(?:'d|\s+would)\s+(?:also\s+)?"
    r"(?:like|love)\b|^\s*(?:also\s+)?need\b",
    re.IGNORECASE,
)
# A list announced before its items: "Three things from the CFO:", "for engineering I want".
_LIST_INTRO = re.compile(
    r"(?::|\b(?:want|need|like|asks? (?:are|is)|goals? (?:are|is))|\bfrom (?:\w+ ){0,3}\w+ i "
    r"(?:want|need))\s*$",
    re.IGNORECASE,
)
_NO_ASK = re.compile(
    r"\b(?:nothing (?:specific|in particular|really)|no (?:specific |particular |real )?"
    r"(?:ask|agenda|goal)|not asking for anything|just (?:want to |wanna |to )?(?:listen|"
    r"introduce myself|say hello|say hi|get to know|build (?:a )?relationship|meet (?:her|him|"
    r"them)|learn about)|just (?:listening|getting to know))\b",
    re.IGNORECASE,
)
_GETTING_TO_KNOW = frozenset(
    "listen meet learn get know want say hear talk chat have has do am is are be".split()
)
_MODALS = frozenset("will would can could should must shall may might".split())
_BULLET = re.compile(r"^\s*[-*•·]\s+", re.MULTILINE)
_NUMBERING = re.compile(r"(?:^|\s)(?:\d{1,2}[.)]|\(?[a-h]\)|\(\d{1,2}\))\s+", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_COUNTED_LIST = re.compile(
    r"^\s*(?:(?:i |we )?(?:need|want|have|would like|'d like|make it)\s+)?"
    r"(?:two|three|four|five|2|3|4|5|my|our|the|main)\s+(?:things|asks|goals|outcomes|"
    r"priorities|items|points)(?:,?\s+[a-z]+){0,2}\s*:\s*",  # "Two asks, really: …"
    re.IGNORECASE,
)
# After "to", these start a noun phrase ("to the tabletop"), not a verb ("to lock").
_NOT_A_VERB_AFTER_TO = frozenset(
    """
    the a an our your their his her its this that these those every each all some any me us
    them him it my one two three four five six ten date day week month quarter end start
    """.split()
)
_STRONG_JOIN = re.compile(
    r"\s*(?:;|\s[-—–]\s*(?:oh,?\s*)?and\b,?|,?\s*\bplus\b|,?\s*\bas well as\b|"
    r",?\s*\bon top of that\b,?|,?\s*\band also\b|"
    r",?\s*\bin addition\b,?|,?\s*\band then\b)\s*",
    re.IGNORECASE,
)
_AS_WELL_AS = re.compile(r"\bas well as\b", re.IGNORECASE)
_AND = re.compile(r"(,?\s+(?:\band\b|\+|&)\s+|,\s+)", re.IGNORECASE)
_LEAD_IN = re.compile(
    r"^\s*(?:(?:first|second|third|fourth|finally|also|then|next|and|to|separately|plus|oh)\b,?"
    r"\s*)+",
    re.IGNORECASE,
)
_OBJECT_START = frozenset("a an the one two three some more another".split())
_POSSESSIVES = frozenset("their his her your our".split())
# Nouns that name what is asked for, a noun phrase of their own: "approval to buy the tool",
# "buy-in on MFA", "headcount for a second engineer".
_ASK_NOUNS = frozenset(
    """
    approval approvals agreement budget funding headcount sign-off signoff buy-in
    sponsorship support help commitment decision go-ahead permission backing
    """.split()
)
# A contraction ("that's", "we'll", "don't"): a remark, not a thing asked for.
_CONTRACTION = re.compile(
    r"(?:n't|'ll|'re|'ve|'d|'m)$|^(?:that|it|there|here|what|he|she|who|let)'s$"
)
_SUBJECT_PRONOUNS = frozenset("we they you i he she".split())
_RELATIVE = frozenset("who that which whose whom where".split())
_CAUSATIVE = frozenset("get gets have has make makes want wants need needs ask let".split())
_VERBS = frozenset(
    """
    get have make want need agree approve sponsor back fund finish complete roll cut name hire
    report use share sign stop start fix move win reduce turn track run add spend schedule set
    choose pick build publish test check review appoint create launch change remove keep
    protect give put invest nominate allocate book hold join attend provide support endorse
    bring send adopt enforce increase raise lower require enrol enroll train update replace
    enable pay prioritise prioritize allow drop block take do deploy achieve improve close
    commit buy mandate ensure sign-off retire migrate encrypt patch rotate limit lock own
    switch call tell read learn plan prepare present share show teach verify meet write
    shorten simplify translate rewrite announce remind invite measure monitor grant try
    escalate assign reward recognise recognize include embed integrate automate collect
    gather reserve delay postpone pause resume begin continue decide select save upgrade
    consolidate centralise centralize standardise standardize disable restrict confirm
    respond help explain cancel merge invest record speak freeze classify define brief
    release issue extend renew accept free open kill scrap ditch decommission sunset cover ask
    """.split()
)
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])*")  # a word in any alphabet
_DEADLINE = re.compile(
    r"\b(?:by|before|until|no later than)\s+(?:the\s+)?(?P<when>.+?)\s*[.!]?$", re.IGNORECASE
)


def goals_in(answer: str) -> list[str]:
    """The separate asks in an outcome statement; one item when it carries a single goal."""
    text = _ASIDE.sub(" ", straight_quotes(answer))
    text = _COURTESY.sub(" ", _APOLOGY.sub("", without_hedges(text)))
    text = _LEFT_BEHIND.sub(",", _STRANDED.sub("", text))  # ", , nominating": ", nominating"
    text = _corrected(_COMMA_ASIDE.sub(" ", _NEEDFUL.sub("", text))).strip()
    counted = _COUNTED_LIST.match(text)
    if counted:
        items = _items(_AND.split(text[counted.end() :].rstrip("."))[::2])
        if len(items) >= 2:
            return [_tidy(item) for item in items][:MAX_GOALS]
    for marker in (_BULLET, _NUMBERING):
        parts = marker.split(text)
        items = [p for p in parts[1:] if p.strip()]  # an explicit list: every item counts
        if len(items) >= 2 and (not parts[0].strip() or _LIST_INTRO.search(parts[0])):
            return [_tidy(item) for item in items][:MAX_GOALS]
    items = [item for item in text.rstrip(".").split(";") if item.strip()]
    if len(items) >= 2 and all(_listed(item) for item in items):
        return [_tidy(item) for item in items][:MAX_GOALS]  # "Budget kept; headcount kept"
    asks = _asks_by_sentence(_SENTENCE.split(text))
    return [_tidy(goal) for goal in asks][:MAX_GOALS] if len(asks) >= 2 else [_tidy(text)]


def _corrected(text: str) -> str:
    """What is left after the writer corrects themselves: "X. Actually, make it two
    things: …" keeps what follows the correction."""
    sentences = _SENTENCE.split(text)
    last = max((i for i, s in enumerate(sentences) if _CORRECTION.match(s)), default=None)
    if last is None:
        return text
    return " ".join([_CORRECTION.sub("", sentences[last]), *sentences[last + 1 :]])


def _items(pieces: list[str]) -> list[str]:
    """List items, each remark on the one before ("…, since both keep turning up") put back
    with it."""
    items: list[str] = []
    for piece in pieces:
        words = _words(piece)
        if items and (not words or words[0] in _QUALIFIERS):
            items[-1] = f"{items[-1]}, {piece.strip()}"
        else:
            items.append(piece)
    return items


def _asks_by_sentence(sentences: list[str]) -> list[str]:
    """The asks of each sentence. Once a sentence has asked for something with a verb, a
    later one adds an ask only when it asks in words of its own ("Also need them to…", "I
    want her to agree…", "Name an owner."), not when it says more about the first ("Ten
    minutes, live, not a recorded video.", "If she says yes, the rest is logistics.")."""
    asks: list[str] = []
    asked_with_a_verb = False
    for sentence in sentences:
        found = _split_sentence(sentence)
        if not found:
            continue
        if asked_with_a_verb and not _asks_again(sentence):
            continue
        asks.extend(found)
        body = _ask_intro(sentence)
        asked_with_a_verb = asked_with_a_verb or _is_ask(body) or _has_to_verb(body)
    return asks


def _asks_again(sentence: str) -> bool:
    """A later sentence that asks for something new: after "also", "and", "plus"…; starting
    with a verb of ours; or wanting something in so many words ("I want her to agree…", not
    "I just need her yes on the money")."""
    if _NEW_ASK_LEAD.match(sentence):
        return True
    body = _INTRO_CLAUSE.sub("", _LEAD_IN.sub("", sentence))
    words = _words(body)
    if words and words[0] in _VERBS and not _CONTRACTION.search(words[0]):
        return True
    return _WANTING.search(body) is not None


def _listed(item: str) -> bool:
    """An item of a list set apart by semicolons: two words or more, not a remark ("that's
    all") nor a word on the one before ("ideally by Friday")."""
    words = _words(item)
    return len(words) >= 2 and words[0] not in _REMARK_START and words[0] not in _QUALIFIERS


def _split_sentence(sentence: str) -> list[str]:
    sentence = _ask_intro(_INTRO_CLAUSE.sub("", _LEAD_IN.sub("", sentence)))
    if _REMARK.match(sentence) or _RETRACTION.match(sentence):
        return []  # "That is all I need", "scrap the bit about training": no ask
    pieces = _AND.split(sentence.strip().rstrip("."))[::2]
    if _short_list(pieces):
        return pieces  # "budget approved, headcount +1, exec sponsor named"
    first = _words(pieces[0])
    # "Sign-off on X and a date", "a pause on onboarding and a note to her team": things
    led_by_a_thing = bool(first) and (first[0] in _ASK_NOUNS or first[0] in _OBJECT_START)
    things = [] if _is_ask(pieces[0]) and not led_by_a_thing else _things_asked_for(sentence)
    if not things and not _is_ask(sentence) and _a_thing(sentence):
        return [sentence]  # "Budget. Headcount. And a decision by Friday."
    if things or not _is_ask(sentence):
        return things
    parts = [p for p in _STRONG_JOIN.split(sentence) if p.strip() and not _REMARK.match(p)]
    # "Get sign-off on the clause, plus a contact for incidents": after a strong join, an
    # object of its own is an ask of its own, its verb left out ("as well as the managers"
    # only widens the object).
    elided = _is_object if not _AS_WELL_AS.search(sentence) else _is_ask
    if not (_is_ask(parts[0]) and all(_is_ask(p) or elided(p) for p in parts[1:])):
        parts = [sentence]
    return [piece for part in parts for piece in _split_joined(_INTRO_CLAUSE.sub("", part))]


def _ask_intro(sentence: str) -> str:
    """The ask without its introduction: "The main thing I want is the budget" -> "the
    budget", "So the ask is that engineering adopts…" -> "engineering adopts…"."""
    return _ASK_INTRO.sub("", sentence, count=1)


def _things_asked_for(sentence: str) -> list[str]:
    """A list of things that starts with no verb ("Approval for the tool, a budget line, and
    an exec sponsor"): when each thing after the first starts as a noun phrase of its own,
    each is an ask; else none ("one checklist for HR and IT" is read as a whole)."""
    pieces = _AND.split(sentence.strip().rstrip("."))[::2]
    if _FOR_PEOPLE_TO.match(sentence):
        return []  # "for the CFO and the COO to co-sponsor it": one ask of two people
    if len(pieces) >= 2 and all(_is_object(p) or _PLUS.match(p) or _theirs(p) for p in pieces[1:]):
        return pieces
    return []


def _theirs(piece: str) -> bool:
    """A thing of theirs in a list of things asked for: "…, and her review of the notice"."""
    words = _words(piece)
    noun_phrase = len(words) == 2 or not _is_verb(words[2]) if len(words) >= 2 else False
    return noun_phrase and words[0] in _POSSESSIVES  # not "their teams finish the course"


def _a_thing(sentence: str) -> bool:
    """A sentence that only names a thing asked for: a noun phrase ("A decision on the
    outsourcing question by Friday") or a word or two ("Budget.", "Exec sponsor."); not a
    remark ("That's it", "We'll see") nor a clause ("Deals stay safe")."""
    words = _words(sentence)
    if not words or words[0] in _REMARK_START or any(_CONTRACTION.search(w) for w in words):
        return False
    return _is_object(sentence) or len(words) <= _A_WORD_OR_TWO


def _short_list(pieces: list[str]) -> bool:
    """Three or more short items, none an instruction of its own ("get HR", "to agree"):
    each is an ask, whatever its grammar ("sign-off given, budget approved, owner named")."""
    if len(pieces) < _SHORT_LIST:
        return False
    for piece in pieces:
        words = _words(piece)
        imperative = bool(words) and words[0] in _VERBS and "-" not in words[0]
        if not words or len(words) > _SHORT_ITEM or imperative or _has_to_verb(piece):
            return False
    return True


def _split_joined(clause: str) -> list[str]:
    """'A, B and C' into asks, where each later piece is an ask of its own."""
    pieces = _AND.split(clause)  # pieces at even positions, the joins between them at odd
    goals = [pieces[0]]
    for join, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        own_verb = _has_own_verb(goals[-1])
        first = _words(piece)[:1]
        if first and (first[0] in _QUALIFIERS or first[0] == "so"):
            goals[-1] = goals[-1] + join + piece  # ", so managers stop…": why, not what
        elif (
            _starts_with_verb(piece, gerund=_AND_JOIN.search(join) is not None)
            or (own_verb and (_has_to_verb(piece) or _is_clause(piece)))
            or _another_doing(goals[-1], piece)
            or _owned_ask(goals[0], piece)
            or (_another_gotten(goals[0], piece) and not _has_to_verb(clause))
        ):
            goals.append(piece)
        else:
            goals[-1] = goals[-1] + join + piece
    return goals


def _another_doing(goal: str, piece: str) -> bool:
    """The subject of `goal` doing a second thing: "The board approves the statement and
    schedules an exercise" (not "The CFO approves and signs the PO": one thing, two verbs)."""
    words = _words(piece)
    return bool(words) and _third_person(words[0]) and _is_clause(goal) and len(_words(goal)) > 3


def _another_gotten(goal: str, piece: str) -> bool:
    """A second thing to get: "get their agreement on the date and their help with the
    comms" (not "get HR, the leads and their managers to agree": one ask of them all)."""
    words, thing = _words(goal), _words(piece)
    owned = len(thing) >= 2 and thing[0] in _POSSESSIVES  # "their help with the comms"
    wants = any(word in _CAUSATIVE for word in words[:_ASK_VERB_WITHIN])
    return wants and (owned or _is_object(piece))


def _owned_ask(first: str, piece: str) -> bool:
    """Another thing asked of them after "I need …": "their help with X, their agreement to
    Y" (an ask noun that is theirs), whatever verb follows."""
    words, thing = _words(first), _words(piece)
    wants = any(word in _CAUSATIVE for word in words[:_ASK_VERB_WITHIN])
    return wants and len(thing) >= 2 and thing[0] in _POSSESSIVES and thing[1] in _ASK_NOUNS


def _words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(_LEAD_IN.sub("", text))]


def _is_object(piece: str) -> bool:
    """A noun phrase that can stand as what is asked for: an article or a count, then more."""
    words = _words(piece)
    return len(words) >= 2 and (words[0] in _OBJECT_START or words[0] in _ASK_NOUNS)


def _is_ask(piece: str) -> bool:
    """A verb of ours in its base form ("approve the budget"), or a subject doing one
    ("Engineering turns on the scanner")."""
    words = _words(piece)
    if len(words) >= 2 and _WANTING.search(piece) and _has_to_verb(piece):
        return True  # "I'd like her to open the all-hands…": whatever the verb
    return len(words) >= 2 and (any(word in _VERBS for word in words) or _is_clause(piece))


def _starts_with_verb(piece: str, gerund: bool = False) -> bool:
    """A piece led by a verb of ours ("approve…", "to approve…"), or by its -ing after "and"
    (`gerund`: "signing off the policy and joining the group"; after a comma an -ing says how:
    ", blocking only on critical issues")."""
    if re.match(r"^\s*to\s+(\w+)", piece) and _has_to_verb(piece):
        return True
    words = _words(piece)
    return bool(words) and (words[0] in _VERBS or (gerund and _gerund(words[0])))


def _gerund(word: str) -> bool:
    """'nominating', 'joining', 'sharing', 'signing': a verb of ours asked for as an -ing."""
    if not word.endswith("ing") or len(word) < _SHORTEST_GERUND:
        return False
    stem = word[:-3]
    return any(form in _VERBS for form in (stem, stem + "e", stem[:-1]))


def _is_clause(piece: str) -> bool:
    """A subject and its verb: 'we get budget', 'the VP sponsors the training', 'Sales adopts
    the manager'. Not 'procurement sign off' after 'finance and' (a compound subject) nor
    'the manager who leads them' (a relative clause): those are read with what comes before."""
    words = _words(piece)
    words = words[1:] if words[:1] == ["that"] else words  # "… and that managers will tell"
    if len(words) >= 2 and words[0] in _SUBJECT_PRONOUNS and _is_verb(words[1]):
        return True
    for size in (1, 2):  # 'Sales adopts', 'the VP sponsors', 'store managers will tell'
        subject, verb = words[:size], words[size : size + 1]
        if not verb or _RELATIVE.intersection(subject):
            continue
        modal = verb[0] in _MODALS and words[size + 1 : size + 2] and _is_verb(words[size + 1])
        if modal or _third_person(verb[0]):
            return not any(_is_verb(word) for word in subject)
    return False


def _is_verb(word: str) -> bool:
    return word in _VERBS or _third_person(word)


def _third_person(word: str) -> bool:
    """'sponsors', 'finishes', 'approves': a verb of ours with its third-person ending."""
    return any(word.endswith(end) and word[: -len(end)] in _VERBS for end in ("es", "s"))


def _has_to_verb(piece: str) -> bool:
    """'to' followed by a verb: any word that does not start a noun phrase."""
    words = [word.lower() for word in _WORD.findall(piece)]
    return any(
        a == "to" and (b in _VERBS or b not in _NOT_A_VERB_AFTER_TO)
        for a, b in itertools.pairwise(words)
    )


def _has_own_verb(piece: str) -> bool:
    """An action of its own, not only 'get'/'have' waiting for what follows."""
    words = _words(piece)
    return _has_to_verb(piece) or any(_is_verb(w) and w not in _CAUSATIVE for w in words)


def _tidy(piece: str) -> str:
    cleaned = _LEAD_IN.sub("", _BULLET.sub("", _NUMBERING.sub(" ", piece)))
    cleaned = _SPACES.sub(" ", cleaned)  # where an aside was taken out
    cleaned = cleaned.strip().strip(".;,:—–- ").strip()  # "Approve the budget —": no dash left
    return cleaned[:1].upper() + cleaned[1:]


def asks_nothing(goal: str) -> bool:
    """An outcome statement that says there is no ask: "nothing specific, I just want to
    introduce myself and listen", "no agenda, just getting to know her"; not one that asks
    for something besides ("I just want to listen, then agree a pilot")."""
    text = straight_quotes(goal)
    if _NO_ASK.search(text) is None:
        return False
    rest = [w for w in _words(_NO_ASK.sub(" ", text)) if w not in _GETTING_TO_KNOW]
    return not any(word in _VERBS or _third_person(word) for word in rest)


def deadline_in(goal: str, today: date, fiscal_year_start_month: int) -> date | None:
    """The day a goal sets itself ("by the end of Q1", "before quarter-end", "by 12 March")."""
    match = _DEADLINE.search(goal)
    if not match:
        return None
    when = match["when"]
    end = period_end(when, today, fiscal_year_start_month)
    if end is not None:
        return end
    reading = read_date(when, today, fiscal_year_start_month=fiscal_year_start_month)
    return reading.day if reading else None
