"""Extraction and ingest throughput on synthetic abstracts, against a naive baseline.

Usage: python benchmarks/bench_extract.py [--abstracts N] [--naive N]

Abstracts are generated with a realistic mix: most are plain method/result prose, about a
quarter give links (GitHub, Hugging Face, Zenodo, project pages, shortlinks), some promise code
"upon acceptance" or deny a release, and some mention third-party open models. Records stream
from a generator, so memory must stay flat however large N is; RSS is sampled at 10% and at the
end to show it. The extraction rates time the extraction alone: records are made a chunk at a
time outside the clocks, for the naive baseline too. `extract_compiled` tells whether the
extraction modules ran compiled by mypyc (what `pip install .` builds) or as pure Python. The
naive baseline runs one case-insensitive URL regex and per-sentence status regexes on every
abstract and inserts rows one at a time.

Ingest is what `tracker ingest` runs: `pipeline.ingest` reading the same records from a
JSON Lines file (the Hugging Face papers API format) into a fresh SQLite file, once with one
job (extraction in this process) and once with `--jobs` worker processes (default: usable
cores, at most 4). The save alone is `save_rows` on papers already turned into rows. On a
shared machine wall-clock rates swing with the load, so each rate is also given per CPU second
(`*_cpu_per_s`: this process, plus the workers for the parallel ingest;
`ingest_main_cpu_per_s` is this process alone, the ceiling of the parallel ingest when the
workers have cores of their own). Memory of an ingest is the proportional set size (PSS) of
this process and its workers together, sampled at 10% of the records read and at the end;
`peak_rss_mb` is this process's peak RSS over the whole run and `worker_peak_rss_mb` the largest
worker's (which counts again the pages a forked worker shares with its parent). The last line
is one JSON object.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import json
import multiprocessing
import random
import re
import resource
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

import tracker.extract
from tracker import pipeline
from tracker.extract import extract_paper
from tracker.extract.identity import normalize_title, paper_key
from tracker.models import Location, PaperRecord
from tracker.processes import default_jobs
from tracker.rows import SOURCE_REF, PaperRows, paper_rows
from tracker.store import open_db
from tracker.store.papers import save_rows

POOL = 4096
"""Distinct abstracts generated; records cycle through them with unique titles."""
CHUNK = 1000
"""Records made at a time, outside the extraction clocks."""

_TOPICS = [
    "graph neural networks",
    "diffusion models",
    "speech recognition",
    "retrieval",
    "protein folding",
    "reinforcement learning",
    "code completion",
    "3D reconstruction",
    "machine translation",
    "time-series forecasting",
    "object detection",
    "robotics",
]
_PROSE = [
    "Recent advances in {t} have enabled strong results, yet efficiency remains a concern.",
    "We propose a simple method for {t} that scales to large inputs.",
    "Our approach combines a learned prior with a lightweight decoder.",
    "Experiments on {n} benchmarks show consistent gains of {p}% over strong baselines.",
    "We further analyze the trade-off between accuracy and compute.",
    "Existing approaches to {t} rely on hand-crafted features and large labeled corpora.",
    "Ablations confirm that each component contributes to the final accuracy.",
    "The method is robust to noise and generalizes to unseen domains.",
    "We evaluate on {n} publicly available datasets and report state-of-the-art results.",
    "Compared with open-source models of similar size, our model is {p}% faster.",
    "Theoretical analysis shows that the estimator is unbiased under mild assumptions.",
    "These findings suggest new directions for {t} research.",
]
_LINKS = [
    "Code is available at https://github.com/{o}/{r}.",
    "Our code and models are publicly available at github.com/{o}/{r}.",
    "The pretrained weights are released at https://huggingface.co/{o}/{r}.",
    "The dataset can be downloaded from https://huggingface.co/datasets/{o}/{r}.",
    "Data and scripts are archived at https://zenodo.org/records/{n}{p}.",
    "Project page: https://{o}.github.io/{r}/.",
    "Code and data for {R} are available at https://bit.ly/{R}.",
    "The code will be released at https://github.com/{o}/{r} upon acceptance.",
]
_CLAIMS = [
    "Code will be released upon acceptance.",
    "We plan to release our models and data soon.",
    "We do not release the trained models due to licensing.",
    "All datasets and models are released to support further research.",
    "Models on public hubs were studied for comparison.",
]


def synthetic_abstract(rng: random.Random) -> str:
    """One abstract: prose, a link in about a quarter, a claim in about a tenth."""
    fill = {
        "t": rng.choice(_TOPICS), "n": rng.randint(3, 12), "p": rng.randint(2, 40),
        "o": f"lab{rng.randint(1, 999)}", "r": f"proj-{rng.randint(1, 99999)}",
        "R": f"Proj{rng.randint(1, 9999)}",
    }  # fmt: skip
    sentences = [s.format(**fill) for s in rng.sample(_PROSE, rng.randint(6, 9))]
    if rng.random() < 0.25:
        sentences.append(rng.choice(_LINKS).format(**fill))
    if rng.random() < 0.1:
        sentences.insert(rng.randint(1, len(sentences)), rng.choice(_CLAIMS))
    return " ".join(sentences)


def records(n: int, seed: int = 7) -> Iterator[PaperRecord]:
    rng = random.Random(seed)
    pool = [synthetic_abstract(rng) for _ in range(POOL)]
    for i in range(n):
        yield PaperRecord(
            title=f"Synthetic paper {i}",
            abstract=pool[i % POOL],
            location=Location("synthetic", i + 1),
            source_kind="synthetic",
        )


def rss_mb() -> float:
    """Current resident memory, from /proc (peak memory never goes down, so it is kept apart)."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_NAIVE_URL = re.compile(r"(?:https?://|www\.|github\.com/|huggingface\.co/)\S+", re.I)
_NAIVE_SENT = re.compile(r"(?<=[.!?])\s+")
_NAIVE_RULES = {
    art: (re.compile(words, re.I), re.compile(r"will be|upon|soon|plan to", re.I),
          re.compile(r"available|released|release|open-source", re.I))
    for art, words in (("code", r"\bcode|implementation"), ("weights", r"\bmodels?\b|weights"),
                       ("data", r"\bdata(?:sets?)?\b"))
}  # fmt: skip


def naive_extract(abstract: str) -> tuple[list[str], dict[str, str]]:
    """The obvious way: one URL regex over everything, every rule on every sentence."""
    urls = [m.group(0).rstrip(".,;)") for m in _NAIVE_URL.finditer(abstract)]
    status = {}
    for art, (subject, promise, release) in _NAIVE_RULES.items():
        status[art] = "none"
        for sentence in _NAIVE_SENT.split(abstract):
            if subject.search(sentence):
                if promise.search(sentence):
                    status[art] = "promised"
                elif release.search(sentence):
                    status[art] = "released"
    return urls, status


class Stopwatch:
    """Wall and CPU time summed over the stretches it is running."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    @contextmanager
    def running(self) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.wall += time.perf_counter() - wall
        self.cpu += time.process_time() - cpu

    def rates(self, n: int) -> tuple[float, float]:
        return n / self.wall, n / self.cpu


def chunks(n: int) -> Iterator[list[PaperRecord]]:
    """The records `CHUNK` at a time, so that making them stays outside an extraction clock."""
    made = records(n)
    while chunk := list(islice(made, CHUNK)):
        yield chunk


def timed_extraction(
    n: int, extract: Callable[[PaperRecord], object]
) -> tuple[float, float, float]:
    """Abstracts per second (wall, CPU) of `extract` alone, and RSS at 10%."""
    watch, done, rss_early = Stopwatch(), 0, 0.0
    for chunk in chunks(n):
        with watch.running():
            for record in chunk:
                extract(record)
        done += len(chunk)
        if not rss_early and done >= max(1, n // 10):
            rss_early = rss_mb()
    return *watch.rates(n), rss_early


def bench_extract(n: int) -> tuple[float, float, float, float]:
    """Abstracts per second (wall, CPU) of `extract_paper`, and RSS at 10% and at the end."""
    return *timed_extraction(n, extract_paper), rss_mb()


def compiled() -> bool:
    """Whether the extraction modules run compiled (mypyc, see pyproject.toml)."""
    return tracker.extract.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def write_jsonl(n: int, path: Path) -> None:
    """The synthetic records as a Hugging Face papers API JSON Lines file."""
    with path.open("w", encoding="utf-8") as fh:
        for record in records(n):
            fh.write(json.dumps({"title": record.title, "summary": record.abstract}) + "\n")


def pss_mb(pid: int | str = "self") -> float:
    """Proportional set size: pages shared with other processes (a forked worker shares most
    of its parent's) count once across them, so the figures of several processes add up."""
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        for line in fh:
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return 0.0


def memory_with_workers_mb() -> float:
    """PSS of this process and its live worker processes together."""
    total = pss_mb()
    for child in multiprocessing.active_children():
        try:
            total += pss_mb(child.pid or 0)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds of this process, and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def bench_ingest(n: int, source: Path, db: Path, jobs: int) -> dict[str, float]:
    """`pipeline.ingest` of the file with `jobs`: papers per second (wall, per CPU second of all
    processes, and per CPU second of this process alone: the most the ingest can reach while
    the workers keep up), processes that extracted, and their memory at 10% and at the end."""
    engine = open_db(f"sqlite:///{db}")
    checkpoint = max(1, n // 10)
    mem = {"early": 0.0, "end": 0.0}

    def sample(read: int) -> None:
        if mem["early"] == 0.0 and read >= checkpoint:
            mem["early"] = memory_with_workers_mb()
        if read >= n:
            mem["end"] = memory_with_workers_mb()

    wall, (own, kids) = time.perf_counter(), cpu_seconds()
    summary = pipeline.ingest(engine, [str(source)], progress=sample, jobs=jobs)
    wall, (own_end, kids_end) = time.perf_counter() - wall, cpu_seconds()
    engine.dispose()
    assert summary.papers_new == n, summary
    own, kids = own_end - own, kids_end - kids
    return {
        "per_s": n / wall,
        "cpu_per_s": n / (own + kids),
        "main_cpu_per_s": n / own,
        "processes": summary.extract_processes,
        "mem_early": mem["early"],
        "mem_end": mem["end"],
    }


def synthetic_rows(n: int) -> Iterator[PaperRows]:
    """The records as rows, extracted once per distinct abstract: what `save_rows` gets."""
    pool = [paper_rows(extract_paper(r)) for r in records(min(n, POOL))]
    for i, record in enumerate(records(n)):
        row = pool[i % POOL].paper
        paper = (
            paper_key(None, None, record.title), None, None, normalize_title(record.title),
            record.title, *row[5:SOURCE_REF], str(record.location), *row[SOURCE_REF + 1 :],
        )  # fmt: skip
        yield PaperRows(paper, pool[i % POOL].links)


def bench_save(n: int, db: Path) -> float:
    """Papers per second of `save_rows` alone: the rows stream in, and the time spent making
    them is taken off the clock."""
    making = 0.0

    def timed(rows: Iterator[PaperRows]) -> Iterator[PaperRows]:
        nonlocal making
        while True:
            start = time.perf_counter()
            row = next(rows, None)
            making += time.perf_counter() - start
            if row is None:
                return
            yield row

    engine = open_db(f"sqlite:///{db}")
    start = time.perf_counter()
    with engine.begin() as conn:
        save_rows(conn, timed(synthetic_rows(n)))
    took = time.perf_counter() - start - making
    engine.dispose()
    return n / took


def bench_naive(n: int, folder: Path) -> tuple[float, float, float, float]:
    extract_rates = timed_extraction(n, lambda record: naive_extract(record.abstract))[:2]
    db = sqlite3.connect(folder / "naive.db")
    db.execute(
        "create table paper (id integer primary key, title text unique, abstract text,"
        " code text, weights text, data text)"
    )
    db.execute("create table link (paper_id integer, url text, unique (paper_id, url))")
    watch = Stopwatch()
    with watch.running():
        for record in records(n):
            urls, status = naive_extract(record.abstract)
            cur = db.execute(
                "insert into paper (title, abstract, code, weights, data) values (?, ?, ?, ?, ?)",
                (record.title, record.abstract, status["code"], status["weights"], status["data"]),
            )
            for url in urls:
                db.execute("insert or ignore into link values (?, ?)", (cur.lastrowid, url))
        db.commit()
    db.close()
    return *extract_rates, *watch.rates(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--abstracts", type=int, default=200_000, help="abstracts to generate")
    parser.add_argument(
        "--naive",
        type=int,
        default=None,
        help="abstracts for the naive baseline (default: same as --abstracts)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=default_jobs(),
        help="processes extracting in the parallel ingest (default: usable cores, at most 4)",
    )
    args = parser.parse_args()
    n = args.abstracts
    jobs = args.jobs
    naive_n = args.naive or n
    extract_rate, extract_cpu, rss_early, rss_end = bench_extract(n)
    print(
        f"extract ({'compiled' if compiled() else 'pure Python'}): {extract_rate:,.0f} "
        f"abstracts/s ({extract_cpu:,.0f} per CPU second) over {n:,} (RSS {rss_early:.1f} MB "
        f"at 10%, {rss_end:.1f} MB at the end)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "papers.jsonl"
        write_jsonl(n, source)
        serial = bench_ingest(n, source, folder / "serial.db", 1)
        parallel = bench_ingest(n, source, folder / "parallel.db", jobs)
        save_rate = bench_save(n, folder / "save.db")
        source.unlink()
        naive = bench_naive(naive_n, folder)
    for label, got in (("1 job", serial), (f"{jobs} jobs", parallel)):
        print(
            f"ingest (pipeline.ingest of JSON Lines into SQLite), {label}: "
            f"{got['per_s']:,.0f} papers/s ({got['cpu_per_s']:,.0f} per CPU second of all "
            f"{got['processes']:.0f} extracting process(es), {got['main_cpu_per_s']:,.0f} per CPU "
            f"second of the ingesting one; PSS {got['mem_early']:.1f} MB at 10%, "
            f"{got['mem_end']:.1f} MB at the end, workers included)"
        )
    print(f"save alone (save_rows): {save_rate:,.0f} papers/s")
    naive_extract_rate, naive_extract_cpu, naive_ingest_rate, naive_ingest_cpu = naive
    print(
        f"naive over {naive_n:,}: extract {naive_extract_rate:,.0f} abstracts/s "
        f"({naive_extract_cpu:,.0f} per CPU second), ingest row-at-a-time "
        f"{naive_ingest_rate:,.0f} papers/s ({naive_ingest_cpu:,.0f} per CPU second)"
    )
    peak = peak_rss_mb()
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS {peak:.1f} MB (largest worker {worker_peak:.1f} MB)")
    print(
        json.dumps(
            {
                "abstracts": n,
                "extract_per_s": round(extract_rate),
                "extract_cpu_per_s": round(extract_cpu),
                "extract_compiled": compiled(),
                "ingest_per_s": round(parallel["per_s"]),
                "ingest_cpu_per_s": round(parallel["cpu_per_s"]),
                "ingest_jobs": jobs,
                "ingest_processes": parallel["processes"],
                "ingest_main_cpu_per_s": round(parallel["main_cpu_per_s"]),
                "ingest_pss_mb_at_10pct": round(parallel["mem_early"], 1),
                "ingest_pss_mb_at_end": round(parallel["mem_end"], 1),
                "ingest_serial_per_s": round(serial["per_s"]),
                "ingest_serial_cpu_per_s": round(serial["cpu_per_s"]),
                "ingest_serial_pss_mb_at_10pct": round(serial["mem_early"], 1),
                "ingest_serial_pss_mb_at_end": round(serial["mem_end"], 1),
                "save_per_s": round(save_rate),
                "peak_rss_mb": round(peak, 1),
                "worker_peak_rss_mb": round(worker_peak, 1),
                "rss_mb_at_10pct": round(rss_early, 1),
                "rss_mb_at_end": round(rss_end, 1),
                "naive_abstracts": naive_n,
                "naive_extract_per_s": round(naive_extract_rate),
                "naive_extract_cpu_per_s": round(naive_extract_cpu),
                "naive_ingest_per_s": round(naive_ingest_rate),
                "naive_ingest_cpu_per_s": round(naive_ingest_cpu),
            }
        )
    )


if __name__ == "__main__":
    main()
