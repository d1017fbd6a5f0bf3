"""What a paper claims about its code, weights and data, with the sentence that says so.

Each sentence that holds a trigger word is cut into clauses; in each clause a release verb
(present or past: "is available", "we release") or a promise ("will be released", "upon
acceptance") is tied to the artifact words of its subject or object. A negated verb ("we do not
release") and third-party subjects ("open-source LLMs", "existing models") count for nothing. A
link in the sentence whose role is code, weights or data is a release of that artifact too.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import NamedTuple

import re2

from tracker.extract.classify import CODE_WORDS, DATA_WORDS, WEIGHTS_WORDS
from tracker.models import Availability, Link, Role, StatusClaim

ARTIFACTS = ("code", "weights", "data")

_SENT_SPLIT = re.compile(r"([.!?][\"')\]]*)\s+(?=[A-Z(\[\"])")
_CLAUSE_SPLIT = re.compile(r";|,\s+(?:while|whereas|but|and)\s+|\s+(?:while|whereas)\s+")
_COMMA_SPLIT = re.compile(r",\s+(?:while|whereas|but|and)\s+")
"""The only branch of `_CLAUSE_SPLIT` that can match without `;`, `while` or `whereas`; it
starts with a literal, so it scans several times faster."""
_STEMS = (
    "availab",
    "releas",
    "open-s",
    "open s",
    "opens",
    "public",
    "soon",
    "upon",
    "will ",
    "forthcoming",
    "plan",
    "intend",
    "be found",
    "download",
    "hosted",
    "archived",
    "deposited",
    "uploaded",
    "provided",
    "shared",
    "accessible",
    "supplement",
    "github",
    "hugging",
    "we provide",
    "we share",
    "website",
    "homepage",
    "project page",
)
"""Every claim without a link holds one of these (checked on lower-cased text); a sentence with
none of them, and no link, claims nothing."""
_STEM_RE = re.compile("|".join(re.escape(stem) for stem in _STEMS))
_ADV = r"(?:(?:now|publicly|openly|freely|fully|also|all|made|soon|further|readily|partially|" \
       r"progressively|gradually|here|hereby|already|both|then|subsequently)\s+)*"  # fmt: skip
_PARTICIPLE = (
    r"(?:released|available|open[- ]?sourced?|accessible|public|provided|shared|hosted|"
    r"downloadable|published|distributed|included|attached|archived|deposited|stored|"
    r"uploaded)"
)
_ACTIVE = r"(?:releas(?:e|es|ed|ing)|open[- ]?sourc(?:e|es|ed|ing)|publish(?:es|ed)?|shar(?:e|es|ed)|provid(?:e|es|ed)|distribut(?:e|es|ed)|contribut(?:e|es|ed)|make|made|put)"
_PROMISE = re.compile(
    r"\b(?:will|shall|would)\s+(?:not\s+)?(?:be\s+)?" + _ADV + r"(?:" + _PARTICIPLE + r"|"
    + _ACTIVE + r")\b"
    r"|\bto\s+be\s+" + _ADV + _PARTICIPLE + r"\b"
    r"|\b(?:coming|available)\s+soon\b|\bforthcoming\b|\bwill\s+(?:soon\s+)?follow\b"
    r"|\b(?:plan|plans|planning|intend|intends|aim|hope|are\s+working|are\s+preparing|promise)"
    r"\b[^.;]{0,80}?\bto\s+" + _ADV + r"(?:release|open[- ]?source|make|share|publish|provide)\b"
    r"|\bupon\s+(?:the\s+)?(?:paper(?:'s)?\s+)?(?:acceptance|publication)\b"
    r"|\b(?:after|once|when)\s+(?:the\s+)?(?:paper\s+)?(?:is\s+)?(?:acceptance|accepted|review|"
    r"reviewing|published|publication|(?:[\w-]+\s+)?review)\b",
)  # fmt: skip
_RELEASE = re.compile(
    r"\b(?:is|are|was|were|been|be|get|gets)\s+" + _ADV + _PARTICIPLE + r"\b"
    r"|\b(?:can|could|may)\s+(?:also\s+)?(?:be\s+)?(?:found|accessed|downloaded|obtained|"
    r"reached)\b"
    r"|\b(?:is|are)\s+(?:hosted\s+)?(?:at|here)\b"
    r"|\b(?:is|are)\s+(?:also\s+|now\s+)?on\s+(?:our\s+|the\s+)?(?:github|gitlab|hugging\s*face|"
    r"(?:project\s+)?(?:website|web\s*page|homepage|web\s*site)|project\s+page)\b"
    r"|\bavailable\s+(?:at|from|on|in|via|here|under)\b(?=[^.;]*(?:://|\.(?:com|org|io)/))"
    r"|\bwe\s+(?:have\s+|also\s+|further\s+|publicly\s+|openly\s+|hereby\s+)*" + _ACTIVE + r"\b"
    r"|\b(?:released|open[- ]?sourced)\s+(?:at|on|in|via|under)\b"
    r"|\b(?:introduce|present|propose|develop|build|release)\w*\s+[^,.;]{1,60},\s+an?\s+"
    r"(?:fully\s+|publicly\s+available\s+)?open[- ]?source",
)  # fmt: skip
_COPULA_TAIL = r"\s+" + _ADV + _PARTICIPLE
_FOUND = r"\s+(?:also\s+)?(?:be\s+)?(?:found|accessed|downloaded|obtained|reached)"
_AT = r"\s+(?:at|on|in|via|under)\b"
_PROMISES, _RELEASES = 1, 2
_ARE = r"\s+(?:" + _ADV + _PARTICIPLE + r"|(?:hosted\s+)?(?:at|here)\b|(?:also\s+|now\s+)?on\s)"
_GATES = tuple(
    re.compile(pattern)
    for pattern in (
        r"w(?:(?P<p>ill\s|ould\s)|as" + _COPULA_TAIL + r"|ere" + _COPULA_TAIL + r"|e\s+(?:have\s+|"
        r"also\s+|further\s+|publicly\s+|openly\s+|hereby\s+)*" + _ACTIVE + r")",
        r"(?P<p>s(?:hall\s|oon))",
        r"(?P<p>to\s+(?:be" + _COPULA_TAIL + r"|" + _ADV
        + r"(?:release|open[- ]?source|make|share|publish|provide)))",
        r"(?P<p>forthcoming)",
        r"a(?:(?P<p>ccept)|re" + _ARE + r"|vailable\s+(?:at|from|on|in|via|here|under)\b)",
        r"re(?:(?P<p>view)|leased" + _AT + r")",
        r"(?P<p>publi(?:shed|cation))",
        r"is" + _ARE,
        r"be(?:en)?" + _COPULA_TAIL,
        r"gets?" + _COPULA_TAIL,
        r"c(?:an|ould)" + _FOUND,
        r"may" + _FOUND,
        r"open[- ]?sourced" + _AT,
        r",\s+an?\s+(?:fully\s+|publicly\s+available\s+)?open[- ]?source",
        r":",
    )
)  # fmt: skip
"""Where a `_PROMISE`, `_RELEASE` or `_LABEL` match may be: each branch without its leading word
boundary (so a superset), grouped so that every pattern starts with a literal. Python's `re` scans for
a literal prefix in C, much faster than it tries an alternation at every offset,
so text where none of these match is known to claim nothing (without a link) at a fraction of
the cost. A match in group `p` stands for `_PROMISE`, any other for `_RELEASE` (or `_LABEL`), so
a clause is only matched against a pattern that a gate allows there. No gate match can span a
sentence or clause boundary (none consumes `.!?;` or a `, and`/`while` split), and within one
pattern no promise alternative can start inside a release one or the reverse, so `finditer`
skipping overlaps loses no clause. Keep in step with `_PROMISE`, `_RELEASE` and `_LABEL`."""
_ANY_ARTIFACT = r"(?:" + CODE_WORDS + r"|" + WEIGHTS_WORDS + r"|" + DATA_WORDS + r")"
_ARTIFACT_PHRASE = _ANY_ARTIFACT + r"(?:[\s-]+" + _ANY_ARTIFACT + r")?"
_LABEL = re.compile(
    r"(?:^|[(\[])\W*(?:(?:our|the|all|and|&|,)\s*)*"
    r"(?:(?:project\s+)?(?:page|website|homepage|repository|repo)\s+(?:with|for|of)\s+"
    r"(?:(?:our|the|all)\s+)?)?" + _ARTIFACT_PHRASE
    + r"(?:\s*(?:,|and|&)\s*(?:(?:our|the|all)\s+)?" + _ARTIFACT_PHRASE + r")*\s*:\s*(?=\S)"
)  # fmt: skip
"""`Code: <url>`, `Model weights and data: ...`, `Project page with code and models: ...`: a
label is a release."""
_NEGATION = re.compile(
    r"\b(?:not|never|no|cannot|unable|neither|nor|without|won't|don't|doesn't|didn't|isn't|"
    r"aren't|wasn't|weren't)\b(?:\W+\w+){0,3}\W*$",
)
_INNER_NEGATION = re.compile(r"\bnot\b|n't\b")
_THIRD_PARTY = re.compile(
    r"\b(?:open[- ]?source[d]?|existing|other|prior|previous|many|most|several|popular|"
    r"commercial|proprietary|third[- ]party|such|various|numerous|some|publicly|baseline|"
    r"state[- ]of[- ]the[- ]art|recent|their|its|off[- ]the[- ]shelf|open[- ]weights?)\s+"
    r"(?:(?!(?:our|the|a|an|all|this|these|those)\s)[\w-]+\s+){0,2}$",
)
"""A modifier of the artifact's own noun phrase: a determiner in between ("we open-source our
code", "we publicly release the data") makes the modifier a verb's adverb or the verb itself."""
_LEADING_SUBJECT = re.compile(
    r"^\W*(?!.*\b(?:will|would|require[sd]?|than|using|uses?|used|from|on|of|with|by|if)\b)"
    r"(?:[\w'-]+\W+){0,4}$",
)
"""An artifact word opening its clause ("The code and models are..."), not buried in it."""
_LEADING_CLAUSE = re.compile(
    r"\W*(?:because|since|as|although|though|while|given|due\s+to|to\s+protect|for)\b[^,]*,"
)
"""An introductory subordinate clause or phrase before the subject, ended by its comma."""
_OWNER = re.compile(r"\b(?:we|our|us|ours)\b")
_PLACE_NO_LINK = re.compile(
    r"\b(?:on|at|via|through|in)\s+(?:our\s+|the\s+)?(?:github|gitlab|hugging\s*face|"
    r"(?:project\s+)?(?:website|web\s*page|homepage|project\s+page)|supplementary|online)\b",
)
_ON_REQUEST = re.compile(
    r"\b(?:up)?on\s+(?:a\s+)?(?:reasonable|written|formal|justified|academic)?\s*request\b(?!\s+of\b)"
    r"|\b(?:by|via)\s+(?:a\s+)?(?:reasonable\s+)?request\b|\bif\s+requested\b|\bon\s+demand\b"
    r"|\bfrom\s+the\s+(?:corresponding\s+|first\s+|lead\s+)?authors?\b|\bby\s+contacting\b"
    r"|\bcontact\s+(?:the\s+)?(?:corresponding\s+)?authors?\b",
)
"""Available only by asking the authors: not a release, and not a promise of one."""
_CONDITION = re.compile(
    r"\b(upon (?:the )?(?:paper(?:'s)? )?(?:acceptance|publication)|"
    r"(?:after|once|when) (?:the )?(?:paper )?(?:is )?(?:acceptance|accepted|review|reviewing|"
    r"published|publication|(?:anonymous|double[- ]blind) review)(?: process| period)?|"
    r"coming soon|soon|in the (?:near )?future|"
    r"(?:by|in|before) (?:early |mid-?|late )?(?:january|february|march|april|may|june|july|"
    r"august|september|october|november|december|q[1-4]|spring|summer|autumn|fall|winter)"
    r"(?:,? \d{4})?|(?:by|in|before) \d{4})\b",
)
_ARTIFACT_RE = {
    "code": re.compile(r"\b(?:" + CODE_WORDS + r")\b"),
    "weights": re.compile(r"\b(?:" + WEIGHTS_WORDS + r")\b"),
    "data": re.compile(r"\b(?:" + DATA_WORDS + r")\b"),
}
_LIST_END = re.compile(r"\b" + _ANY_ARTIFACT + r"\W*$")
_LIST_START = re.compile(r"\W*(?:[\w-]+\s+){0,2}?" + _ANY_ARTIFACT + r"\b")
_ROLE_ARTIFACT = {Role.CODE: "code", Role.WEIGHTS: "weights", Role.DATA: "data"}
_OBJECT_END = re.compile(
    r"\b(?:to|for|that|which|so|in order|under|by|because|of (?:this|our|its|these))\b|[(]"
)
_ACTIVE_ENDS = (
    "release", "open-source", "open source", "opensource", "publish", "share", "provide",
    "distribute", "contribute", "make", "put",
)  # fmt: skip
"""An active release verb ends a `_PROMISE` or `_RELEASE` match on one of these."""
_ADDITION = re.compile(r"\b(?:together with|along with|as well as|alongside|including)\b")
_RANK = {
    Availability.NONE: 0,
    Availability.MENTIONED_NO_LINK: 1,
    Availability.RELEASED: 2,
    Availability.PROMISED: 3,
}
"""Without a link, a promise outranks a vague release; a linked release outranks both."""


