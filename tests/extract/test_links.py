"""Finding, trimming, normalizing and classifying links in prose."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.extract import extract_paper, links_in, normalize
from tracker.extract.links import find_urls
from tracker.models import LinkKind, Location, PaperRecord, Provenance, Role


def urls(text: str) -> list[str]:
    return [lk.url for lk in links_in(text, Provenance.ABSTRACT)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Code is at https://github.com/Org/Repo.", ["https://github.com/Org/Repo"]),
        ("See https://github.com/o/r/.", ["https://github.com/o/r"]),
        ("(code: https://github.com/o/r)", ["https://github.com/o/r"]),
        ("Available at github.com/o/r, thanks", ["https://github.com/o/r"]),
        ("Visit www.GitHub.com/o/r.git;", ["https://github.com/o/r"]),
        ("Visit www.example.org/x.", ["https://www.example.org/x"]),
        ("at http://WWW.Example.ORG/Path/", ["http://www.example.org/Path"]),
        (
            "\\url{https://gitlab.com/g/p} and \\href{https://o.github.io/p/}{page}",
            ["https://gitlab.com/g/p", "https://o.github.io/p"],
        ),
        ("the [project page](https://x.github.io/y/) is up", ["https://x.github.io/y"]),
        ("mail <https://bitbucket.org/o/r> now", ["https://bitbucket.org/o/r"]),
        ("see https://en.wikipedia.org/wiki/A_(b)).", ["https://en.wikipedia.org/wiki/A_(b)"]),
        (
            "tree https://github.com/o/r/tree/main/src/x ok",
            ["https://github.com/o/r/tree/main/src/x"],
        ),
        ("tree https://github.com/o/r/tree/dev/ ok", ["https://github.com/o/r"]),
        ("q https://ex.com/a?b=1#frag.", ["https://ex.com/a?b=1#frag"]),
        (
            "hf huggingface.co/datasets/o/d and hf.co/o/m.",
            ["https://huggingface.co/datasets/o/d", "https://hf.co/o/m"],
        ),
        ("short bit.ly/AbC and aka.ms/x-y.", ["https://bit.ly/AbC", "https://aka.ms/x-y"]),
        ("pages https://step-law.github.io/", ["https://step-law.github.io"]),
        ("中文“https://github.com/o/r”。", ["https://github.com/o/r"]),
    ],
)
def test_urls_are_found_trimmed_and_normalized(text: str, expected: list[str]) -> None:
    assert urls(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Code: https: //github.com/o/r.", ["https://github.com/o/r"]),
        ("Code: https:/ / github.com/o/r.", ["https://github.com/o/r"]),
        ("at https:// github.com/o/r now", ["https://github.com/o/r"]),
        (
            "see https://github.com/ OpenGVLab/InternVL and",
            ["https://github.com/OpenGVLab/InternVL"],
        ),
        ("at https://github.com/owner/\nrepo-x for", ["https://github.com/owner/repo-x"]),
        (
            "at https://github.com/tiny-\nwidgets/sparse.",
            ["https://github.com/tiny-widgets/sparse"],
        ),
        ("at https://lab.org/tools/ v2_release/ now", ["https://lab.org/tools/v2_release"]),
        ("at https://x.org/a\\_b\\%20c.", ["https://x.org/a_b%20c"]),
        ("Page: https://sketch-gen.\ngithub.io/.", ["https://sketch-gen.github.io"]),
        ("see https://x.org. Next we", ["https://x.org"]),
        ("at https://github.com/o/repo.This paper", ["https://github.com/o/repo"]),
        ("[https://github.com/o/r](https://github.com/o/r)", ["https://github.com/o/r"]),
        ("[github.com/o/r](https://github.com/o/r).", ["https://github.com/o/r"]),
        ("available atwww.lab.org/x.", ["https://www.lab.org/x"]),
        ("available athttps://github.com/o/r.", ["https://github.com/o/r"]),
        ("the page https://x.org/ and the code", ["https://x.org"]),
        ("the page https://x.org/a/ We also", ["https://x.org/a"]),
        ("at https://github.com/o/ which hosts", ["https://github.com/o"]),
    ],
)
def test_urls_broken_by_layout_are_joined(text: str, expected: list[str]) -> None:
    assert urls(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The page is at tiny-lab.github.io.", ["https://tiny-lab.github.io"]),
        ("Our tool: lab.example.ac.uk/tool.", ["https://lab.example.ac.uk/tool"]),
        ("Try demo.hf.space today", ["https://demo.hf.space"]),
        ("Docs at widgets.readthedocs.io/en/latest.", ["https://widgets.readthedocs.io/en/latest"]),
        ("Data at cs.uni-example.de/data and", ["https://cs.uni-example.de/data"]),
        ("Visit sheetbench.dev for tasks.", ["https://sheetbench.dev"]),
        ("Tasks are available on sheetbench.dev.", ["https://sheetbench.dev"]),
        ("see example.xyz/a", ["https://example.xyz/a"]),
    ],
)
def test_hosts_without_a_scheme_are_found_by_their_public_suffix(
    text: str, expected: list[str]
) -> None:
    assert urls(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the number of parameters (\\aka the width) grows",
        "data prepended with a domain name (e.g., wikipedia.org) helps",
        "Llama-3.1-8B/70B-Instruct and Qwen-2.5-7B/72B",
        "costs 3/4 of the budget, i.e. 1.5/2 GPUs, and/or less",
        "write to someone@github.com for access",
        "run train.py then load model.pt and see README.md",
        "a name like foo.notadomain/x or widget.local/y",
        "the results.In this work",
        "it helps.It also scales",
        "ASP.NET and Node.js apps",
        "model.fit(x) and np.save",
        "data from wikipedia.org and results on kaggle.com",
    ],
)
def test_non_links_are_ignored(text: str) -> None:
    assert urls(text) == []


@pytest.mark.parametrize(
    ("url", "kind", "repo", "subpath"),
    [
        ("https://github.com/o/r", LinkKind.GITHUB_REPO, "o/r", ""),
        ("https://github.com/o/r/tree/main/src", LinkKind.GITHUB_REPO, "o/r", "tree/main/src"),
        ("https://github.com/someone", LinkKind.GITHUB_OWNER, None, ""),
        ("https://github.com/features/copilot", LinkKind.OTHER, None, ""),
        ("https://github.com/orgs/acme/repositories", LinkKind.OTHER, None, ""),
        ("https://github.com/sponsors/x", LinkKind.OTHER, None, ""),
        ("https://github.com/marketplace/actions/x", LinkKind.OTHER, None, ""),
        ("https://gist.github.com/u/abc123", LinkKind.GITHUB_GIST, None, ""),
        ("https://o.github.io/p", LinkKind.GITHUB_PAGES, None, ""),
        ("https://gitlab.com/g/sub/p/-/tree/main", LinkKind.GITLAB_REPO, "g/sub/p", "tree/main"),
        ("https://bitbucket.org/o/r", LinkKind.BITBUCKET_REPO, "o/r", ""),
        ("https://huggingface.co/o/m", LinkKind.HF_MODEL, None, ""),
        ("https://huggingface.co/datasets/o/d", LinkKind.HF_DATASET, None, ""),
        ("https://huggingface.co/spaces/o/s", LinkKind.HF_SPACE, None, ""),
        ("https://huggingface.co/papers/2401.00001", LinkKind.HF_OTHER, None, ""),
        ("https://bit.ly/x", LinkKind.SHORTLINK, None, ""),
        ("https://zenodo.org/records/1", LinkKind.DATA_HOST, None, ""),
        ("https://drive.google.com/file/d/x", LinkKind.DATA_HOST, None, ""),
        ("https://arxiv.org/abs/2401.00001", LinkKind.OTHER, None, ""),
        ("https://my-project.ai/demo", LinkKind.PROJECT_PAGE, None, ""),
    ],
)
def test_kind_and_repository(url: str, kind: LinkKind, repo: str | None, subpath: str) -> None:
    [link] = links_in(f"Link {url} here.", Provenance.ABSTRACT)
    assert (link.kind, link.repo, link.subpath) == (kind, repo, subpath)


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        ("Code and models are available at https://github.com/o/r.", [Role.CODE]),
        ("The models are publicly available at https://github.com/o/r.", [Role.WEIGHTS]),
        (
            "Code is at https://github.com/o/c and data at https://zenodo.org/records/9.",
            [Role.CODE, Role.DATA],
        ),
        ("Our code will be on the project page https://o.github.io/p.", [Role.PROJECT]),
        ("Try the demo at https://huggingface.co/spaces/o/s.", [Role.DEMO]),
        ("We keep a curated paper list at https://github.com/o/awesome-x.", [Role.OTHER]),
        ("Our model is strong (see https://en.wikipedia.org/wiki/X for terms).", [Role.OTHER]),
    ],
)
def test_role_comes_from_the_words_leading_to_the_link(text: str, roles: list[Role]) -> None:
    assert [lk.role for lk in links_in(text, Provenance.ABSTRACT)] == roles


def test_link_keeps_raw_text_position_and_sentence() -> None:
    text = "We study X. Code is at https://GitHub.com/o/r.git. Done."
    [link] = links_in(text, Provenance.COMMENT)
    assert link.raw == "https://GitHub.com/o/r.git."
    assert text[link.position : link.position + len(link.raw)] == link.raw
    assert link.sentence == "Code is at https://GitHub.com/o/r.git."
    assert (link.url, link.provenance) == ("https://github.com/o/r", Provenance.COMMENT)


def test_a_survey_repository_without_artifact_words_is_a_reading_list() -> None:
    record = PaperRecord(
        title="A Survey on Widgets",
        abstract="We review widgets. We maintain a repository at https://github.com/o/widgets.",
        location=Location("t", 1),
        source_kind="test",
    )
    paper = extract_paper(record)
    assert [(lk.url, lk.role) for lk in paper.links] == [
        ("https://github.com/o/widgets", Role.OTHER)
    ]
    assert paper.code.status.value == "none"


URLISH = st.builds(
    lambda scheme, www, host, path, tail: f"{scheme}{www}{host}{path}{tail}",
    st.sampled_from(["", "http://", "https://", "HTTPS://"]),
    st.sampled_from(["", "www.", "WWW."]),
    st.sampled_from(["github.com", "GitHub.com", "hf.co", "x.github.io", "example.org", "bit.ly"]),
    st.lists(st.from_regex(r"[A-Za-z0-9_.~-]{1,8}", fullmatch=True), max_size=5).map(
        lambda segs: "/" + "/".join(segs) if segs else ""
    ),
    st.sampled_from(["", "/", ".git", "/tree/main", "/blob/x/", "?a=1", "#f", "/"]),
)


@settings(max_examples=300, deadline=None)
@given(URLISH)
def test_normalizing_twice_equals_once(url: str) -> None:
    once = normalize(url)
    assert normalize(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalize_is_idempotent_on_any_text(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


PROSE = st.lists(
    st.one_of(
        st.text(max_size=20),
        URLISH,
        st.sampled_from(["\\url{", "}", "](", ")", "<", ">", ". ", "www.", "(", "github.com/"]),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(PROSE)
def test_extraction_never_raises_and_every_url_comes_from_the_text(text: str) -> None:
    record = PaperRecord(title="t", abstract=text, location=Location("t"), source_kind="test")
    paper = extract_paper(record)
    for link in paper.links:
        assert link.position is not None
        assert text[link.position : link.position + len(link.raw)] == link.raw
    for found in find_urls(text):
        assert text[found.start : found.start + len(found.raw)] == found.raw
        assert _subsequence(found.url, found.raw), (found.url, found.raw)
        assert len(found.url) <= 2000


def _subsequence(short: str, long: str) -> bool:
    """Every character of `short` is one of `long`'s, in order (a layout repair only drops)."""
    chars = iter(long)
    return all(c in chars for c in short)


