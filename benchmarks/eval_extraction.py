"""Score link and status extraction against hand labels (the corpus FORMAT.md JSONL).

Usage: python benchmarks/eval_extraction.py LABELS.jsonl [MORE.jsonl ...]
           [--via jsonl|json|csv|atom|bibtex|listing] [--errors]

Links are compared by canonical URL: both the label's URL and the extracted one go through
the project's normalizer, so a label written `github.com/o/r/` matches `https://github.com/o/r`.
Kind and role are scored on matched links only. A status (code, weights, data) is scored only
where the label gives it: a label without `weights_status` says nothing about weights. A
figure with nothing to count (no matched link for kind, no labelled status) is `n/a`, not 1.0.

`--via FORMAT` writes each title and abstract in that input format, reads them back through
the source that ingests it and scores what comes out, so a format that loses text (a line
break glued away) shows here (`listing`, the page text, cannot tell a one-line abstract that
ends without a full stop from a title: such a file stops with a message). `--errors` lists every disagreement. Each status gets a
confusion matrix. The last line printed is one JSON object (n/a is null) so scripts can read
the figures.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from tracker.extract import extract_paper, normalize
from tracker.models import ExtractedPaper, Location, PaperRecord
from tracker.sources import read_source

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


def _ratio(num: int, den: int) -> float | None:
    """`num / den`, or None (n/a) when there is nothing to count."""
    return num / den if den else None


def score(tally: Tally, label: dict, got: ExtractedPaper) -> None:
    """Add one paper's comparison to the tally; remember what went wrong, for --errors."""
    ident = label.get("id", f"#{tally.n + 1}")
    tally.n += 1
    want = {normalize(lk["url"]): lk for lk in label.get("links", [])}
    have = {normalize(lk.url): lk for lk in got.links}
    for url in sorted(want.keys() & have.keys()):
        tally.tp += 1
        kind, role = have[url].kind.value, have[url].role.value
        if kind == want[url].get("kind"):
            tally.kind_ok += 1
        else:
            tally.errors.append(f"{ident} kind {url}: got {kind} want {want[url].get('kind')}")
        if role == want[url].get("role"):
            tally.role_ok += 1
        else:
            tally.errors.append(f"{ident} role {url}: got {role} want {want[url].get('role')}")
    for url in sorted(have.keys() - want.keys()):
        tally.fp += 1
        tally.errors.append(f"{ident} extra link {url} (raw {have[url].raw!r})")
    for url in sorted(want.keys() - have.keys()):
        tally.fn += 1
        tally.errors.append(f"{ident} missed link {url}")
    for artifact in ARTIFACTS:
        expected = label.get(f"{artifact}_status")
        if expected is None:
            continue
        claim = getattr(got, artifact)
        tally.confusion[artifact][(expected, claim.status.value)] += 1
        if expected != claim.status.value:
            tally.errors.append(
                f"{ident} {artifact}: got {claim.status.value} want {expected} | "
                f"{claim.evidence[:150]}"
            )


def _matrix(confusion: Counter[tuple[str, str]]) -> str:
    head = "label \\ got".ljust(18) + "".join(s[:10].rjust(11) for s in STATUSES)
    rows = [head]
    for want in STATUSES:
        rows.append(
            want.ljust(18) + "".join(str(confusion[(want, got)]).rjust(11) for got in STATUSES)
        )
    return "\n".join(rows)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def summary(tally: Tally) -> dict[str, float | int | None]:
    precision = _ratio(tally.tp, tally.tp + tally.fp)
    recall = _ratio(tally.tp, tally.tp + tally.fn)
    if precision is None or recall is None:
        f1 = None
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    out: dict[str, float | int | None] = {
        "link_precision": _round(precision),
        "link_recall": _round(recall),
        "link_f1": _round(f1),
        "kind_acc": _round(_ratio(tally.kind_ok, tally.tp)),
        "role_acc": _round(_ratio(tally.role_ok, tally.tp)),
    }
    for artifact in ARTIFACTS:
        conf = tally.confusion[artifact]
        right = sum(v for (want, got), v in conf.items() if want == got)
        out[f"{artifact}_acc"] = _round(_ratio(right, sum(conf.values())))
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


