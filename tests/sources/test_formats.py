"""Every input format: good files, detection, and malformed files with a clear message."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.errors import InputError, UnsupportedInput
from tracker.extract import extract_paper
from tracker.models import Location, PaperRecord, Provenance, SourceLink
from tracker.sources import FORMATS, detect

from .conftest import Reader
from .pdfgen import make_pdf

LISTING = (
    "new\r\n\r\nGet trending papers in your email inbox!\r\n\r\nSubscribe\r\n\r\n"
    "byAK and the research community\r\n\r\nApr 21\r\n\r\n"
    "First Paper Title\r\n\r\nWe do things. Code is at https://github.com/o/first.\r\n\r\n"
    "Second Paper: Why Not?\r\nNo blank line before this abstract. It is fine.\r\n\r\n"
    "Third Paper\r\n\r\nLast abstract, no final newline."
)


def test_hf_listing_skips_chrome_and_tolerates_crlf_and_missing_blank_lines(read: Reader) -> None:
    records, stats = read("page.txt", LISTING)
    assert [(r.title, r.abstract, r.location.line) for r in records] == [
        ("First Paper Title", "We do things. Code is at https://github.com/o/first.", 11),
        ("Second Paper: Why Not?", "No blank line before this abstract. It is fine.", 15),
        ("Third Paper", "Last abstract, no final newline.", 18),
    ]
    assert (stats.records, stats.skipped) == (3, 0)


def test_hf_listing_splits_an_abstract_glued_to_the_next_title(read: Reader) -> None:
    abstract = "A long abstract sentence that goes on. " * 12
    records, _ = read("page.txt", f"Title One\n{abstract.strip()}\nTitle Two\nShort one.\n")
    assert [r.title for r in records] == ["Title One", "Title Two"]


DAILY = {
    "paper": {
        "id": "2401.01234",
        "title": "Daily  Paper",
        "summary": "We release code.",
        "publishedAt": "2024-01-03T10:00:00.000Z",
        "githubRepo": "https://github.com/o/daily",
        "githubRepoAddedBy": "auto",
        "projectPage": "https://o.github.io/daily",
    },
    "title": "Daily Paper",
}
SINGLE = {
    "id": "2402.00002",
    "title": "Single",
    "summary": "Text.",
    "githubRepo": "https://github.com/o/single",
    "githubRepoAddedBy": "user",
}


def test_hf_api_array_keeps_link_provenance(read: Reader) -> None:
    records, _ = read("daily.json", json.dumps([DAILY, SINGLE], indent=2))
    first, second = records
    assert first == PaperRecord(
        title="Daily Paper",
        abstract="We release code.",
        location=first.location,
        source_kind="hf_api",
        arxiv_id="2401.01234",
        published=dt.date(2024, 1, 3),
        links=(
            SourceLink("https://github.com/o/daily", Provenance.HF_AUTO, "githubRepo"),
            SourceLink("https://o.github.io/daily", Provenance.SOURCE_FIELD, "projectPage"),
        ),
    )
    assert second.links == (
        SourceLink("https://github.com/o/single", Provenance.HF_USER, "githubRepo"),
    )
    assert [r.location.line for r in records] == [2, 14]
    assert [lk.provenance for lk in extract_paper(first).links] == [
        Provenance.HF_AUTO,
        Provenance.SOURCE_FIELD,
    ]


def test_hf_api_single_pretty_document_and_jsonl(read: Reader) -> None:
    [one], _ = read("one.json", json.dumps(SINGLE, indent=2))
    assert (one.arxiv_id, one.title) == ("2402.00002", "Single")
    lines = "\n".join(json.dumps(x) for x in (DAILY, SINGLE, DAILY))
    records, _ = read("many.jsonl", lines)
    assert [r.arxiv_id for r in records] == ["2401.01234", "2402.00002", "2401.01234"]


def test_hf_api_bad_line_is_skipped_or_fails_under_strict(read: Reader) -> None:
    text = json.dumps(SINGLE) + '\n{"id": "2401.1\n' + json.dumps(DAILY) + "\n"
    records, stats = read("papers.jsonl", text)
    assert [r.arxiv_id for r in records] == ["2402.00002", "2401.01234"]
    assert stats.skipped == 1
    assert stats.warnings[0].endswith(
        "papers.jsonl:2: not valid JSON: Unterminated string starting at (column 8)"
    )
    with pytest.raises(InputError, match=r"papers\.jsonl:2: not valid JSON"):
        read("papers.jsonl", text, strict=True)


def test_hf_api_truncated_array_names_the_line(read: Reader) -> None:
    text = json.dumps([SINGLE, SINGLE], indent=2)[:-40]
    with pytest.raises(
        InputError, match=r"cut\.json:\d+: (truncated or invalid JSON|unexpected end)"
    ):
        read("cut.json", text)


def test_hf_api_array_streams_without_reading_everything() -> None:
    class Endless(io.RawIOBase):
        """An array that never ends: reading it whole would never return."""

        def __init__(self) -> None:
            self.sent = False

        def readable(self) -> bool:
            return True

        def readinto(self, buf: bytearray) -> int:  # type: ignore[override]
            chunk = b"[" if not self.sent else (json.dumps(SINGLE) + ",").encode() * 50
            self.sent = True
            buf[: len(chunk)] = chunk
            return len(chunk)

    from tracker.sources.interface import ReadContext

    stream = io.BufferedReader(Endless())
    records = FORMATS["hf_api"].read(stream, ReadContext("endless.json"))
    assert [next(records).arxiv_id for _ in range(3)] == ["2402.00002"] * 3


ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title>query results</title>
  <entry>
    <id>http://arxiv.org/abs/2403.04567v2</id>
    <published>2024-03-07T18:00:00Z</published>
    <title>Atom  Paper
      Title</title>
    <summary>We study atoms.</summary>
    <arxiv:comment>10 pages. Code: https://github.com/o/atom</arxiv:comment>
    <arxiv:doi>10.1234/ABC.5</arxiv:doi>
    <link href="http://arxiv.org/abs/2403.04567v2" rel="alternate" type="text/html"/>
  </entry>
  <entry>
    <summary>No id, no title.</summary>
  </entry>
</feed>
"""


