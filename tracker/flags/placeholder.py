"""Is a repository a placeholder? A pure verdict from its tree and README.

The rule is about source, not words: a repository without source files is a placeholder, and
a README promise ("coming soon", "code will be released") only adds a reason to that. A
repository that shipped code but still says "coming soon" about an extra part is not a
placeholder. Copies of third-party libraries do not count as the paper's own source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PROMISE = re.compile(
    r"\b(?:coming\s+soon|stay\s+tuned|under\s+construction|to\s+be\s+released"
    r"|(?:code|codes|implementation|source(?:\s+code)?|repo(?:sitory)?)\s+(?:will|would|is\s+going\s+to)"
    r"\s+be\s+(?:released|available|uploaded|made\s+(?:public|available)|open[- ]?sourced|published)"
    r"|will\s+(?:release|open[- ]?source|upload)\s+(?:the|our)\s+(?:code|implementation|source)"
    r"|(?:release|upload)\s+(?:the\s+)?code\s+soon|TODO:?\s+release\s+code)\b",
    re.I,
)


def readme_promise(readme: str) -> str | None:
    """The phrase promising future code, if the README has one."""
    m = PROMISE.search(readme or "")
    return " ".join(m.group(0).split()) if m else None


def _shown(paths: Iterable[str], limit: int = 5) -> str:
    names = sorted({p.split("/", 1)[0] + ("/" if "/" in p else "") for p in paths})
    more = f" +{len(names) - limit}" if len(names) > limit else ""
    return " ".join(names[:limit]) + more


def placeholder_verdict(
    paths: tuple[str, ...],
    readme: str,
    *,
    source_files: int,
    unexplored: tuple[str, ...] = (),
    vendored: tuple[str, ...] = (),
    empty: bool = False,
) -> tuple[bool, tuple[str, ...]]:
    """(placeholder?, reasons). `source_files` counts the repository's own source only."""
    if empty:
        return True, ("empty repository (no commits)",)
    if source_files > 0 or unexplored:
        return False, ()
    reasons = [f"no source files (only {_shown(paths) or 'nothing'})"]
    if vendored:
        reasons.append(f"only third-party code: {' '.join(v + '/' for v in vendored)}")
    promise = readme_promise(readme)
    if promise:
        reasons.append(f'README says "{promise}"')
    return True, tuple(reasons)
