"""Whether an issue asks for code, weights or data: the crowd's sign that a promise is overdue.

A pure function of an issue's title (and the start of its body): `asks_for` answers the
artifacts it asks for, empty when it asks for none. An issue asks when it names an artifact
(code, pretrained weights or checkpoints, a dataset) together with a sign of asking: a question
of when or where, a release, a request to share or upload, a link that is broken or expired, or
a short question ("Pretrained model?"). Reports of a failure while using what was released
("Error loading checkpoint", "size mismatch") are not requests. English and Chinese phrasings.

The body is read only when the title says nothing either way, and only its start
(`BODY_CHARS`): a long bug report that mentions "pretrained weights" in passing is no request.
"""

from __future__ import annotations

import re

BODY_CHARS = 300
SHORT_QUESTION_WORDS = 5
"""A question this short that names an artifact is a request ("Pretrained model?")."""

_ARTIFACTS = {
    "code": re.compile(
        r"\bcodes?\b|source[- ]code|\bscripts?\b|implementation|代码|源码|开源", re.I
    ),
    "weights": re.compile(
        r"pre-?trained|checkpoints?|\bckpts?\b|\bweights?\b|model (?:files?|zoo)|"
        r"\.(?:pth|pt|ckpt|safetensors|bin)\b|权重|预训练|模型",
        re.I,
    ),
    "data": re.compile(r"\bdata ?sets?\b|\bdata\b|annotations?|数据集|数据", re.I),
}
_ASKING = re.compile(
    r"\bwhen\b|\breleas|\bopen[- ]?sourc|\bprovide|\bshar(?:e|ing)\b|\bupload|"
    r"\bavailab|\bplan(?:s|ned)?\b|\bcoming\b|\beta\b|\bwhere\b|\bmissing\b|\bbroken\b|"
    r"\bdead\b|\bexpired?\b|\binvalid\b|not (?:working|found|accessible|available|public)|"
    r"\b404\b|\brequest|\bdownload|\blinks?\b|\bany (?:update|news|progress)|"
    r"什么时候|何时|发布|公开|开源|提供|链接|失效|下载|请问|是否|能否|会不会",
    re.I,
)
_FAILURE = re.compile(
    r"\berror\b|\bexception\b|traceback|\bbug\b|\bcrash|\w+Error\b|out of memory|\boom\b|"
    r"mismatch|how to (?:train|run|use|install|reproduce)|报错|错误",
    re.I,
)


def _named(text: str) -> frozenset[str]:
    return frozenset(kind for kind, pattern in _ARTIFACTS.items() if pattern.search(text))


def _short_question(title: str) -> bool:
    stripped = title.strip()
    return stripped.endswith(("?", "？")) and len(stripped.split()) <= SHORT_QUESTION_WORDS


def asks_for(title: str, body: str = "") -> frozenset[str]:
    """The artifacts (`code`, `weights`, `data`) the issue asks for; empty when none."""
    if _FAILURE.search(title):
        return frozenset()
    named = _named(title)
    if named and (_ASKING.search(title) or _short_question(title)):
        return named
    if named:
        return frozenset()
    start = body[:BODY_CHARS]
    if not start or _FAILURE.search(start):
        return frozenset()
    named = _named(start)
    return named if named and _ASKING.search(start) else frozenset()