class _Hit(NamedTuple):
    """One artifact claim found in one clause (a tuple: made often, and a third of the cost
    of a frozen dataclass to make)."""

    artifact: str
    status: Availability
    sentence: str
    linked: bool
    condition: str = ""


Spans = list[tuple[int, str]]
"""Sentences of a text with their start offsets, as `sentences` gives them."""


_STOPS = str.maketrans("!?", "..")


MAX_SENTENCE = 2000
"""The longest sentence read as one, in characters: a longer run without a sentence end is cut
into pieces of at most this length, at white space where there is some. Clause work is
quadratic in a sentence's length at worst (every verb looks back over its clause), so the
bound keeps a text's cost linear in its length; no sentence of the labelled abstracts comes
near it."""


def sentences(text: str) -> Spans:
    """Sentences with their start offsets. URLs with dots do not split a sentence.

    The splits are what `_SENT_SPLIT.finditer` gives. That would try the pattern at every
    offset; a split can only start on `.`, `!` or `?` and holds no other one, so it is tried
    only there (`str.find` skips ahead in C), by `_split_at`, which tells what the pattern's
    match there would be without calling it. A sentence over `MAX_SENTENCE` is cut (`_cut`).
    """
    out: list[tuple[int, str]] = []
    pos = 0
    stops = text.translate(_STOPS) if "!" in text or "?" in text else text
    at = stops.find(".")
    while at >= 0:
        split = _split_at(text, at)
        if split is not None:
            _cut(text, pos, split[0], out)
            pos = at = split[1]
        at = stops.find(".", at + 1)
    if pos < len(text):
        _cut(text, pos, len(text), out)
    return out


