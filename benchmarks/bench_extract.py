"""Extraction and ingest throughput on synthetic abstracts, against a naive baseline.

Usage: python benchmarks/bench_extract.py [--abstracts N] [--naive N]

Abstracts are generated with a realistic mix: most are plain method/result prose, about a
quarter give links (GitHub, Hugging Face, Zenodo, project pages, shortlinks), some promise code
"upon acceptance" or deny a release, and some mention third-party open models. Records stream
from a generator, so memory must stay flat however large N is; RSS is sampled at 10% and at the
end to show it. The naive baseline runs one case-insensitive URL regex and per-sentence status
regexes on every abstract and inserts rows one at a time. Ingest is extraction plus
`save_papers`; the save's own share is ingest time minus the extraction time inside it. On a
shared machine wall-clock rates swing with the load, so each rate is also given per CPU second
of this process (`*_cpu_per_s`). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tracker.extract import extract_paper
from tracker.models import ExtractedPaper, Location, PaperRecord
from tracker.store import open_db, save_papers

POOL = 4096
"""Distinct abstracts generated; records cycle through them with unique titles."""

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


class Clock:
    """Wall and CPU time since creation, as rates over `n` items."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def rates(self, n: int) -> tuple[float, float]:
        return n / (time.perf_counter() - self.wall), n / (time.process_time() - self.cpu)


def bench_extract(n: int) -> tuple[float, float, float, float]:
    """Abstracts per second (wall, CPU), and RSS at 10% and at the end."""
    checkpoint = max(1, n // 10)
    rss_early = 0.0
    clock = Clock()
    for i, record in enumerate(records(n), 1):
        extract_paper(record)
        if i == checkpoint:
            rss_early = rss_mb()
    return *clock.rates(n), rss_early, rss_mb()


def bench_ingest(n: int, folder: Path) -> tuple[float, float, float]:
    """Papers per second through extraction and `save_papers` (wall, CPU), and for the save
    alone (wall time of the ingest minus the extraction done inside it)."""
    engine = open_db(f"sqlite:///{folder / 'bench.db'}")
    extracting = 0.0

    def extracted() -> Iterator[ExtractedPaper]:
        nonlocal extracting
        for record in records(n):
            start = time.perf_counter()
            paper = extract_paper(record)
            extracting += time.perf_counter() - start
            yield paper

    clock = Clock()
    with engine.begin() as conn:
        save_papers(conn, extracted())
    wall, cpu = clock.rates(n)
    engine.dispose()
    return wall, cpu, n / (n / wall - extracting)


def bench_naive(n: int, folder: Path) -> tuple[float, float, float, float]:
    clock = Clock()
    for record in records(n):
        naive_extract(record.abstract)
    extract_rates = clock.rates(n)
    db = sqlite3.connect(folder / "naive.db")
    db.execute(
        "create table paper (id integer primary key, title text unique, abstract text,"
        " code text, weights text, data text)"
    )
    db.execute("create table link (paper_id integer, url text, unique (paper_id, url))")
    clock = Clock()
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
    return *extract_rates, *clock.rates(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--abstracts", type=int, default=200_000, help="abstracts to generate")
    parser.add_argument(
        "--naive",
        type=int,
        default=None,
        help="abstracts for the naive baseline (default: same as --abstracts)",
    )
    args = parser.parse_args()
    n = args.abstracts
    naive_n = args.naive or n
    extract_rate, extract_cpu, rss_early, rss_end = bench_extract(n)
    print(
        f"extract: {extract_rate:,.0f} abstracts/s ({extract_cpu:,.0f} per CPU second) over "
        f"{n:,} (RSS {rss_early:.1f} MB at 10%, {rss_end:.1f} MB at the end)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        ingest_rate, ingest_cpu, save_rate = bench_ingest(n, Path(tmp))
        print(
            f"ingest (extract + SQLite save_papers): {ingest_rate:,.0f} papers/s "
            f"({ingest_cpu:,.0f} per CPU second); the save alone {save_rate:,.0f} papers/s"
        )
        naive = bench_naive(naive_n, Path(tmp))
    naive_extract_rate, naive_extract_cpu, naive_ingest_rate, naive_ingest_cpu = naive
    print(
        f"naive over {naive_n:,}: extract {naive_extract_rate:,.0f} abstracts/s "
        f"({naive_extract_cpu:,.0f} per CPU second), ingest row-at-a-time "
        f"{naive_ingest_rate:,.0f} papers/s ({naive_ingest_cpu:,.0f} per CPU second)"
    )
    peak = peak_rss_mb()
    print(f"peak RSS {peak:.1f} MB")
    print(
        json.dumps(
            {
                "abstracts": n,
                "extract_per_s": round(extract_rate),
                "extract_cpu_per_s": round(extract_cpu),
                "ingest_per_s": round(ingest_rate),
                "ingest_cpu_per_s": round(ingest_cpu),
                "save_per_s": round(save_rate),
                "peak_rss_mb": round(peak, 1),
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
