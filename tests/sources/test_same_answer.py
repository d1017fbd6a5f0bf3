"""One paper, one answer: the same title and abstract give the same links, kinds, roles and
statuses whichever format carries them. A line break inside a field is white space in every
source (a CSV field over several lines once glued "available at⏎http://…" into "athttp://…")."""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.extract import extract_paper
from tracker.models import ExtractedPaper, Location, PaperRecord

from .conftest import Reader

TITLE = "Sparse Widgets for Graphs"
OPENING = "We study sparse widgets."
"""The abstract's first line: a listing tells a title from an abstract by its full stop."""
SENTENCES = [
    "Code is available at https://github.com/wid/sparse.",
    "Our code and models are available at http://github.com/wid/sparse-widgets.",
    "The dataset is released at https://huggingface.co/datasets/wid/graphs and the weights "
    "at https://huggingface.co/wid/sparse-7b.",
    "Code will be released upon acceptance.",
    "We release our code and models.",
    "Project page: https://wid.github.io/sparse/.",
    "Data are available from zenodo.org/records/12345.",
    "A demo is hosted at https://huggingface.co/spaces/wid/demo.",
    "Source code: https: //github.com/wid/broken-scheme.",
    "We compare with existing open-source models on five benchmarks.",
    "Results improve by 12% over strong baselines, while memory stays flat.",
    "The toolkit is available at lab.example.ac.uk/widgets.",
    "Our implementation is at https://github.com/wid/ sparse-kit and https://github.com/wid-",
    "tools/deep\\_net.",
    "The benchmark (https://bench.example.org/v1) and the model (https://huggingface.co/w/m) "
    "are released.",
]


@st.composite
def abstracts(draw: st.DrawFn) -> str:
    chosen = draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=5))
    words = " ".join(chosen).split(" ")
    breaks = draw(st.lists(st.sampled_from(["\n", " ", " ", "  \n"]), min_size=len(words)))
    body = words[0] + "".join(sep + word for sep, word in zip(breaks, words[1:], strict=False))
    return OPENING + "\n" + body


def _listing(abstract: str) -> str:
    return f"{TITLE}\n\n{abstract}\n\n"


def _jsonl(abstract: str) -> str:
    return json.dumps({"paper": {"id": "2401.00001", "title": TITLE, "summary": abstract}}) + "\n"


def _json(abstract: str) -> str:
    return json.dumps([{"title": TITLE, "summary": abstract}], indent=2)


def _atom(abstract: str) -> str:
    return (
        '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n'
        f"<id>http://arxiv.org/abs/2401.00001v1</id>\n<title>{escape(TITLE)}</title>\n"
        f"<summary>{escape(abstract)}</summary>\n</entry>\n</feed>\n"
    )


def _bibtex(abstract: str) -> str:
    return f"@article{{k1,\n  title = {{{TITLE}}},\n  abstract = {{{abstract}}},\n}}\n"


def _csv(abstract: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["title", "abstract"])
    writer.writerow([TITLE, abstract])
    return out.getvalue()


WRITERS = {
    "page.txt": _listing,
    "papers.jsonl": _jsonl,
    "papers.json": _json,
    "feed.xml": _atom,
    "refs.bib": _bibtex,
    "papers.csv": _csv,
}


def answer(paper: ExtractedPaper) -> tuple[object, ...]:
    return (
        [(lk.url, lk.kind, lk.role) for lk in paper.links],
        paper.code.status,
        paper.weights.status,
        paper.data.status,
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(abstracts())
def test_every_format_gives_the_answer_of_the_abstract_on_one_line(
    read: Reader, abstract: str
) -> None:
    flat = " ".join(abstract.split())
    want = answer(extract_paper(PaperRecord(TITLE, flat, Location("x"), "test")))
    for name, write in WRITERS.items():
        records, stats = read(name, write(abstract))
        assert len(records) == 1 and not stats.warnings, (name, stats.warnings)
        [record] = records
        assert record.title == TITLE
        assert answer(extract_paper(record)) == want, name


def test_a_csv_field_over_two_lines_keeps_its_link(read: Reader) -> None:
    text = 'title,abstract\nT,"Code is available at\nhttp://github.com/o/r."\n'
    [record], _ = read("papers.csv", text)
    assert record.abstract == "Code is available at http://github.com/o/r."
    assert [lk.url for lk in extract_paper(record).links] == ["https://github.com/o/r"]