def _cut(text: str, lo: int, hi: int, out: list[tuple[int, str]]) -> None:
    """Append `text[lo:hi]` to `out` as one sentence, or as pieces of at most `MAX_SENTENCE`
    characters each ended at the last white space within the bound (or at the bound)."""
    while hi - lo > MAX_SENTENCE:
        end = lo + MAX_SENTENCE
        space = max(text.rfind(" ", lo + 1, end), text.rfind("\n", lo + 1, end))
        cut = space if space > lo else end
        out.append((lo, text[lo:cut]))
        lo = cut
    out.append((lo, text[lo:hi]))


_CLOSERS = "\"')]"
_OPENERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ(["'


def _split_at(text: str, at: int) -> tuple[int, int] | None:
    """`_SENT_SPLIT.match(text, at)` for the `.`, `!` or `?` at `at`, as (end of its group 1,
    end of the match), without the call: closing quotes or brackets, whitespace (what `\\s`
    matches, `str.isspace`), then an opening character. Neither repeat can give back a
    character the next part would take, so the scan never needs to backtrack."""
    n = len(text)
    j = at + 1
    while j < n and text[j] in _CLOSERS:
        j += 1
    k = j
    while k < n and text[k].isspace():
        k += 1
    if k in (j, n) or text[k] not in _OPENERS:
        return None
    return j, k


class _Owner(NamedTuple):
    """What `_owned` reads from the whole clause, the same for every artifact word in it:
    worked out once per clause, so that each word costs only the few words before it."""

    anywhere: bool
    """A link or an owner word ("we", "our") somewhere in the clause."""
    lead_end: int
    """Where a `_LEADING_CLAUSE` match of the clause ends, or -1."""


def _owner_of(clause: str) -> _Owner:
    lead = _LEADING_CLAUSE.match(clause)
    return _Owner("://" in clause or _OWNER.search(clause) is not None, lead.end() if lead else -1)


def _owned(clause: str, start: int, owner: _Owner | None = None) -> bool:
    """The artifact word at `start` is the authors' own, not a third party's.

    Each pattern is tried only where its match can be (`_runs_back`): a `_THIRD_PARTY` match
    ends at `start` and holds at most six runs of white space; a `_LEADING_SUBJECT` one holds
    the whole head, so at most four words. A `_LEADING_CLAUSE` match ends at the first comma
    after its opening word, so it is the clause's own when it ends by `start`, else none.
    """
    if owner is None:
        owner = _owner_of(clause)
    if _THIRD_PARTY.search(clause, _runs_back(clause, start, 7, False), start):
        return False
    if owner.anywhere:
        return True
    if _few_words(clause, 0, start) and _LEADING_SUBJECT.match(clause, 0, start):
        return True
    lead = owner.lead_end
    return (
        0 <= lead <= start
        and _few_words(clause, lead, start)
        and bool(_LEADING_SUBJECT.match(clause[lead:start]))
    )


_WORD_RUN = re.compile(r"\w[\w'-]*")


def _few_words(text: str, lo: int, hi: int) -> bool:
    """Whether `text[lo:hi]` holds at most four runs of `[\\w'-]` with a word character in
    them, as a `_LEADING_SUBJECT` match must (each of its words lies in one such run, and
    every run with a word character holds one of its words)."""
    return next(islice(_WORD_RUN.finditer(text, lo, hi), 4, None), None) is None


def _runs_back(text: str, end: int, runs: int, word: bool) -> int:
    """Where the `runs`-th run of word characters (`\\w`: `str.isalnum` or `_`; of white
    space, `str.isspace`, when not `word`) counting back from `end` starts, or 0: a match
    ending at `end` that holds fewer such runs starts after it."""
    at = end
    inside = False
    while at > 0:
        c = text[at - 1]
        hit = (c.isalnum() or c == "_") if word else c.isspace()
        if hit and not inside:
            runs -= 1
        inside = hit
        if runs == 0 and not inside:
            return at
        at -= 1
    return 0


def _stems(words: str) -> str:
    """`\\b(?:words)` with every negative lookahead dropped: a pattern RE2 can run that matches
    wherever the words' own pattern does, in any window of the text (a window's end may cut a
    word, so no word boundary is required after it)."""
    out, depth, skip = [], 0, -1
    i = 0
    while i < len(words):
        if skip < 0 and words.startswith("(?!", i):
            skip, i = depth, i + 3
            depth += 1
            continue
        c = words[i]
        if c == "\\":
            if skip < 0:
                out.append(words[i : i + 2])
            i += 2
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == skip:
                skip, i = -1, i + 1
                continue
        if skip < 0:
            out.append(c)
        i += 1
    return r"\b(?:" + "".join(out) + ")"


def _stem_set() -> re2.Set:
    options = re2.Options()
    options.never_capture = True
    stems = re2.Set.SearchSet(options)
    for words in (CODE_WORDS, WEIGHTS_WORDS, DATA_WORDS):  # in the order of ARTIFACTS
        stems.Add(_stems(words))
    stems.Compile()
    return stems


_STEM_SET = _stem_set()
_NAMED = {
    frozenset(i for i in range(len(ARTIFACTS)) if bits >> i & 1): tuple(
        name for i, name in enumerate(ARTIFACTS) if bits >> i & 1
    )
    for bits in range(1 << len(ARTIFACTS))
}
"""The artifacts a set of `_STEM_SET` indexes stands for, in the order of `ARTIFACTS`."""


def _within(text: str, present: Sequence[str]) -> Sequence[str]:
    """`present` less the artifacts `text` (a part of the clause) cannot name."""
    if not present:
        return present
    named = _present(text)
    return [name for name in present if name in named]


def _present(clause: str) -> Sequence[str]:
    """The artifacts whose words may appear somewhere in `clause` (lower case), in the order
    of `ARTIFACTS`: one RE2 pass instead of a scan per artifact for each window `_artifacts`
    looks at. On ASCII text RE2's `\\b` is Python's; other text keeps every artifact."""
    if not clause.isascii():
        return ARTIFACTS
    return _NAMED[frozenset(_STEM_SET.Match(clause.encode()) or ())]


def _artifacts(
    clause: str,
    lo: int,
    hi: int,
    present: Sequence[str] = ARTIFACTS,
    owner: _Owner | None = None,
) -> set[str]:
    """The artifacts named in `clause[lo:hi]` that are the authors' own; `present` (see
    `_present`) are the only ones named anywhere in the clause, `owner` its `_owner_of`."""
    found: set[str] = set()
    if hi - lo < 4:  # no artifact word is shorter than "code" or "data"
        return found
    if owner is None:
        owner = _owner_of(clause)
    for name in present:
        for m in _ARTIFACT_RE[name].finditer(clause, lo, hi):
            if _owned(clause, m.start(), owner):
                found.add(name)
                break
    return found


def _subjects(
    clause: str,
    verb: re.Match[str],
    present: Sequence[str] = ARTIFACTS,
    owner: _Owner | None = None,
) -> set[str]:
    """Artifacts named before the verb (its subject) or, for an active verb, its object.

    After a passive verb only an explicit addition ("together with the logs") counts, so that
    "models are released with model cards" does not make the cards an artifact.
    """
    said = verb.group(0)
    active = said[:3].lower() == "we " or said.endswith(_ACTIVE_ENDS)
    if not present:
        return set()
    if owner is None:
        owner = _owner_of(clause)
    found = (
        set()
        if active
        else _artifacts(clause, max(0, verb.start() - 120), verb.start(), present, owner)
    )
    tail = clause[verb.end() :]
    stop = _OBJECT_END.search(tail)
    end = verb.end() + (stop.start() if stop else min(len(tail), 80))
    lo = verb.end()
    if not active:
        extra = _ADDITION.search(clause, lo, end)
        lo = extra.end() if extra else end
    found |= _artifacts(clause, lo, end, present, owner)
    if len(said) >= 4:  # the verb itself rarely names an artifact: RE2 tells which it may
        found |= _artifacts(clause, verb.start(), verb.end(), _within(said, present), owner)
    return found


def _negated(clause: str, verb: re.Match[str]) -> bool:
    """A negation word at most three words before the verb, or inside it. A `_NEGATION` match
    ends at the verb and holds at most five runs of word characters ("won't" is two), so it
    is looked for only after the sixth run back."""
    lo = _runs_back(clause, verb.start(), 6, True)
    return bool(_NEGATION.search(clause, lo, verb.start())) or bool(
        _INNER_NEGATION.search(verb.group(0))
    )


def _clause_hits(
    clause: str,
    sentence: str,
    linked: set[str],
    can: int = _PROMISES | _RELEASES,
    located: bool = False,
    placed: bool = False,
) -> Iterable[_Hit]:
    """Hits of one clause; `can` tells which of the promise and release patterns may match.

    A release that gives no location, neither a link in its sentence (`located`) nor in its
    clause, is a mention (`mentioned_no_link`) however it is worded: "we release our code"
    tells a reader nothing they can fetch. `placed`: a link of any role (a scheme-less project
    page too) stands in the clause, so the place it names is that link.
    """
    has_link = "://" in clause or bool(linked) or placed
    for pattern, status, bit in (
        (_PROMISE, Availability.PROMISED, _PROMISES),
        (_RELEASE, Availability.RELEASED, _RELEASES),
    ):
        if not can & bit:
            continue
        found = list(pattern.finditer(clause))
        if status is Availability.RELEASED and _may_label(clause):
            found += _labels(clause)
        verbs = [v for v in found if not _negated(clause, v)]
        if not verbs:
            continue
        names = set(linked)
        present = _present(clause)
        owner = _owner_of(clause)
        for verb in verbs:
            names |= _subjects(clause, verb, present, owner)
        condition = ""
        request = None if has_link else _ON_REQUEST.search(clause)
        if request:
            status, condition = Availability.MENTIONED_NO_LINK, " ".join(request.group(0).split())
        elif status is Availability.PROMISED:
            m = _CONDITION.search(clause) or _CONDITION.search(_lower(sentence))
            condition = m.group(1).lower() if m else ""
        elif not has_link and (not located or _PLACE_NO_LINK.search(clause)):
            status = Availability.MENTIONED_NO_LINK
        for name in names:
            yield _Hit(name, status, sentence, bool(linked) or has_link, condition)
        return
    for name in linked:
        yield _Hit(name, Availability.RELEASED, sentence, True)


_TRAINED = re.compile("trained|tuned|quantized|distilled")


def _may_label(clause: str) -> bool:
    """Whether `_LABEL` can match: it needs a colon after an artifact word. A colon right
    after a URL scheme can end no artifact word but a weights one ending in free text ("fine-
    tuned https"), so text whose colons all end schemes, with none of those words, holds no
    label."""
    colons = clause.count(":")
    if not colons:
        return False
    schemes = clause.count("https:") + clause.count("http:") + clause.count("ftp:")
    return colons > schemes or _TRAINED.search(clause) is not None


def _labels(clause: str) -> list[re.Match[str]]:
    """`_LABEL.finditer(clause)`, trying only where a label can start: at the start of the clause
    or on a bracket (a URL's `https:` would otherwise make the pattern try every offset)."""
    out = []
    pos = 0
    for at in sorted({0, *_brackets(clause)}):
        if at < pos:
            continue
        m = _LABEL.match(clause, at)
        if m:
            out.append(m)
            pos = m.end()
    return out


def _brackets(clause: str) -> Iterator[int]:
    for bracket in "([":
        at = clause.find(bracket)
        while at >= 0:
            yield at
            at = clause.find(bracket, at + 1)


def clause_spans(sentence: str) -> list[tuple[int, int]]:
    """`(start, end)` of each clause: promises and releases are scoped to their clause."""
    spans = []
    pos = 0
    whole = ";" in sentence or "while" in sentence or "whereas" in sentence
    for m in (_CLAUSE_SPLIT if whole else _COMMA_SPLIT).finditer(sentence):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(sentence)))
    return spans


