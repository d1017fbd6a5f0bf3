"""The shortcuts that keep extraction fast give exactly what the full patterns give."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.models import Location, PaperRecord

links = importlib.import_module("tracker.extract.links")
status = importlib.import_module("tracker.extract.status")
hf_api = importlib.import_module("tracker.sources.hf_api")
extract = importlib.import_module("tracker.extract")
identity = importlib.import_module("tracker.extract.identity")
classify = importlib.import_module("tracker.extract.classify")

DATA = Path(__file__).resolve().parent.parent / "data"
CORPUS = [
    json.loads(line)["abstract"]
    for name in ("extra-labels.jsonl", "heldout-labels.jsonl", "heldout3-labels.jsonl")
    for line in (DATA / name).read_text(encoding="utf-8").splitlines()
    if line.strip()
]
PHRASES = [
    "code will be released", "would be made publicly available", "shall be shared",
    "is to be released", "coming soon", "available soon", "forthcoming", "will soon follow",
    "we plan to release", "we hope to open-source", "are working to make", "upon acceptance",
    "upon the paper's publication", "after the review process", "once accepted",
    "when published", "is available at", "are publicly available on", "was released",
    "were uploaded", "has been deposited", "gets shared", "is hosted at", "are here",
    "can be found at", "could also be downloaded", "may be obtained", "available from",
    "released under", "open-sourced at", "we have also released", "we publish",
    "we introduce foo, an open-source", ", a fully open-source", "code:", "(weights and data:",
    "[models:", "our code", "the datasets", "do not", "existing models", "; ", ", and ",
    ", but ", " while ", " whereas ", ". ", "\t", "https://github.com/o/r", "github.com/o/r",
]  # fmt: skip
_TEXT = st.lists(
    st.sampled_from(PHRASES) | st.text(alphabet="ab (:;,./-\n", max_size=6), max_size=12
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_clause_spans_match_the_full_split(text: str) -> None:
    spans, pos = [], 0
    for m in status._CLAUSE_SPLIT.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    assert status.clause_spans(text) == [*spans, (pos, len(text))]


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_labels_match_a_full_scan(text: str) -> None:
    assert [m.span() for m in status._labels(text)] == [
        m.span() for m in status._LABEL.finditer(text)
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PHRASES) | st.sampled_from(["www.x", ".io/", ".ab/c", "K.ai/"])))
def test_anchors_hold_every_anchor_and_nothing_outside_one(parts: list[str]) -> None:
    text = " ".join(parts)
    matches = list(links._ANCHOR.finditer(text))
    found = links._anchors(text)
    assert {m.start() for m in matches} <= set(found)
    assert all(any(m.start() <= at < m.end() for m in matches) for at in found)


def _allowed(sentence: str) -> list[tuple[str, int]]:
    """Each clause of `sentence` with the patterns its gates allow."""
    low = sentence.lower()
    gated = status._gated(low, range(len(status._GATES)))
    out = []
    for lo, hi in status.clause_spans(low):
        can = 0
        for at, bit in gated:
            if lo <= at < hi:
                can |= bit
        out.append((low[lo:hi], can))
    return out


def _check_gates(sentence: str) -> None:
    for clause, can in _allowed(sentence):
        if status._PROMISE.search(clause):
            assert can & status._PROMISES, clause
        if status._RELEASE.search(clause) or (":" in clause and status._LABEL.search(clause)):
            assert can & status._RELEASES, clause


def test_gates_allow_every_claim_of_the_labelled_abstracts() -> None:
    for abstract in CORPUS:
        for sentence in re.split(r"(?<=[.!?])\s+", abstract):
            _check_gates(sentence)


@settings(max_examples=500, deadline=None)
@given(_TEXT)
def test_gates_allow_every_claim(text: str) -> None:
    _check_gates(text)


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(["https://", "HTTP://", "ftp://", "git+ssh://", "", "//", "https:"]).flatmap(
        lambda head: st.text(
            alphabet=st.sampled_from([*"ab.:/?#@[]-_%~ \t\n\\", "é", "ﬁ", "\x00"]),
            max_size=30,
        ).map(lambda tail: head + tail)
    )
)
def test_split_url_matches_urlsplit(url: str) -> None:
    try:
        want: object = tuple(urlsplit(url))
    except ValueError:
        want = ValueError
    try:
        got: object = links.split_url(url)
    except ValueError:
        got = ValueError
    assert got == want


@settings(max_examples=500, deadline=None)
@given(_TEXT, st.sampled_from([str, str.upper, str.title]), st.sampled_from(["", "\x0b", "\x1c"]))
def test_gate_set_finds_the_gates_re_finds(text: str, case: object, space: str) -> None:
    text = case(text.replace("\t", space or "\t"))  # type: ignore[operator]
    low = text.lower()
    want = [i for i, gate in enumerate(status._GATES) if gate.search(low)]
    assert list(status.scan(text).gates) == (
        want if text.isascii() else list(range(len(status._GATES)))
    )


def test_non_ascii_text_takes_every_gate() -> None:
    text = "Code will be released\u00a0soon, naïvely."
    assert list(status.scan(text).gates) == list(range(len(status._GATES)))


_WORDS = [
    "code", "codes", "source-code", "codebases", "toolkitty", "pre-trained", "fine-tuned",
    "https", "https:", "ftp:", "sftp:", "model outputs", "model-cards", "data:", "weights",
    "test-set", "labelled", "x", "é", "données",
]  # fmt: skip
_WORDY = st.lists(
    st.sampled_from(PHRASES) | st.sampled_from(_WORDS) | st.text(alphabet="ab -:/", max_size=4),
    max_size=14,
).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(_WORDY, st.integers(0, 80), st.integers(0, 80))
def test_present_holds_every_artifact_a_window_finds(text: str, a: int, b: int) -> None:
    """`_artifacts` only scans for the artifacts `_present` names in the clause: every match
    in any window (whose end may cut a word) must be among them."""
    clause = text.lower()
    lo, hi = sorted((min(a, len(clause)), min(b, len(clause))))
    present = status._present(clause)
    for name, pattern in status._ARTIFACT_RE.items():
        if pattern.search(clause, lo, hi):
            assert name in present, (name, clause[lo:hi])
    assert status._artifacts(clause, lo, hi, present) == status._artifacts(clause, lo, hi)


def test_present_names_only_what_the_clause_holds() -> None:
    assert status._present("code and data are available at https://x.org/a") == ("code", "data")
    assert status._present("we thank the reviewers") == ()
    assert status._present("naïve models") == status.ARTIFACTS  # not ASCII: every artifact


@settings(max_examples=500, deadline=None)
@given(_WORDY)
def test_may_label_holds_every_label(text: str) -> None:
    clause = text.lower()
    if status._LABEL.search(clause) or status._labels(clause):
        assert status._may_label(clause), clause


def test_may_label_skips_scheme_colons_only() -> None:
    assert not status._may_label("code is at https://github.com/o/r")
    assert status._may_label("code: https://github.com/o/r")
    assert status._may_label("(fine-tuned https://x.org/m")  # a weights word may end on a scheme
    assert status._labels("(fine-tuned https://x.org/m")


@given(st.sampled_from(PHRASES), st.sampled_from(["", " put", " make", " share", "\n"]))
def test_active_ends_match_the_active_verbs(phrase: str, tail: str) -> None:
    verb = phrase + tail
    pattern = re.compile(
        r"(?:release|open[- ]?source|publish|share|provide|distribute|contribute|make|put)\Z"
    )
    assert verb.endswith(status._ACTIVE_ENDS) == bool(pattern.search(verb))


_BORROWING = st.lists(
    st.sampled_from(
        ["we", "use", "uses", "using", "built on", "builds upon", "based on", "adopted",
         "initialized from", "borrowed", "backbone", "fine-tune", "finetuned", "extends",
         "open-source", "opensourced", "existing", "publicly available", "off-the-shelf",
         "third party", "popular", "commercial", "proprietary", "official", "pre-existing",
         "preexisting", "our", "the", "llava", "code", "at", "(", "\n"]
    ),
    max_size=8,
).map(" ".join)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(_BORROWING)
def test_borrowing_words_hold_every_borrowing_match(text: str) -> None:
    if status._BORROWED.search(text) or status._OTHERS_LINKED.search(text):
        assert any(word in text for word in status._BORROWED_WORDS), text


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"ab .", " ", "\t", "\n", "\xa0", "\u2003", "\x1c", "é"])))
def test_folded_text_matches_splitting_it(text: str) -> None:
    assert hf_api._text(text) == " ".join(text.split())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["A", "Survey", "REVIEW", "Reading List", "reading  list", "of", "ſurvey", "Ｓurvey"]
        ),
        max_size=6,
    ).map(" ".join)
)
def test_survey_titles_are_told_as_the_pattern_tells(title: str) -> None:
    record = PaperRecord(title, "", Location("x", 1), "t")
    assert extract.is_survey(record) == bool(extract._SURVEY_TITLE.search(title))


def test_www_without_a_slash_is_found_in_any_case() -> None:
    assert not links.find_urls("We show. The new. A review.")
    assert [f.url for f in links.find_urls("See WwW.Example.org for more.")] == ["WwW.Example.org"]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="wW./: aHhTtPpSs\\{}[]()é", max_size=40) | st.sampled_from(PHRASES))
def test_a_text_without_the_url_hint_holds_no_url(text: str) -> None:
    if not status.scan(text).url:
        assert links.find_urls(text) == []


def test_scan_tells_gates_and_url_in_one_pass() -> None:
    assert status.scan("") == ((), False)
    assert status.scan("We study graphs.") == ((), False)
    got = status.scan("Code will be released at WWW.Lab.org.")
    assert got.url and got.gates and list(got.gates) == sorted(got.gates)
    assert status.scan("naïve") == (range(len(status._GATES)), True)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_ascii_titles_normalize_as_the_word_pattern_does(title: str) -> None:
    words = identity._WORD.findall(title.lower())
    assert identity.normalize_title(title) == " ".join(words)


_ROLE_TEXT = st.lists(
    st.sampled_from(
        [
            "reading list",
            "Paper-List",
            "AWESOME",
            "curated collection",
            "list of works",
            "resource repository",
            "papers repository",
            "project page",
            "Project-Website",
            "homepage",
            "home page",
            "web site",
            "WebPage",
            "demo",
            "Demonstration",
            "playground",
            "web app",
            "Web-Application",
            "web service",
            "API",
            "Endpoints",
            "server",
            "code",
            "data",
            "models",
            "and",
            ",",
            "&",
            "plus",
            "as well as",
            "see",
            "at",
            "our",
            "the",
            ":",
            "(",
            "-",
            "k",
            "\u212a",
        ]
    )
    | st.text(alphabet="ab -:", max_size=4),
    max_size=8,
).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(_ROLE_TEXT)
def test_role_word_checks_hold_every_match(text: str) -> None:
    for pattern, words in (
        (classify._READING_LIST, classify._READING_LIST_WORDS),
        (classify._PLACE, classify._PLACE_WORDS),
        (classify._SERVICE, classify._SERVICE_WORDS),
        (classify._LIST_GLUE, classify._GLUE_WORDS),
    ):
        if pattern.search(text):
            assert classify._may(text, words)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=" .!?\"')]([Aa\t\n\x1c\u2003\u00a0b", max_size=30))
def test_sentence_splits_are_the_split_pattern(text: str) -> None:
    for at, c in enumerate(text):
        if c in ".!?":
            m = status._SENT_SPLIT.match(text, at)
            assert status._split_at(text, at) == ((m.end(1), m.end()) if m else None)


def _owned_reference(clause: str, start: int) -> bool:
    """`status._owned` as first written: every pattern over the whole head of the clause."""
    if status._THIRD_PARTY.search(clause, 0, start):
        return False
    if "://" in clause or status._OWNER.search(clause):
        return True
    head = clause[:start]
    if status._LEADING_SUBJECT.match(head):
        return True
    lead = status._LEADING_CLAUSE.match(head)
    return lead is not None and bool(status._LEADING_SUBJECT.match(head[lead.end() :]))


_OWNED_WORDS = st.sampled_from(
    [
        "code", "data", "models", "weights", "our", "we", "the", "existing", "open-source",
        "state-of-the-art", "off the shelf", "third party", "because", "since", "will", "using",
        "won't", "not", "don't", "never", ",", ";", "(", "https://x.org", "\u00e9t\u00e9", "x_y",
        "-", "'", "\t", "\u2003", "a-b",
    ]
)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(_OWNED_WORDS, max_size=14), st.sampled_from([" ", "  ", "\n", "-", ""]))
def test_owned_looks_only_where_a_match_can_be(words: list[str], glue: str) -> None:
    clause = glue.join(words).lower()
    for m in status._ARTIFACT_RE["code"].finditer(clause):
        assert status._owned(clause, m.start()) == _owned_reference(clause, m.start())
    for m in status._ARTIFACT_RE["data"].finditer(clause):
        assert status._owned(clause, m.start()) == _owned_reference(clause, m.start())


@settings(max_examples=1000, deadline=None)
@given(st.lists(_OWNED_WORDS, max_size=14), st.sampled_from([" ", "  ", "\n", ", "]))
def test_negated_looks_only_where_a_match_can_be(words: list[str], glue: str) -> None:
    clause = glue.join([*words, "is released"]).lower()
    for verb in status._RELEASE.finditer(clause):
        reference = bool(status._NEGATION.search(clause, 0, verb.start())) or bool(
            status._INNER_NEGATION.search(verb.group(0))
        )
        assert status._negated(clause, verb) == reference


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="ab. !?A(\"')]\n\u00e9", max_size=40))
def test_sentences_up_to_the_bound_are_the_split_pattern(text: str) -> None:
    spans, pos = [], 0
    for m in status._SENT_SPLIT.finditer(text):
        spans.append((pos, text[pos : m.end(1)]))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, text[pos:]))
    assert status.sentences(text) == spans


def test_a_sentence_over_the_bound_is_cut_at_white_space() -> None:
    text = "word " * 1000 + "end."
    pieces = status.sentences(text)
    assert "".join(sent for _, sent in pieces) == text
    assert all(len(sent) <= status.MAX_SENTENCE for _, sent in pieces)
    assert all(text.startswith(sent, at) for at, sent in pieces)
    assert all(sent.startswith(" ") for _, sent in pieces[1:])


pdf = importlib.import_module("tracker.sources.pdf")


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["https://", "http://", "www.", "a", ".", "-", "/", "_", "9", " ", "\n", "x.org/",
             "\u00e9", "\u2192", "\u00bd", "\u00b7", ":"]
        ),
        max_size=16,
    ).map("".join)
)  # fmt: skip
def test_url_at_end_matches_the_pattern(text: str) -> None:
    line = text.rstrip()
    m = pdf._URL_AT_END.search(line)
    assert pdf._url_at_end(line) == (m.start() if m else -1)
