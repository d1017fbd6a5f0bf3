"""Score link and status extraction against hand labels (the corpus FORMAT.md JSONL).

Usage: python benchmarks/eval_extraction.py LABELS.jsonl [--show-errors]

Links are compared by canonical URL exactly; kind and role are scored on matched links only.
Each status (code, weights, data) gets an accuracy and a confusion matrix. The last line printed
is one JSON object so scripts can read the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tracker.extract import extract_paper
from tracker.models import ExtractedPaper, Location, PaperRecord

STATUSES = ("released", "promised", "mentioned_no_link", "none")
ARTIFACTS = ("code", "weights", "data")


@dataclass
class Tally:
    """Running counts over all labeled papers."""

    n: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    kind_ok: int = 0
    role_ok: int = 0
    confusion: dict[str, Counter[tuple[str, str]]] = field(
        default_factory=lambda: {a: Counter() for a in ARTIFACTS}
    )
    errors: list[str] = field(default_factory=list)


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def score(tally: Tally, label: dict, got: ExtractedPaper) -> None:
    """Add one paper's comparison to the tally; remember what went wrong, for --show-errors."""
    ident = label.get("id", f"#{tally.n}")
    tally.n += 1
    want = {lk["url"]: lk for lk in label.get("links", [])}
    have = {lk.url: lk for lk in got.links}
    for url in want.keys() & have.keys():
        tally.tp += 1
        if have[url].kind.value == want[url].get("kind"):
            tally.kind_ok += 1
        else:
            tally.errors.append(f"{ident} kind {url}: {have[url].kind} != {want[url].get('kind')}")
        if have[url].role.value == want[url].get("role"):
            tally.role_ok += 1
        else:
            tally.errors.append(f"{ident} role {url}: {have[url].role} != {want[url].get('role')}")
    for url in have.keys() - want.keys():
        tally.fp += 1
        tally.errors.append(f"{ident} extra link {url} (raw {have[url].raw!r})")
    for url in want.keys() - have.keys():
        tally.fn += 1
        tally.errors.append(f"{ident} missed link {url}")
    for artifact in ARTIFACTS:
        expected = label.get(f"{artifact}_status", "none")
        claim = getattr(got, artifact)
        tally.confusion[artifact][(expected, claim.status.value)] += 1
        if expected != claim.status.value:
            tally.errors.append(
                f"{ident} {artifact}: got {claim.status} want {expected} | {claim.evidence[:150]}"
            )


def _matrix(confusion: Counter[tuple[str, str]]) -> str:
    head = "label \\ got".ljust(18) + "".join(s[:10].rjust(11) for s in STATUSES)
    rows = [head]
    for want in STATUSES:
        rows.append(
            want.ljust(18) + "".join(str(confusion[(want, got)]).rjust(11) for got in STATUSES)
        )
    return "\n".join(rows)


def summary(tally: Tally) -> dict[str, float | int]:
    precision = _ratio(tally.tp, tally.tp + tally.fp)
    recall = _ratio(tally.tp, tally.tp + tally.fn)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    out: dict[str, float | int] = {
        "link_precision": round(precision, 4),
        "link_recall": round(recall, 4),
        "link_f1": round(f1, 4),
        "kind_acc": round(_ratio(tally.kind_ok, tally.tp), 4),
        "role_acc": round(_ratio(tally.role_ok, tally.tp), 4),
    }
    for artifact in ARTIFACTS:
        conf = tally.confusion[artifact]
        right = sum(v for (want, got), v in conf.items() if want == got)
        out[f"{artifact}_acc"] = round(_ratio(right, sum(conf.values())), 4)
    out["n"] = tally.n
    return out


def _labels(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                sys.exit(f"{path}:{number}: not JSON: {exc.msg}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", type=Path)
    parser.add_argument("--show-errors", action="store_true", help="list every disagreement")
    args = parser.parse_args()
    tally = Tally()
    for number, label in enumerate(_labels(args.labels), 1):
        record = PaperRecord(
            title=label.get("title", ""),
            abstract=label.get("abstract", ""),
            location=Location(str(args.labels), number),
            source_kind="labels",
        )
        score(tally, label, extract_paper(record))
    figures = summary(tally)
    print(f"papers {tally.n}; links tp={tally.tp} fp={tally.fp} fn={tally.fn}")
    print(
        f"link precision {figures['link_precision']:.4f} recall {figures['link_recall']:.4f} "
        f"F1 {figures['link_f1']:.4f}; kind acc {figures['kind_acc']:.4f}; "
        f"role acc {figures['role_acc']:.4f}"
    )
    for artifact in ARTIFACTS:
        print(f"\n{artifact} status accuracy {figures[f'{artifact}_acc']:.4f}")
        print(_matrix(tally.confusion[artifact]))
    if args.show_errors and tally.errors:
        print("\nerrors:")
        print("\n".join(tally.errors))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