def _list_spans(sentence: str) -> list[tuple[int, int]]:
    """`clause_spans`, with the last item of a serial list kept in its list's clause.

    The `, and` split also cuts "the dataset, code, and models" before its last item; a clause
    that holds a comma and ends on an artifact word, followed by one that opens on an artifact
    word, is such a list (a clause of its own would have no comma before the `, and`).
    """
    spans = clause_spans(sentence)
    if len(spans) < 2:
        return spans
    out = [spans[0]]
    for lo, hi in spans[1:]:
        prev_lo, prev_hi = out[-1]
        head = sentence[prev_lo:prev_hi]
        if "," in head and _LIST_END.search(head) and _LIST_START.match(sentence, lo, hi):
            out[-1] = (prev_lo, hi)
        else:
            out.append((lo, hi))
    return out


def _lower(text: str) -> str:
    """Lower case with offsets kept: the few characters whose lower case is longer stay as is."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _hits(
    text: str, links: tuple[Link, ...], spans: Spans | None, which: Sequence[int] | None
) -> Iterable[_Hit]:
    """Hits of the sentences that hold a trigger stem or a link, in order.

    Only a clause with an artifact link, or with a `_GATES` match, can yield a hit, so the rest
    are skipped before any clause work; text with neither is not even split into sentences.
    """
    if not text:
        return
    by_sentence: dict[str, list[Link]] = {}
    any_link: dict[str, list[str]] = {}
    for lk in links:
        if lk.sentence:
            any_link.setdefault(lk.sentence, []).append(lk.raw.rstrip(_CUT_PUNCT))
        if lk.role in _ROLE_ARTIFACT and lk.sentence:
            by_sentence.setdefault(lk.sentence, []).append(lk)
    located = set(any_link)
    linked_at = []
    repeated = False  # a linked sentence written twice
    for sentence in by_sentence:
        at = text.find(sentence)
        if at >= 0:
            linked_at.append(at)
            repeated = repeated or text.find(sentence, at + len(sentence)) >= 0
    if which is None:
        which = scan(text).gates
    if not linked_at and not which:
        return
    low = _lower(text)
    ascii_ = text.isascii()
    gated = sorted(_gated(low, which))
    if spans is None:
        spans = sentences(text)
    starts = [start for start, _ in spans]
    gated_idx = {bisect_right(starts, at) - 1 for at, _ in gated}
    linked_idx = {bisect_right(starts, at) - 1 for at in linked_at}
    wanted = gated_idx | linked_idx
    if repeated:
        wanted.update(i for i, (_, sent) in enumerate(spans) if sent.strip() in by_sentence)
    for index in sorted(wanted):
        start, raw = spans[index]
        sentence = raw.strip()
        in_sentence = by_sentence.get(sentence, [])
        if not in_sentence and index not in gated_idx:
            continue
        if index not in linked_idx and not _triggers(low, starts, index):
            continue
        offset = start + len(raw) - len(raw.lstrip())
        # lower case maps an ASCII letter alone; elsewhere it may look at the neighbours
        low_sentence = low[offset : offset + len(sentence)] if ascii_ else _lower(sentence)
        for lo, hi in _list_spans(low_sentence):
            # a link's raw text may end on the comma that cuts its list item off the next
            linked = set()
            for lk in in_sentence:
                at = sentence.find(lk.raw.rstrip(_CUT_PUNCT), lo, hi)
                if at >= 0 and not _borrowed(low_sentence, lo, at):
                    linked.add(_ROLE_ARTIFACT[lk.role])
            can = 0
            g = bisect_left(gated, (offset + lo, 0))
            while g < len(gated) and gated[g][0] < offset + hi:
                can |= gated[g][1]
                g += 1
            if linked or can:
                raws = any_link.get(sentence, ())
                placed = any(sentence.find(raw, lo, hi) >= 0 for raw in raws if raw)
                yield from _clause_hits(
                    low_sentence[lo:hi], sentence, linked, can, sentence in located, placed
                )


_BORROWED = re.compile(
    r"\b(?:use[sd]?|using|built\s+(?:up)?on|builds?\s+(?:up)?on|based\s+on|"
    r"adopt(?:s|ed|ing)?|initiali[sz]ed\s+(?:from|with)|borrow\w*|backbones?|"
    r"fine-?tun(?:e|es|ed|ing)|extend(?:s|ed|ing)?)\b"
)
"""Verbs that take someone else's artifact: a link after one (with no `our` between) is what
the paper uses, not what it releases ("we fine-tune LLaMA-2 (<link>)")."""


def _borrowed(low_sentence: str, lo: int, at: int) -> bool:
    """Whether the link at `at` in the clause starting at `lo` is another party's artifact:
    after a `_BORROWED` verb with no owner word between, or after a third-party modifier
    (`_OTHERS_LINKED`: "the open-source LLaVA (<link>)")."""
    if at <= lo:
        return False
    window = max(lo, at - _NEAR)
    near = low_sentence[window:at]
    if not any(word in near for word in _BORROWED_WORDS):
        return False
    last = None
    for m in _BORROWED.finditer(low_sentence, window, at):
        last = m
    if last is not None and not _OWNER.search(low_sentence, last.end(), at):
        return True
    head = low_sentence[window:at].rstrip(" ([:") + " "
    third = _OTHERS_LINKED.search(head)
    return third is not None and not _PREDICATE.search(head, 0, third.start())


_OTHERS_LINKED = re.compile(
    r"\b(?:open[- ]?source[d]?|existing|publicly\s+available|off[- ]the[- ]shelf|"
    r"third[- ]party|popular|commercial|proprietary|official|pre-?existing)\s+"
    r"(?:(?!(?:our|the|a|an|this|these|those)\s)[\w-]+\s+){0,2}$"
)
"""Modifiers that make the artifact a link follows someone else's ("the publicly available
Llama checkpoints (<link>)"): fewer than `_THIRD_PARTY`'s, since a link's own words ("our
baseline code at <link>", "other results at <link>") more often name the paper's own."""