def _jsonl(labels: list[dict]) -> str:
    return "".join(
        json.dumps({"title": lb.get("title", ""), "summary": lb.get("abstract", "")}) + "\n"
        for lb in labels
    )


def _json(labels: list[dict]) -> str:
    items = [{"title": lb.get("title", ""), "summary": lb.get("abstract", "")} for lb in labels]
    return json.dumps(items, indent=2)


def _csv(labels: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["title", "abstract"])
    for lb in labels:
        writer.writerow([lb.get("title", ""), lb.get("abstract", "")])
    return out.getvalue()


def _atom(labels: list[dict]) -> str:
    entries = "".join(
        f"<entry><title>{escape(lb.get('title', ''))}</title>"
        f"<summary>{escape(lb.get('abstract', ''))}</summary></entry>\n"
        for lb in labels
    )
    return f'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n{entries}</feed>\n'


def _bibtex(labels: list[dict]) -> str:
    """Braces in a title or abstract are BibTeX syntax: LaTeX writes them `\\{`, `\\}`."""

    def field_(text: str) -> str:
        return text.replace("{", "\\{").replace("}", "\\}")

    return "".join(
        f"@article{{k{i},\n  title = {{{field_(lb.get('title', ''))}}},\n"
        f"  abstract = {{{field_(lb.get('abstract', ''))}}},\n}}\n"
        for i, lb in enumerate(labels)
    )


def _listing(labels: list[dict]) -> str:
    return "".join(f"{lb.get('title', '')}\n\n{lb.get('abstract', '')}\n\n" for lb in labels)


VIA: dict[str, tuple[str, Callable[[list[dict]], str]]] = {
    "jsonl": ("papers.jsonl", _jsonl),
    "json": ("papers.json", _json),
    "csv": ("papers.csv", _csv),
    "atom": ("papers.xml", _atom),
    "bibtex": ("papers.bib", _bibtex),
    "listing": ("papers.txt", _listing),
}
"""Each input format a title and abstract can be written in, with the file name to read."""


def records(path: Path, labels: list[dict], via: str | None) -> Iterator[PaperRecord]:
    """The record of each label: made directly, or written in format `via` and read back."""
    if via is None:
        for number, label in enumerate(labels, 1):
            yield PaperRecord(
                title=label.get("title", ""),
                abstract=label.get("abstract", ""),
                location=Location(str(path), number),
                source_kind="labels",
            )
        return
    name, write = VIA[via]
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / name
        file.write_text(write(labels), encoding="utf-8")
        read = list(read_source(str(file)))
    if len(read) != len(labels):
        sys.exit(f"{path}: {len(labels)} labels but {len(read)} records read back via {via}")
    yield from read


def _shown(value: float | int | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", type=Path, nargs="+")
    parser.add_argument("--via", choices=sorted(VIA), help="read the abstracts in this format")
    parser.add_argument(
        "--errors", "--show-errors", action="store_true", help="list every disagreement"
    )
    args = parser.parse_args()
    tally = Tally()
    for path in args.labels:
        labels = _labels(path)
        for label, record in zip(labels, records(path, labels, args.via), strict=True):
            score(tally, label, extract_paper(record))
    figures = summary(tally)
    via = f" via {args.via}" if args.via else ""
    print(f"papers {tally.n}{via}; links tp={tally.tp} fp={tally.fp} fn={tally.fn}")
    print(
        f"link precision {_shown(figures['link_precision'])} recall "
        f"{_shown(figures['link_recall'])} F1 {_shown(figures['link_f1'])}; kind acc "
        f"{_shown(figures['kind_acc'])}; role acc {_shown(figures['role_acc'])}"
    )
    for artifact in ARTIFACTS:
        print(f"\n{artifact} status accuracy {_shown(figures[f'{artifact}_acc'])}")
        print(_matrix(tally.confusion[artifact]))
    if args.errors and tally.errors:
        print("\nerrors:")
        print("\n".join(tally.errors))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
