"""A finding's evidence is stored as the JSON list `json.dumps(..., ensure_ascii=False)` makes
(`tracker.store.findings.evidence_json` writes it without building an encoder per finding):
the same text for any lines, quotes, control characters, non-ASCII and lone surrogates
included, and `json.loads` gives the lines back."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.store.findings import evidence_json

lines = st.text(st.characters(blacklist_categories=()), max_size=40)


@settings(max_examples=500, deadline=None)
@given(st.lists(lines, max_size=5).map(tuple))
def test_evidence_json_is_json_dumps(evidence: tuple[str, ...]) -> None:
    text = evidence_json(evidence)
    assert text == json.dumps(list(evidence), ensure_ascii=False)
    assert json.loads(text) == list(evidence)


def test_examples() -> None:
    assert evidence_json(()) == "[]"
    assert evidence_json(('a "b"', "é\n\x00")) == '["a \\"b\\"", "é\\n\\u0000"]'