BROKEN = st.lists(
    st.one_of(
        st.text(alphabet="ab .:/-_\\%\n", max_size=8),
        URLISH,
        st.sampled_from(
            ["https: //", "https:/ /", "https:// ", "/ ", "- ", "\\_", "\\%", ".This", "at",
             "](", "www.", "x.github.io", "ac.uk/", " e.g., ", "[", "\n"]
        ),
    ),
    max_size=14,
).map("".join)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(BROKEN)
def test_repaired_urls_are_built_from_the_text(text: str) -> None:
    record = PaperRecord(title="t", abstract=text, location=Location("t"), source_kind="test")
    extract_paper(record)
    for found in find_urls(text):
        assert text[found.start : found.start + len(found.raw)] == found.raw
        assert _subsequence(found.url, found.raw), (found.url, found.raw)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200))
def test_extraction_never_raises_on_any_text(text: str) -> None:
    record = PaperRecord(title=text[:20], abstract=text, location=Location("t"), source_kind="t")
    extract_paper(record)
    for found in find_urls(text):
        assert _subsequence(found.url, found.raw) and len(found.url) <= 2000


def test_a_link_longer_than_two_thousand_characters_is_not_a_link() -> None:
    assert urls("see https://x.org/" + "a" * 1990 + " now") == []
    assert urls("see https://x.org/" + "a" * 1900 + " now") != []
