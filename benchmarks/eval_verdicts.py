"""Score the stored verdicts against a careful reader's labels, on scenarios replayed over time.

Usage: python benchmarks/eval_verdicts.py [--scenarios DIR ...] [--errors]

Each scenario file (`benchmarks/verdicts/*.json`, format in that folder's README.md) is one paper
as a listing states it, the repositories, Hub models, arXiv entries and web pages around it, the
dates of the runs, and the labels in `_expected`. Every scenario gets its own emulators on
127.0.0.1 and its own temporary SQLite database, and then, for each run date D in order, the
stages `tracker demo` runs:

1. ingest the listing (first run only);
2. enrich (arXiv, Hub, project pages, shortlinks);
3. check GitHub twice, with the emulators' clock at D minus one day and then at D, as a daily
   schedule would: the engine calls a repository dead only on a second 404;
4. flag with `today=D`.

The emulators follow D: the GitHub emulator's clock is set to D; Hub models and web pages with
`_from` / `_until` dates appear and disappear. The pipeline stamps what it writes with the wall
clock, so after every stage each date-time it wrote during that stage is moved to D (columns are
found from the schema): `first seen`, `last checked` and the history then read as a tracker
running on D would have written them.

Labels. `_expected.verdict` is a list with one verdict kind (`tracker.flags.verdict.VerdictKind`)
per run. `weights` (`yes`/`no`/`unknown`), `placeholder`, `license_mismatch` and
`license_restrictive` (true/false) are one value for every run, or a list with one per run;
null or absent means "not scored". The scored unit is a (paper, run) pair. A scenario may leave
out `verdict` when it only labels the checklist (`benchmarks/checklist/`).

Checklist labels. `_expected.checklist` maps a repository (`owner/name`) to its five items
(`tracker.flags.checklist_items.ITEMS`), each `yes`, `no` or `unknown`: one mapping for every run, or
a list with one per run. After the flag run each labelled repository's stored
`repository.checklist` is read back (a repository without one answered nothing: `unknown`). The
scored unit is a (repository, run, item) triple.

What the tracker said, read back from the database after each run:

* verdict: the paper's stored `verdict_kind`.
* weights: `yes` when the `weights_promised_missing` finding is false and names where the
  weights are (its subject); `no` when it is true, or false without a subject (nothing found, not
  yet due); `unknown` when it is not available, failed, or absent.
* placeholder / license_mismatch / license_restrictive: the answer of the probe of that code.
  The database keeps only true findings, so every probe is run again, pure and offline, on the
  stored facts with the same day (`tracker.flags.run.flag_paper`). An answer that is neither
  true nor false (not available, probe error), and a probe the tracker does not have, are "not
  answered": n/a, never agreement. For `placeholder`, not answered counts as false.

Figures in the last line (one JSON object):

* `n_papers`: scenarios scored; `n_pairs`: (paper, run) pairs.
* `wrong_verdicts`: pairs whose stored verdict kind differs from the label.
* `unknown_as_no`: pairs where the evidence could not tell (label verdict `unknown`, or label
  weights `unknown`) and the stored verdict asserted an absence anyway: `dead`, `overdue`,
  `placeholder`, `weights_missing`, `none`, `no_link` or `owner_only` for an `unknown` verdict
  label; `weights_missing` for an `unknown` weights label.
* `weights_precision`: pairs with weights `yes` read back and `yes` labelled, over pairs with
  `yes` read back (whatever the label, so `yes` where the truth is `unknown` counts against it).
  `weights_recall`: the same numerator over pairs labelled `yes`. Null when the denominator is 0.
* `placeholder_precision` / `placeholder_recall`: likewise for placeholder true.
* `license_mismatch_agreement`, `license_restrictive_agreement`: scored pairs where the finding
  matches the label, over scored pairs; null when the finding was never stored (n/a).
  `*_answered` counts the scored pairs that had a finding at all.
* `baseline_weights_precision` / `baseline_weights_recall`: the same figures for a naive rule
  computed from the scenario itself: weights `yes` iff the abstract, the comment or the README of
  a repository visible at D contains a huggingface.co link. `baseline_placeholder_precision`: a
  placeholder iff such a README says "coming soon" or "stay tuned".
* `checklist_precision_<item>` / `checklist_recall_<item>`: of `yes` answers over `yes` said,
  and over `yes` labelled; `checklist_no_precision_<item>` / `checklist_no_recall_<item>`
  likewise for `no`. `checklist_unknown_as_no_<item>`: labelled `unknown`, answered `no` (the
  costly mistake: an absence claimed on evidence that cannot show it).
  `checklist_answered_<item>`: the share of scored triples answered `yes` or `no`.
  `checklist_n_repos`: (repository, run) pairs with checklist labels.
* `baseline_checklist_precision_<item>` / `_recall_` / `_unknown_as_no_`: the same for naive
  filename rules on the scenario's own files (never `unknown`): requirements*.txt →
  dependencies, train*.py → training, eval*.py → evaluation, a *.pth, *.pt, *.ckpt, *.bin or
  *.safetensors file or release asset → pretrained_models, a line starting "| " in the README →
  results.
* `per_run`: for each run index, pairs, wrong verdicts, unknown-as-no and the verdict counts.
* `seconds`: wall time of the whole evaluation.

Earlier lines: one row per disagreement (paper, run date, field, expected, got, reason): a verdict
kind that differs; weights where one side says `yes` and the other does not, or `no` where the
label is `unknown`; a placeholder that differs; a license answer that differs or is not
answered; a checklist item that differs (field `checklist.<item>`, with the judge's reason or
evidence). A label whose probe the tracker does not have gets one line saying so. With
`--errors`, each disagreement is followed by the tracker's own evidence: the true and
not-available findings with their evidence lines, and the enrich notes of that run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, inspect, select, text

from tracker import pipeline
from tracker.demo import DEMO_TOKEN, Services
from tracker.demo.pdf import text_pdf
from tracker.emulators.arxiv import ArxivEmulator
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.huggingface import HuggingFaceEmulator
from tracker.emulators.web import WebEmulator
from tracker.enrich import enrich_papers
from tracker.flags import checklist_items as cl
from tracker.flags.facts import ProbeContext
from tracker.flags.probes import PROBE_CODES
from tracker.flags.run import flag_paper, flag_papers
from tracker.models import Finding as TrackerFinding
from tracker.models import Outcome
from tracker.pipeline import ReadOptions, ingest
from tracker.store import open_db
from tracker.store.facts import iter_paper_facts
from tracker.store.reporting import iter_report_views
from tracker.store.schema import Repository

HERE = Path(__file__).resolve().parent
DEFAULT_SCENARIOS = HERE / "verdicts"
NEGATIVE = frozenset({"dead", "overdue", "placeholder", "weights_missing", "none", "no_link"})
NEGATIVE |= {"owner_only"}
"""Verdict kinds that say something is missing: wrong whenever the truth is "cannot tell"."""
FLAG_LABELS = {
    "placeholder": "code_placeholder",
    "license_mismatch": "license_mismatch",
    "license_restrictive": "license_restrictive",
}
"""Each yes/no label and the probe whose answer it is scored against."""
CSV_FIELDS = ("title", "abstract", "url", "arxiv_id", "doi", "comment", "published")
HF_LINK = re.compile(r"(?:huggingface\.co|hf\.co)/", re.I)
PROMISE = re.compile(r"coming soon|stay tuned", re.I)
BASE_DEPS = re.compile(r"^requirements[\w.-]*\.txt$", re.I)
BASE_TRAIN = re.compile(r"^train\w*\.py$", re.I)
BASE_EVAL = re.compile(r"^eval\w*\.py$", re.I)
BASE_WEIGHTS = re.compile(r"\.(?:pth|pt|ckpt|bin|safetensors)$", re.I)
TIMEOUT_S = 2.0
"""Per-request timeout in the replay: a page that never answers fails in seconds, not minutes."""


@dataclass(frozen=True)
class Scenario:
    """One paper and the world around it, as read from one scenario file."""

    name: str
    raw: dict[str, Any]
    runs: tuple[dt.date, ...]
    expected: dict[str, Any]

    def label(self, key: str, run: int) -> Any:
        """The label for `key` at run index `run` (a scalar holds at every run)."""
        value = self.expected.get(key)
        if isinstance(value, list):
            return value[run] if run < len(value) else None
        return value


@dataclass(frozen=True)
class Observed:
    """What the tracker stored for the paper after one run."""

    verdict: str
    verdict_text: str
    weights: str
    flags: dict[str, bool | None]
    evidence: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    checklists: dict[str, cl.Checklist] = field(default_factory=dict)
    """Each repository's stored checklist, by lower-cased `owner/name`."""


