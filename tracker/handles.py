"""Paper handles: the short name of a paper that every table shows and every command accepts.

A paper's key (`arxiv:2501.01234`, `doi:10.1145/...`, `title:a normalized title`) is exact but
long, and a `title:` key is a whole sentence. Its handle is what a person types:

- the arXiv ID when the key is one (`2501.01234`, `hep-th/9901001`);
- otherwise `HANDLE_LENGTH` characters of the key's SHA-256, written in Crockford's base32
  alphabet, lower case (digits and letters without `i`, `l`, `o` and `u`, so nothing reads as
  another character): `title:scaling laws for tokenizer vocabulary size` -> `ydm2q4f8`.

The handle is computed from the key, never stored, so it is the same on every machine and in
every database holding the paper. Eight base32 characters are 40 bits: among 100,000 papers
the chance that any two share a handle is about 0.5 %, and when two do, naming either is
ambiguous and lists both, so nothing is ever picked at random.

A paper whose arXiv ID is found later (`tracker enrich`) gets the key, and so the handle, of
that ID; the handle of the key it had before (its title's, or its DOI's) keeps naming it
(`hashed_keys`), so a handle copied from an older table still works.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
"""Crockford's base32, lower case: no `i`, `l`, `o` or `u` (read as 1, 1, 0 when typed)."""
HANDLE_LENGTH = 8
MIN_PREFIX = 4
"""The shortest handle prefix accepted (as git asks of a commit prefix): a shorter one names
too many papers for a typo to be caught."""

_HASHED = re.compile(f"[{ALPHABET}]{{{MIN_PREFIX},{HANDLE_LENGTH}}}")
_ARXIV_PREFIX = re.compile(r"\d{4}(?:\.\d{0,5})?|[a-z-]+(?:\.[a-z]{2})?/\d{0,7}")


_FROM_RFC4648 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET)
"""`base64.b32encode`'s alphabet, digit for digit, to ours: the same 5-bit groups, drawn in C."""
_BITS = 5 * HANDLE_LENGTH


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()[: _BITS // 8]


def hashed_handle(key: str) -> str:
    """The base32 code of `key` (see the module docstring)."""
    return base64.b32encode(_digest(key)).decode("ascii").translate(_FROM_RFC4648)


def prefix_test(prefix: str) -> Callable[[str], bool]:
    """Whether a key's base32 handle starts with `prefix` (as `hashed_prefix` reads it),
    decided on the hash's leading bits without drawing the handle (a scan tests every key)."""
    want = 0
    for c in prefix:
        want = want << 5 | ALPHABET.index(c)
    shift = _BITS - 5 * len(prefix)
    return lambda key: int.from_bytes(_digest(key), "big") >> shift == want


def paper_handle(key: str) -> str:
    """The handle of the paper whose key is `key`: its arXiv ID, or the key's base32 code."""
    if key.startswith("arxiv:"):
        return key[len("arxiv:") :]
    return hashed_handle(key)


def hashed_keys(key: str, title_norm: str, doi: str | None) -> list[str]:
    """The keys whose base32 handles name the paper: its own unless it is an arXiv key, and
    those it had before an arXiv ID (or a DOI) was found for it. `title_norm` is the
    normalized title (`tracker.extract.identity.normalize_title`), as the papers table keeps
    it."""
    keys = [] if key.startswith("arxiv:") else [key]
    for old in (f"title:{title_norm}", f"doi:{doi}" if doi else ""):
        if old and old != key:
            keys.append(old)
    return keys


def arxiv_ref(ref: str) -> str | None:
    """The bare arXiv ID that `ref` is, written any way (`2501.01234v2`, `arXiv:2501.01234`, an
    abs, pdf or html URL); None when `ref` is something else."""
    from tracker.extract.identity import arxiv_id  # extraction loads only when a name is read

    found = arxiv_id(ref)
    if found is None:
        return None
    rest = ref.strip().lower()
    for noise in ("https://", "http://", "www.", "export.", "arxiv.org/", "arxiv:"):
        rest = rest.replace(noise, "")
    rest = re.sub(r"^(abs|pdf|html)/", "", rest).removesuffix(".pdf").rstrip("/")
    return found if re.fullmatch(re.escape(found.lower()) + r"(v\d+)?", rest) else None


_MISREAD = str.maketrans("oil", "011")


def hashed_prefix(ref: str) -> str | None:
    """`ref` as the start of a base32 handle (`MIN_PREFIX` characters or more), read as
    Crockford reads it: `o` is zero, `i` and `l` are one; None when it cannot be one."""
    text = ref.strip().lower().translate(_MISREAD)
    return text if _HASHED.fullmatch(text) else None


def is_handle_prefix(ref: str) -> bool:
    """Whether `ref` could be the start of a handle: `MIN_PREFIX` or more base32 characters, or
    the start of an arXiv ID (`2501`, `2501.0`)."""
    return (
        hashed_prefix(ref) is not None or _ARXIV_PREFIX.fullmatch(ref.strip().lower()) is not None
    )
