"""What a paper claims about its code, weights and data, with the sentence that says so.

Each sentence that holds a trigger word is cut into clauses; in each clause a release verb
(present or past: "is available", "we release") or a promise ("will be released", "upon
acceptance") is tied to the artifact words of its subject or object. A negated verb ("we do not
release") and third-party subjects ("open-source LLMs", "existing models") count for nothing. A
link in the sentence whose role is code, weights or data is a release of that artifact too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.extract.classify import CODE_WORDS, DATA_WORDS, WEIGHTS_WORDS
from tracker.models import Availability, Link, Role, StatusClaim

ARTIFACTS = ("code", "weights", "data")

_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z(\[\"])")
_CLAUSE_SPLIT = re.compile(r";|,\s+(?:while|whereas|but|and)\s+|\s+(?:while|whereas)\s+", re.I)
_TRIGGER = re.compile(
    r"releas|availab|open[- ]?sourc|publish|upon|soon|forthcoming|accessib|can be found|"
    r"download|https?:|www\.|github|\.io\b|will (?:be|make|share|provide)|plan|intend|"
    r"\bwe (?:share|provide)|\bis at\b|\bare at\b|code:|public|provid|supplement|found|"
    r"hugging|archiv|deposit|hosted",
    re.I,
)
_ADV = r"(?:(?:now|publicly|openly|freely|fully|also|all|made|soon|further|readily|partially|" \
       r"progressively|gradually|here|hereby|already|both|then|subsequently)\s+)*"  # fmt: skip
_PARTICIPLE = (
    r"(?:released|available|open[- ]?sourced?|accessible|public|provided|shared|hosted|"
    r"downloadable|published|distributed|included|attached|archived|deposited|stored|"
    r"uploaded)"
)
_ACTIVE = r"(?:releas(?:e|es|ed|ing)|open[- ]?sourc(?:e|es|ed|ing)|publish(?:es|ed)?|shar(?:e|es|ed)|provid(?:e|es|ed)|distribut(?:e|es|ed)|contribut(?:e|es|ed)|make|made|put)"  # noqa: E501
_PROMISE = re.compile(
    r"\b(?:will|shall|would)\s+(?:not\s+)?(?:be\s+)?" + _ADV + r"(?:" + _PARTICIPLE + r"|"
    + _ACTIVE + r")\b"
    r"|\bto\s+be\s+" + _ADV + _PARTICIPLE + r"\b"
    r"|\b(?:coming|available)\s+soon\b|\bforthcoming\b"
    r"|\b(?:plan|plans|planning|intend|intends|aim|hope|are\s+working|are\s+preparing|promise)"
    r"\b[^.;]{0,80}?\bto\s+" + _ADV + r"(?:release|open[- ]?source|make|share|publish|provide)\b"
    r"|\bupon\s+(?:the\s+)?(?:paper(?:'s)?\s+)?(?:acceptance|publication)\b"
    r"|\b(?:after|once|when)\s+(?:the\s+)?(?:paper\s+)?(?:is\s+)?(?:acceptance|accepted|review|"
    r"reviewing|published|publication|(?:[\w-]+\s+)?review)\b",
    re.I,
)  # fmt: skip
_RELEASE = re.compile(
    r"\b(?:is|are|was|were|been|be|get|gets)\s+" + _ADV + _PARTICIPLE + r"\b"
    r"|\b(?:can|could|may)\s+(?:also\s+)?(?:be\s+)?(?:found|accessed|downloaded|obtained|"
    r"reached)\b"
    r"|\b(?:is|are)\s+(?:hosted\s+)?(?:at|here)\b"
    r"|\bavailable\s+(?:at|from|on|in|via|here|under)\b(?=[^.;]*(?:://|\.(?:com|org|io)/))"
    r"|\bwe\s+(?:have\s+|also\s+|further\s+|publicly\s+|openly\s+|hereby\s+)*" + _ACTIVE + r"\b"
    r"|\b(?:released|open[- ]?sourced)\s+(?:at|on|in|via|under)\b"
    r"|(?:" + CODE_WORDS + r"|" + WEIGHTS_WORDS + r"|" + DATA_WORDS + r")\s*:\s*(?=\S)"
    r"|\b(?:introduce|present|propose|develop|build|release)\w*\s+[^,.;]{1,60},\s+an?\s+"
    r"(?:fully\s+|publicly\s+available\s+)?open[- ]?source",
    re.I,
)  # fmt: skip
_NEGATION = re.compile(
    r"\b(?:not|never|no|cannot|unable|neither|nor|without|won't|don't|doesn't|didn't|isn't|"
    r"aren't|wasn't|weren't)\b(?:\W+\w+){0,3}\W*$",
    re.I,
)
_INNER_NEGATION = re.compile(r"\bnot\b|n't\b", re.I)
_THIRD_PARTY = re.compile(
    r"\b(?:open[- ]?source[d]?|existing|other|prior|previous|many|most|several|popular|"
    r"commercial|proprietary|third[- ]party|such|various|numerous|some|publicly|baseline|"
    r"state[- ]of[- ]the[- ]art|recent|their|its|off[- ]the[- ]shelf|open[- ]weights?)\s+(?:[\w-]+\s+){0,2}$",
    re.I,
)
_OWNER = re.compile(r"\b(?:we|our|us|ours)\b", re.I)
_PLACE_NO_LINK = re.compile(
    r"\b(?:on|at|via|through|in)\s+(?:our\s+|the\s+)?(?:github|gitlab|hugging\s*face|"
    r"(?:project\s+)?(?:website|web\s*page|homepage|project\s+page)|supplementary|online)\b",
    re.I,
)
_CONDITION = re.compile(
    r"\b(upon (?:the )?(?:paper(?:'s)? )?(?:acceptance|publication)|"
    r"(?:after|once|when) (?:the )?(?:paper )?(?:is )?(?:acceptance|accepted|review|reviewing|"
    r"published|publication|(?:anonymous|double[- ]blind) review)(?: process| period)?|"
    r"coming soon|soon|in the (?:near )?future|"
    r"(?:by|in|before) (?:early |mid-?|late )?(?:january|february|march|april|may|june|july|"
    r"august|september|october|november|december|q[1-4]|spring|summer|autumn|fall|winter)"
    r"(?:,? \d{4})?|(?:by|in|before) \d{4})\b",
    re.I,
)
_ARTIFACT_RE = {
    "code": re.compile(r"\b(?:" + CODE_WORDS + r")\b", re.I),
    "weights": re.compile(r"\b(?:" + WEIGHTS_WORDS + r")\b", re.I),
    "data": re.compile(r"\b(?:" + DATA_WORDS + r")\b", re.I),
}
_ROLE_ARTIFACT = {Role.CODE: "code", Role.WEIGHTS: "weights", Role.DATA: "data"}
_OBJECT_END = re.compile(r"\b(?:to|for|that|which|so|in order|under|by|because)\b|[(]", re.I)
_RANK = {
    Availability.NONE: 0,
    Availability.MENTIONED_NO_LINK: 1,
    Availability.RELEASED: 2,
    Availability.PROMISED: 3,
}
"""Without a link, a promise outranks a vague release; a linked release outranks both."""


@dataclass(frozen=True, slots=True)
class _Hit:
    """One artifact claim found in one clause."""

    artifact: str
    status: Availability
    sentence: str
    linked: bool
    condition: str = ""


def sentences(text: str) -> list[tuple[int, str]]:
    """Sentences with their start offsets. URLs with dots do not split a sentence."""
    out: list[tuple[int, str]] = []
    pos = 0
    for m in _SENT_SPLIT.finditer(text):
        out.append((pos, text[pos : m.start()]))
        pos = m.end()
    if pos < len(text):
        out.append((pos, text[pos:]))
    return out


def sentence_at(text: str, offset: int) -> str:
    """The sentence holding `offset`."""
    for start, sent in reversed(sentences(text)):
        if start <= offset:
            return sent.strip()
    return text.strip()


def _owned(clause: str, start: int) -> bool:
    """The artifact word at `start` is the authors' own, not a third party's."""
    if _THIRD_PARTY.search(clause, 0, start):
        return False
    return bool(_OWNER.search(clause)) or start < 40 or "http" in clause


def _artifacts(clause: str, lo: int, hi: int) -> set[str]:
    found = set()
    for name, pattern in _ARTIFACT_RE.items():
        for m in pattern.finditer(clause, lo, hi):
            if _owned(clause, m.start()):
                found.add(name)
                break
    return found


def _subjects(clause: str, verb: re.Match[str]) -> set[str]:
    """Artifacts named before the verb (its subject) or, for an active verb, its object."""
    active = verb.group(0)[:3].lower() == "we "
    found = set() if active else _artifacts(clause, max(0, verb.start() - 120), verb.start())
    tail = clause[verb.end() :]
    stop = _OBJECT_END.search(tail)
    end = verb.end() + (stop.start() if stop else min(len(tail), 80))
    return (
        found | _artifacts(clause, verb.end(), end) | _artifacts(clause, verb.start(), verb.end())
    )


def _negated(clause: str, verb: re.Match[str]) -> bool:
    return bool(_NEGATION.search(clause, 0, verb.start())) or bool(
        _INNER_NEGATION.search(verb.group(0))
    )


def _clause_hits(clause: str, sentence: str, linked: set[str]) -> Iterable[_Hit]:
    has_link = "://" in clause or bool(linked)
    for pattern, status in ((_PROMISE, Availability.PROMISED), (_RELEASE, Availability.RELEASED)):
        verbs = [v for v in pattern.finditer(clause) if not _negated(clause, v)]
        if not verbs:
            continue
        names = set(linked)
        for verb in verbs:
            names |= _subjects(clause, verb)
        condition = ""
        if status is Availability.PROMISED:
            m = _CONDITION.search(clause) or _CONDITION.search(sentence)
            condition = m.group(1).lower() if m else ""
        elif not has_link and _PLACE_NO_LINK.search(clause):
            status = Availability.MENTIONED_NO_LINK
        for name in names:
            yield _Hit(name, status, sentence, bool(linked) or has_link, condition)
        return
    for name in linked:
        yield _Hit(name, Availability.RELEASED, sentence, True)


def clause_spans(sentence: str) -> list[tuple[int, int]]:
    """`(start, end)` of each clause: promises and releases are scoped to their clause."""
    spans = []
    pos = 0
    for m in _CLAUSE_SPLIT.finditer(sentence):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(sentence)))
    return spans


def _hits(text: str, links: tuple[Link, ...]) -> Iterable[_Hit]:
    by_sentence: dict[str, list[Link]] = {}
    for lk in links:
        if lk.role in _ROLE_ARTIFACT and lk.sentence:
            by_sentence.setdefault(lk.sentence, []).append(lk)
    for _, raw in sentences(text):
        sentence = raw.strip()
        if not _TRIGGER.search(sentence):
            continue
        in_sentence = by_sentence.get(sentence, [])
        for lo, hi in clause_spans(sentence):
            clause = sentence[lo:hi]
            linked = {_ROLE_ARTIFACT[lk.role] for lk in in_sentence if lk.raw in clause}
            yield from _clause_hits(clause, sentence, linked)


def _better(old: _Hit | None, new: _Hit) -> bool:
    if old is None:
        return True
    old_key = (old.linked and old.status is Availability.RELEASED, _RANK[old.status])
    new_key = (new.linked and new.status is Availability.RELEASED, _RANK[new.status])
    return new_key > old_key


def claims(texts: Iterable[str], links: tuple[Link, ...] = ()) -> dict[str, StatusClaim]:
    """The status of code, weights and data in `texts`, given the links found in them."""
    best: dict[str, _Hit] = {}
    evidence: dict[str, list[str]] = {a: [] for a in ARTIFACTS}
    for text in texts:
        if not text or not _TRIGGER.search(text):
            continue
        for hit in _hits(text, links):
            if hit.sentence not in evidence[hit.artifact]:
                evidence[hit.artifact].append(hit.sentence)
            if _better(best.get(hit.artifact), hit):
                best[hit.artifact] = hit
    out = {}
    for artifact in ARTIFACTS:
        hit = best.get(artifact)
        if hit is None:
            out[artifact] = StatusClaim()
            continue
        sentences_ = [hit.sentence] + [s for s in evidence[artifact] if s != hit.sentence]
        out[artifact] = StatusClaim(hit.status, " ".join(sentences_), hit.condition)
    return out