def load_scenarios(folder: Path) -> list[Scenario]:
    """Every `*.json` file in `folder`, by name; a file without runs or labels is an error."""
    out = []
    for path in sorted(folder.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        runs = tuple(dt.date.fromisoformat(d) for d in raw["runs"])
        verdicts = raw["_expected"].get("verdict")
        if verdicts is None and not raw["_expected"].get("checklist"):
            raise ValueError(f"{path.name}: neither verdict nor checklist labels")
        if verdicts is not None and len(verdicts) != len(runs):
            raise ValueError(f"{path.name}: {len(runs)} runs but {len(verdicts)} verdict labels")
        out.append(Scenario(path.stem, raw, runs, dict(raw["_expected"])))
    return out


def _visible(item: dict[str, Any], day: dt.date) -> bool:
    """Whether a Hub model or web page with `_from` / `_until` dates exists on `day`."""
    start, end = item.get("_from"), item.get("_until")
    return (start is None or dt.date.fromisoformat(start) <= day) and (
        end is None or day < dt.date.fromisoformat(end)
    )


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T12:00:00Z"


@contextmanager
def emulators(scn: Scenario) -> Iterator[Services]:
    """The four emulators of one scenario on free local ports, clocked at its first run."""
    raw = scn.raw
    arxiv_papers = []
    for p in raw.get("arxiv", {}).get("papers", []):
        entry = {k: v for k, v in p.items() if k != "pdf_text"}
        if p.get("pdf_text"):
            entry["pdf"] = text_pdf(p["pdf_text"])
        arxiv_papers.append(entry)
    web = raw.get("web", {})
    hosts = tuple(sorted({urlsplit(f"//{k}").hostname or "" for k in web.get("pages", {})} - {""}))
    github = {"tokens": {DEMO_TOKEN: "bench-user"}, **raw.get("github", {})}
    with ExitStack() as stack:
        gh = stack.enter_context(GitHubEmulator({**github, "now": _stamp(scn.runs[0])}))
        hub = stack.enter_context(HuggingFaceEmulator(raw.get("huggingface", {})))
        ax = stack.enter_context(ArxivEmulator({**raw.get("arxiv", {}), "papers": arxiv_papers}))
        wb = stack.enter_context(WebEmulator({"pages": {}}, faults=web.get("faults")))
        yield Services(gh, hub, ax, wb, hosts)


def move_clock(svc: Services, scn: Scenario, day: dt.date) -> None:
    """Set the GitHub clock to `day` and show the Hub models and pages that exist on it."""
    svc.github.set_time(_stamp(day))
    hub = scn.raw.get("huggingface", {})
    with svc.hub.lock:
        for kind in ("models", "datasets", "spaces"):
            svc.hub.repos[kind] = {k: v for k, v in hub.get(kind, {}).items() if _visible(v, day)}
    for key, page in scn.raw.get("web", {}).get("pages", {}).items():
        shown = {k: v for k, v in page.items() if not k.startswith("_")}
        svc.web.add_page(key, **(shown if _visible(page, day) else {"status": 404}))


def _listing(scn: Scenario, folder: Path) -> Path:
    """The paper as a one-row CSV listing (columns left out are not in the listing)."""
    import csv

    paper = scn.raw["paper"]
    path = folder / f"{scn.name}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        cols = [c for c in CSV_FIELDS if paper.get(c)]
        writer.writerow(cols)
        writer.writerow([paper[c] for c in cols])
    return path


def restamp(engine: Engine, since: dt.datetime, day: dt.date) -> None:
    """Move every date-time written since `since` (wall clock) to noon on `day`.

    The pipeline stamps rows with the wall clock; the replay happens on scenario dates. Columns
    are found from the schema, so a new time column is moved too."""
    cutoff = since.replace(tzinfo=None).isoformat(sep=" ")
    target = dt.datetime.combine(day, dt.time(12)).isoformat(sep=" ") + ".000000"
    insp = inspect(engine)
    with engine.begin() as conn:
        for table in insp.get_table_names():
            for col in insp.get_columns(table):
                if "DATETIME" in str(col["type"]).upper() or "TIMESTAMP" in str(col["type"]):
                    name = col["name"]
                    conn.execute(
                        text(f'UPDATE "{table}" SET "{name}" = :t WHERE "{name}" >= :c'),
                        {"t": target, "c": cutoff},
                    )


def _weights(findings: dict[str, TrackerFinding]) -> str:
    f = findings.get("weights_promised_missing")
    if f is None or f.outcome not in (Outcome.TRUE, Outcome.FALSE):
        return "unknown"
    return "yes" if f.outcome is Outcome.FALSE and f.subject else "no"


def _flag(findings: dict[str, TrackerFinding], code: str) -> bool | None:
    f = findings.get(code)
    if f is None or f.outcome not in (Outcome.TRUE, Outcome.FALSE):
        return None
    return f.outcome is Outcome.TRUE


def observe(engine: Engine, ctx: ProbeContext, notes: Sequence[str]) -> Observed:
    """The paper's stored verdict, and every probe's answer re-read from the stored facts.

    The database keeps only true findings, so the false and not-available answers (where the
    weights are, which license claim matched) come from running the same pure probes the flag
    step ran, on the same facts and day. Each scenario database holds one paper."""
    with engine.connect() as conn:
        views = list(iter_report_views(conn))
        facts = [f for batch in iter_paper_facts(conn, None) for f in batch]
        stored = conn.execute(select(Repository.c.full_name, Repository.c.checklist)).all()
    if len(views) != 1 or len(facts) != 1:
        raise RuntimeError(f"expected one stored paper, found {len(views)}")
    view, judged = views[0], flag_paper(facts[0], ctx)
    by_code: dict[str, TrackerFinding] = {}
    for f in judged.findings:
        if f.code not in by_code or f.outcome is Outcome.TRUE:
            by_code[f.code] = f
    evidence = tuple(
        f"{f.code} {f.outcome.value}: {f.message}" + "".join(f"\n      - {e}" for e in f.evidence)
        for f in judged.findings
        if f.outcome is not Outcome.FALSE or f.code in ("weights_promised_missing",)
    )
    return Observed(
        view.verdict_kind,
        view.verdict,
        _weights(by_code),
        {label: _flag(by_code, code) for label, code in FLAG_LABELS.items()},
        evidence,
        tuple(notes),
        {name.lower(): c for name, text_ in stored if (c := cl.from_json(text_)) is not None},
    )


def replay(scn: Scenario, folder: Path) -> list[Observed]:
    """Run the pipeline once per run date against the scenario's emulators; one reading each."""
    db_url = f"sqlite:///{folder / (scn.name + '.db')}"
    listing = _listing(scn, folder)
    out: list[Observed] = []
    with emulators(scn) as svc:
        cfg = replace(svc.settings(db_url), timeout_s=TIMEOUT_S, max_retries=2)
        engine = open_db(cfg.db_url)
        for i, day in enumerate(scn.runs):
            move_clock(svc, scn, day)
            started = dt.datetime.now(dt.UTC)
            if i == 0:
                ingest(engine, [str(listing)], command="eval", options=ReadOptions())
            found = enrich_papers(engine, cfg, options=svc.enrich_options())
            restamp(engine, started, day)
            for when in (day - dt.timedelta(days=1), day):
                svc.github.set_time(_stamp(when))
                started = dt.datetime.now(dt.UTC)
                pipeline.check(engine, cfg, max_age=None)
                restamp(engine, started, when)
            started = dt.datetime.now(dt.UTC)
            flag_papers(engine, cfg, today=day)
            restamp(engine, started, day)
            ctx = ProbeContext(day, cfg.grace_days, cfg.stale_months)
            out.append(observe(engine, ctx, found.notes))
        engine.dispose()
    return out


@dataclass
class Rate:
    """Counts for a precision/recall pair."""

    tp: int = 0
    said: int = 0
    truth: int = 0

    def add(self, said: bool, truth: bool) -> None:
        self.tp += said and truth
        self.said += said
        self.truth += truth

    @property
    def precision(self) -> float | None:
        return round(self.tp / self.said, 4) if self.said else None

    @property
    def recall(self) -> float | None:
        return round(self.tp / self.truth, 4) if self.truth else None


@dataclass
class Agreement:
    """Scored pairs of a flag label, how many had a finding, how many matched."""

    scored: int = 0
    answered: int = 0
    agree: int = 0

    @property
    def ratio(self) -> float | None:
        return round(self.agree / self.answered, 4) if self.answered else None


@dataclass
class ItemTally:
    """One checklist item's counts: `yes` and `no` as rates, unknown answered `no`, answered."""

    yes: Rate = field(default_factory=Rate)
    no: Rate = field(default_factory=Rate)
    unknown_as_no: int = 0
    answered: int = 0
    scored: int = 0

    def add(self, said: str, truth: str) -> None:
        self.scored += 1
        self.answered += said in ("yes", "no")
        self.yes.add(said == "yes", truth == "yes")
        self.no.add(said == "no", truth == "no")
        self.unknown_as_no += truth == "unknown" and said == "no"


def _items() -> dict[str, ItemTally]:
    return {k: ItemTally() for k in cl.ITEM_KEYS}


@dataclass
class Tally:
    """Everything counted over all scenarios and runs."""

    papers: int = 0
    pairs: int = 0
    wrong: int = 0
    unknown_as_no: int = 0
    weights: Rate = field(default_factory=Rate)
    placeholder: Rate = field(default_factory=Rate)
    base_weights: Rate = field(default_factory=Rate)
    base_placeholder: Rate = field(default_factory=Rate)
    flags: dict[str, Agreement] = field(
        default_factory=lambda: {k: Agreement() for k in FLAG_LABELS if k != "placeholder"}
    )
    checklist: dict[str, ItemTally] = field(default_factory=_items)
    base_checklist: dict[str, ItemTally] = field(default_factory=_items)
    checklist_repos: int = 0
    per_run: dict[int, dict[str, Any]] = field(default_factory=dict)
    rows: list[tuple[str, str, str, str, str, str, Observed]] = field(default_factory=list)


def _repos_visible(scn: Scenario, day: dt.date) -> list[dict[str, Any]]:
    """Repositories of the scenario that exist on `day` (created, not deleted)."""
    out = []
    for r in scn.raw.get("github", {}).get("repos", []):
        if dt.date.fromisoformat(str(r.get("created_at", "2023-01-01"))[:10]) > day:
            continue
        gone = False
        for ev in sorted(r.get("events", []), key=lambda e: str(e["at"])):
            if dt.date.fromisoformat(str(ev["at"])[:10]) <= day:
                gone = {"deleted": True, "restored": False}.get(ev["type"], gone)
        if not gone:
            out.append(r)
    return out


def baseline(scn: Scenario, day: dt.date) -> tuple[bool, bool]:
    """(weights, placeholder) by the naive rules: a huggingface.co link anywhere in the abstract,
    comment or a visible README; "coming soon" / "stay tuned" in a visible README."""
    paper = scn.raw["paper"]
    readmes = [str(r.get("readme", "")) for r in _repos_visible(scn, day)]
    texts = [str(paper.get("abstract", "")), str(paper.get("comment", "")), *readmes]
    weights = any(HF_LINK.search(t) for t in texts)
    placeholder = any(PROMISE.search(t) for t in readmes)
    return weights, placeholder


def _tree(repo: dict[str, Any], day: dt.date) -> list[str]:
    """The paths of a scenario repository's files on `day` (its commits applied in order)."""
    commits = repo.get("commits")
    if commits is None:
        return sorted(repo.get("files", {}))
    paths: set[str] = set()
    for c in sorted(commits, key=lambda c: str(c["date"])):
        if dt.date.fromisoformat(str(c["date"])[:10]) <= day:
            paths |= set(c.get("files", {}))
            paths -= set(c.get("removed", []))
    return sorted(paths)


def baseline_checklist(repo: dict[str, Any], day: dt.date) -> dict[str, str]:
    """The naive filename rules (module docstring), `yes` or `no`, never `unknown`."""
    names = [p.rsplit("/", 1)[-1] for p in _tree(repo, day)]
    assets = [
        str(a.get("name", ""))
        for r in repo.get("releases", [])
        if dt.date.fromisoformat(str(r.get("date", "2000-01-01"))[:10]) <= day
        for a in r.get("assets", [])
    ]
    readme = str(repo.get("readme", ""))
    said = {
        "dependencies": any(BASE_DEPS.match(n) for n in names),
        "training": any(BASE_TRAIN.match(n) for n in names),
        "evaluation": any(BASE_EVAL.match(n) for n in names),
        "pretrained_models": any(BASE_WEIGHTS.search(n) for n in (*names, *assets)),
        "results": any(line.startswith("| ") for line in readme.splitlines()),
    }
    return {k: "yes" if v else "no" for k, v in said.items()}


def score_checklist(t: Tally, scn: Scenario, i: int, day: dt.date, got: Observed) -> None:
    """Each labelled repository's five items at run `i`, and the baseline's."""
    labels = scn.label("checklist", i) or {}
    repos = {
        f"{r['owner']}/{r['name']}".lower(): r for r in scn.raw.get("github", {}).get("repos", [])
    }
    for name, want in labels.items():
        t.checklist_repos += 1
        judged = got.checklists.get(name.lower())
        base = baseline_checklist(repos[name.lower()], day)
        for key in cl.ITEM_KEYS:
            truth = want[key]
            item = judged.get(key) if judged else None
            said = item.answer.value if item else "unknown"
            t.checklist[key].add(said, truth)
            t.base_checklist[key].add(base[key], truth)
            if said != truth:
                why = (item.reason or "; ".join(item.evidence)) if item else "not judged"
                _row(t, scn.name, day, got, f"checklist.{key}", truth, said, why)


def _row(
    t: Tally,
    name: str,
    day: dt.date,
    got: Observed,
    what: str,
    want: object,
    value: object,
    why: str,
) -> None:
    t.rows.append((name, day.isoformat(), what, str(want), str(value), why, got))


def score(t: Tally, scn: Scenario, seen: Sequence[Observed]) -> None:
    """Add one scenario's runs to the tally and remember each disagreement."""
    t.papers += 1
    for i, (day, got) in enumerate(zip(scn.runs, seen, strict=True)):
        t.pairs += 1
        run = t.per_run.setdefault(
            i + 1, {"pairs": 0, "wrong_verdicts": 0, "unknown_as_no": 0, "verdicts": Counter()}
        )
        run["pairs"] += 1
        run["verdicts"][got.verdict or "unflagged"] += 1
        want = scn.label("verdict", i)
        weights_want = scn.label("weights", i)
        row = partial(_row, t, scn.name, day, got)

        score_checklist(t, scn, i, day, got)
        if want is not None and got.verdict != want:
            t.wrong += 1
            run["wrong_verdicts"] += 1
            row("verdict", want, got.verdict, got.verdict_text)
        no = (want == "unknown" and got.verdict in NEGATIVE) or (
            weights_want == "unknown" and got.verdict == "weights_missing"
        )
        if no:
            t.unknown_as_no += 1
            run["unknown_as_no"] += 1
        base_w, base_p = baseline(scn, day)
        if weights_want is not None:
            t.weights.add(got.weights == "yes", weights_want == "yes")
            t.base_weights.add(base_w, weights_want == "yes")
            if (got.weights == "yes") != (weights_want == "yes") or (
                weights_want == "unknown" and got.weights == "no"
            ):
                row("weights", weights_want, got.weights, got.verdict_text)
        placeholder_want = scn.label("placeholder", i)
        if placeholder_want is not None:
            t.placeholder.add(bool(got.flags["placeholder"]), bool(placeholder_want))
            t.base_placeholder.add(base_p, bool(placeholder_want))
            if bool(got.flags["placeholder"]) != bool(placeholder_want):
                row("placeholder", placeholder_want, got.flags["placeholder"], got.verdict_text)
        for code, agreement in t.flags.items():
            want_flag = scn.label(code, i)
            if want_flag is None:
                continue
            agreement.scored += 1
            value = got.flags[code]
            if value is None:
                if FLAG_LABELS[code] in PROBE_CODES:
                    row(code, want_flag, "n/a", "not answered")
                continue
            agreement.answered += 1
            if value == bool(want_flag):
                agreement.agree += 1
            else:
                row(code, want_flag, value, got.verdict_text)


def figures(t: Tally, seconds: float) -> dict[str, Any]:
    out: dict[str, Any] = {
        "n_papers": t.papers,
        "n_pairs": t.pairs,
        "wrong_verdicts": t.wrong,
        "unknown_as_no": t.unknown_as_no,
        "weights_precision": t.weights.precision,
        "weights_recall": t.weights.recall,
        "placeholder_precision": t.placeholder.precision,
        "placeholder_recall": t.placeholder.recall,
    }
    for code, a in t.flags.items():
        out[f"{code}_agreement"] = a.ratio
        out[f"{code}_answered"] = f"{a.answered}/{a.scored}"
    out |= checklist_figures(t)
    out |= {
        "baseline_weights_precision": t.base_weights.precision,
        "baseline_weights_recall": t.base_weights.recall,
        "baseline_placeholder_precision": t.base_placeholder.precision,
        "per_run": [
            {"run": k, **{n: (dict(v) if isinstance(v, Counter) else v) for n, v in r.items()}}
            for k, r in sorted(t.per_run.items())
        ],
        "seconds": round(seconds, 1),
    }
    return out


def checklist_figures(t: Tally) -> dict[str, Any]:
    """The per-item checklist figures (module docstring), the baseline's after them."""
    out: dict[str, Any] = {"checklist_n_repos": t.checklist_repos}
    for key, c in t.checklist.items():
        out |= {
            f"checklist_precision_{key}": c.yes.precision,
            f"checklist_recall_{key}": c.yes.recall,
            f"checklist_no_precision_{key}": c.no.precision,
            f"checklist_no_recall_{key}": c.no.recall,
            f"checklist_unknown_as_no_{key}": c.unknown_as_no,
            f"checklist_answered_{key}": round(c.answered / c.scored, 4) if c.scored else None,
        }
    for key, c in t.base_checklist.items():
        out |= {
            f"baseline_checklist_precision_{key}": c.yes.precision,
            f"baseline_checklist_recall_{key}": c.yes.recall,
            f"baseline_checklist_unknown_as_no_{key}": c.unknown_as_no,
        }
    return out


def _cell(value: str, width: int) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"


def print_rows(t: Tally, errors: bool) -> None:
    """One line per disagreement; with `errors`, the tracker's evidence under each."""
    for code, a in t.flags.items():
        if FLAG_LABELS[code] not in PROBE_CODES and a.scored:
            print(f"{code}: the tracker has no such probe; {a.scored} labelled pairs scored n/a")
    if not t.rows:
        print("no disagreements")
        return
    widths = (30, 10, 19, 15, 15)
    head = ("paper", "run", "field", "expected", "got")
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + "  reason")
    for *cells, reason, got in t.rows:
        line = "  ".join(_cell(c, w).ljust(w) for c, w in zip(cells, widths, strict=True))
        print(f"{line}  {reason}")
        if errors:
            for item in (*got.evidence, *(f"enrich note: {n}" for n in got.notes)):
                print(f"    {item}")


def evaluate(folder: Path, errors: bool = False) -> dict[str, Any]:
    """Replay every scenario in `folder`, print the disagreements, return the figures."""
    scenarios = load_scenarios(folder)
    if not scenarios:
        raise SystemExit(f"no scenario files (*.json) in {folder}")
    tally = Tally()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="eval-verdicts-") as tmp:
        for scn in scenarios:
            score(tally, scn, replay(scn, Path(tmp)))
    print_rows(tally, errors)
    return figures(tally, time.perf_counter() - started)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=Path, default=DEFAULT_SCENARIOS, metavar="DIR")
    parser.add_argument(
        "--errors", action="store_true", help="show the tracker's evidence under each disagreement"
    )
    args = parser.parse_args(argv)
    result = evaluate(args.scenarios, args.errors)
    sys.stdout.flush()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