def test_arxiv_atom_reads_comment_and_skips_an_entry_without_identity(read: Reader) -> None:
    records, stats = read("q.xml", ATOM)
    assert records == [
        PaperRecord(
            title="Atom Paper Title",
            abstract="We study atoms.",
            location=Location(records[0].location.source, 4),
            source_kind="arxiv_atom",
            arxiv_id="2403.04567",
            doi="10.1234/abc.5",
            published=dt.date(2024, 3, 7),
            comment="10 pages. Code: https://github.com/o/atom",
        )
    ]
    assert stats.skipped == 1 and stats.warnings[0].endswith(
        "q.xml:14: <entry> has neither an arXiv <id> nor a <title>"
    )
    [link] = extract_paper(records[0]).links
    assert (link.url, link.provenance) == ("https://github.com/o/atom", Provenance.COMMENT)


def test_arxiv_atom_truncated_file_names_the_line(read: Reader) -> None:
    with pytest.raises(InputError, match=r"cut\.xml:\d+: not well-formed XML"):
        read("cut.xml", ATOM[:400])


BIB = r"""@comment{ignored}
@article{good1,
  title = {{BERT}-like Widgets},
  abstract = "We release {code}.",
  eprint = {2405.06789}, archivePrefix = {arXiv},
  note = {Code: \url{https://github.com/o/bib}},
}
@inproceedings{broken, title = {Unclosed
@misc{good2, title = "Second" # " Part", doi = {10.5555/XYZ}, url = {https://gitlab.com/g/p},
  howpublished = {\url{https://o.github.io/p}}}
"""


def test_bibtex_reads_fields_and_skips_a_broken_entry(read: Reader) -> None:
    records, stats = read("refs.bib", BIB)
    good1, good2 = records
    assert (good1.title, good1.abstract, good1.arxiv_id, good1.comment) == (
        "BERT-like Widgets",
        "We release code.",
        "2405.06789",
        r"Code: \url{https://github.com/o/bib}",
    )
    assert (good2.title, good2.doi, good2.links, good2.location.line) == (
        "Second Part",
        "10.5555/xyz",
        (SourceLink("https://gitlab.com/g/p", Provenance.SOURCE_FIELD, "url"),),
        9,
    )
    assert stats.warnings == [
        f"{good1.location.source}:8: entry @inproceedings: unbalanced braces: a '{{' is never closed"
    ]
    assert [lk.url for lk in extract_paper(good2).links] == [
        "https://o.github.io/p",
        "https://gitlab.com/g/p",
    ]
    with pytest.raises(InputError, match=r"refs\.bib:8: entry @inproceedings"):
        read("refs.bib", BIB, strict=True)


CSV = (
    "Paper Title,summary,arxiv,code\n"
    'First,"An abstract, with a comma.",2401.00001,https://github.com/o/one\n'
    "Second,Short,,\n"
    "Broken,row\n"
)