_BORROWED_WORDS = (
    "use", "using", "buil", "based", "adopt", "initiali", "borrow", "backbone", "tun", "extend",
    "open", "exist", "public", "shelf", "third", "popular", "commercial", "proprietary",
    "official",
)  # fmt: skip
"""One of these is in every match of `_BORROWED` and of `_OTHERS_LINKED` (lower case): a
window without any holds neither, and most links' windows ("code is available at") do not."""
_NEAR = 100
"""How far before a link a borrowing verb or a third-party modifier is looked for: a verb
further back governs another phrase, and the window keeps the scan short."""


_PREDICATE = re.compile(r"\b(?:is|are|was|were|be|been|being|we|has|have)\s+(?:\w+\s+)?$")
"""Before "open-sourced" or "publicly", a verb makes them the paper's own release ("the
library is open-sourced at <link>"), not a modifier of someone else's artifact."""


_CUT_PUNCT = ".,;:!?"
"""Punctuation a link's raw text may end on that a clause split may leave out."""

_ASCII_SPACE = "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f ]"
"""Python's `\\s` on ASCII text (RE2's leaves out `\\v` and the separators `\\x1c`-`\\x1f`)."""


def _gate_set() -> re2.Set:
    """All `_GATES` in one automaton: which of them match anywhere, in one pass over the text.

    Python's `re` needs one pass per gate; RE2 runs them together in a DFA, several times
    faster. The gates are lower case and matched on lower-cased text, so on ASCII text (where
    `\\b` and `\\w` mean the same in both engines, and `\\s` is spelled out) a case-blind set
    over the text as written reports exactly the gates `re` finds; other text takes every gate.
    """
    options = re2.Options()
    options.never_capture = True
    options.case_sensitive = False
    gates = re2.Set.SearchSet(options)
    for gate in _GATES:
        gates.Add(gate.pattern.replace("\\s", _ASCII_SPACE))
    gates.Add(_URL_HINT)
    gates.Compile()
    return gates


