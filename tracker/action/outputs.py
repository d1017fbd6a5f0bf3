"""Writing a step's outputs (`$GITHUB_OUTPUT`) and job summary (`$GITHUB_STEP_SUMMARY`).

Both are files the runner names in the environment; outside Actions the variables are unset and
nothing is written. Values with newlines use the runner's delimiter syntax, with a delimiter
that cannot occur in the value.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from pathlib import Path

SUMMARY_LIMIT = 1_024 * 1_024
"""GitHub rejects a step summary over 1 MiB (and then shows none of it)."""
_SUMMARY_ROOM = 256


def output_lines(values: Mapping[str, object]) -> str:
    """`name=value` lines, or `name<<DELIM` blocks for multi-line values."""
    out = []
    for name, value in values.items():
        text = str(value)
        if "\n" in text or "\r" in text:
            delim = f"EOF_{uuid.uuid4().hex}"
            out.append(f"{name}<<{delim}\n{text}\n{delim}\n")
        else:
            out.append(f"{name}={text}\n")
    return "".join(out)


def write_outputs(values: Mapping[str, object], env: Mapping[str, str] | None = None) -> bool:
    """Append `values` to `$GITHUB_OUTPUT`; False when not running in Actions."""
    path = (os.environ if env is None else env).get("GITHUB_OUTPUT")
    if not path:
        return False
    with Path(path).open("a", encoding="utf-8") as fh:
        fh.write(output_lines(values))
    return True


def fit_summary(text: str, more: str, limit: int = SUMMARY_LIMIT) -> str:
    """`text` cut at a line boundary to fit GitHub's summary limit, saying where the rest is."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - _SUMMARY_ROOM - len(more.encode("utf-8"))
    cut = text.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    cut = cut[: cut.rfind("\n") + 1]
    return cut + f"\n_The report was cut to fit the job summary; the full report: {more}._\n"


def append_summary(text: str, more: str, env: Mapping[str, str] | None = None) -> bool:
    """Append `text` to `$GITHUB_STEP_SUMMARY`; False when not running in Actions."""
    path = (os.environ if env is None else env).get("GITHUB_STEP_SUMMARY")
    if not path:
        return False
    target = Path(path)
    used = target.stat().st_size if target.exists() else 0
    with target.open("a", encoding="utf-8") as fh:
        fh.write(fit_summary(text, more, max(SUMMARY_LIMIT - used, _SUMMARY_ROOM * 2)))
    return True