def test_csv_maps_columns_and_skips_a_short_row(read: Reader) -> None:
    records, stats = read("list.csv", CSV, columns={"Paper Title": "title"})
    assert [(r.title, r.abstract, r.arxiv_id, r.links, r.location.line) for r in records] == [
        (
            "First",
            "An abstract, with a comma.",
            "2401.00001",
            (SourceLink("https://github.com/o/one", Provenance.SOURCE_FIELD, "url"),),
            2,
        ),
        ("Second", "Short", None, (), 3),
    ]
    assert stats.warnings[0].endswith("list.csv:4: row has 2 fields, the header has 4")


def test_csv_without_a_usable_column_says_how_to_map_one(read: Reader) -> None:
    with pytest.raises(InputError, match="map one with --column NAME=title"):
        read("x.csv", "heading,abstract\nA,B\n")
    with pytest.raises(InputError, match="unknown field 'name'"):
        read("x.csv", CSV, columns={"Paper Title": "name"})


def test_id_list_reads_ids_and_urls(read: Reader) -> None:
    text = (
        "# my papers\n2401.00001v3\narXiv:hep-th/9901001\nhttps://arxiv.org/abs/2402.00002\n"
        "https://huggingface.co/papers/2403.00003\ndoi:10.1145/1234567.890\nnot an id\n"
    )
    records, stats = read("ids.txt", text)
    assert [(r.arxiv_id, r.doi) for r in records] == [
        ("2401.00001", None),
        ("hep-th/9901001", None),
        ("2402.00002", None),
        ("2403.00003", None),
        (None, "10.1145/1234567.890"),
    ]
    assert stats.warnings[0].endswith("ids.txt:7: not an arXiv ID, DOI or URL: 'not an id'")


def test_pdf_repairs_broken_urls_and_keeps_annotations(read: Reader) -> None:
    pdf = make_pdf(
        [
            "Sparse Widgets",
            "Abstract",
            "We propose widgets. Code is available at https://github.com/wid-",
            "gets/sparse-widgets and data at https://zenodo.org/records/",
            "12345. We also show a recur-",
            "rent effect.",
            "1 Introduction",
            "Footnote: project page https://o.github.io/widgets",
        ],
        links=["https://github.com/widgets/sparse-widgets"],
        title="Sparse Widgets",
    )
    [record], _ = read("paper.pdf", pdf)
    assert record.abstract == (
        "We propose widgets. Code is available at https://github.com/widgets/sparse-widgets "
        "and data at https://zenodo.org/records/12345. We also show a recurrent effect."
    )
    paper = extract_paper(record)
    assert [(lk.url, lk.provenance) for lk in paper.links] == [
        ("https://github.com/widgets/sparse-widgets", Provenance.ABSTRACT),
        ("https://zenodo.org/records/12345", Provenance.ABSTRACT),
        ("https://o.github.io/widgets", Provenance.PDF),
    ]


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", make_pdf(["x"])[:300]],
)
def test_corrupt_pdf_is_an_input_error(read: Reader, content: bytes) -> None:
    with pytest.raises(InputError, match=r"bad\.pdf: (not a readable PDF|corrupt PDF|PDF has)"):
        read("bad.pdf", content)


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.json", b'[{"id": "1"}]', "hf_api"),
        ("a.txt", b'{"id": "1"}', "hf_api"),
        ("a.dat", b"<?xml version='1.0'?><feed>", "arxiv_atom"),
        ("a", b"@article{x, title={t}}", "bibtex"),
        ("a", b"title,abstract\nx,y\n", "csv"),
        ("a.txt", b"2401.00001\n2401.00002\n", "id_list"),
        ("a.txt", b"Some Title\n\nAn abstract.\n", "hf_listing"),
        ("a.bin", b"%PDF-1.7\n", "pdf"),
    ],
)
def test_detect_by_content_and_extension(name: str, head: bytes, expected: str) -> None:
    assert detect(name, head).name == expected


def test_binary_and_empty_and_missing_files_are_clear_errors(read: Reader, tmp_path: Path) -> None:
    with pytest.raises(UnsupportedInput, match="binary file"):
        detect("x.bin", b"\x00\x01\x02")
    with pytest.raises(InputError, match=r"empty\.txt: is empty"):
        read("empty.txt", "  \n")
    with pytest.raises(InputError, match="no such file"):
        list(__import__("tracker.sources").sources.read_source(str(tmp_path / "nope.txt")))
    with pytest.raises(InputError, match=r"bad\.txt:2: invalid UTF-8"):
        read("bad.txt", b"Title\n\xff\xfe abstract\n")


def test_stdin_is_read_with_the_dash() -> None:
    code = (
        "from tracker.sources import read_source\nprint([r.arxiv_id for r in read_source('-')])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=b"2401.00001\n2401.00002\n",
        capture_output=True,
        check=True,
    )
    assert done.stdout.decode().strip() == "['2401.00001', '2401.00002']"