_URL_HINT = r"/|www\.|\.[a-z]{2}"
"""What every URL holds, a slash, `www.` or a host's dot before a letter (`find_urls` finds
none in text without one), tested in the same pass as
the gates: the pass costs about a tenth more with it (instructions under callgrind), less than
looking for a URL separately, and most abstracts hold none."""
_URL_BIT = len(_GATES)
_GATE_SET = _gate_set()


class Scan(NamedTuple):
    """What one pass over a text tells: the `_GATES` that match in its lower case (by index)
    and whether it may hold a URL."""

    gates: Sequence[int]
    url: bool


_EVERYTHING = Scan(range(len(_GATES)), True)
_NOTHING = Scan((), False)


def scan(text: str) -> Scan:
    """The gates of `text` and whether it may hold a URL, in one RE2 pass (see `_gate_set`;
    on text that is not ASCII, every gate and maybe a URL)."""
    if not text:
        return _NOTHING
    if not text.isascii():
        return _EVERYTHING
    found = _GATE_SET.Match(text.encode())
    if not found:
        return _NOTHING
    return Scan(sorted(i for i in found if i != _URL_BIT), _URL_BIT in found)


def _gated(low: str, which: Iterable[int]) -> list[tuple[int, int]]:
    """`(offset, patterns allowed)` of every match of the gates `which` (those `scan` found
    in the text), as `finditer` would give them."""
    out = []
    for index in which:
        gate = _GATES[index]
        m = gate.search(low)
        while m:
            out.append((m.start(), _PROMISES if m.lastgroup else _RELEASES))
            m = gate.search(low, m.end())
    return out


def _triggers(low: str, starts: list[int], index: int) -> bool:
    """Sentence `index` holds a trigger stem (no stem spans two sentences: none holds `.!?`)."""
    end = starts[index + 1] if index + 1 < len(starts) else len(low)
    return _STEM_RE.search(low, starts[index], end) is not None


def _better(old: _Hit | None, new: _Hit) -> bool:
    if old is None:
        return True
    old_key = (old.linked and old.status is Availability.RELEASED, _RANK[old.status])
    new_key = (new.linked and new.status is Availability.RELEASED, _RANK[new.status])
    return new_key > old_key


NO_CLAIM = StatusClaim()
"""Shared by every artifact nothing is said about: claims are frozen, so one instance serves."""


def claims(texts: Iterable[str], links: tuple[Link, ...] = ()) -> dict[str, StatusClaim]:
    """The status of code, weights and data in `texts`, given the links found in them."""
    return claims_of_split(((text, None, None) for text in texts), links)


Split = tuple[str, Spans | None, Sequence[int] | None]
"""A text with its sentences and its gates (`scan(text).gates`), either None when not known."""


def claims_of_split(texts: Iterable[Split], links: tuple[Link, ...] = ()) -> dict[str, StatusClaim]:
    """`claims`, reusing the sentences and gates of a text when the caller has them already."""
    hits = [hit for text, spans, gates in texts for hit in _hits(text, links, spans, gates)]
    if not hits:
        return dict.fromkeys(ARTIFACTS, NO_CLAIM)
    best: dict[str, _Hit] = {}
    evidence: dict[str, list[str]] = {a: [] for a in ARTIFACTS}
    for hit in hits:
        if hit.sentence not in evidence[hit.artifact]:
            evidence[hit.artifact].append(hit.sentence)
        if _better(best.get(hit.artifact), hit):
            best[hit.artifact] = hit
    out = {}
    for artifact in ARTIFACTS:
        top = best.get(artifact)
        if top is None:
            out[artifact] = NO_CLAIM
            continue
        sentences_ = [top.sentence] + [s for s in evidence[artifact] if s != top.sentence]
        out[artifact] = StatusClaim(top.status, " ".join(sentences_), top.condition)
    return out
