"""Discovery end to end: papers modelled on the trending listing, every service a local server.

The four non-GitHub links of the listing (two github.io pages, two shortlinks) must lead to the
code or weights they hold, papers without any link must get theirs from the PDF or the HF
papers API with the right provenance, and machine matches must be judged from evidence.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.enrich.conftest import FAST, make_pdf, record
from tracker.config import Settings
from tracker.emulators.arxiv import ArxivEmulator
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.huggingface import HuggingFaceEmulator
from tracker.emulators.web import WebEmulator
from tracker.enrich import EnrichOptions, enrich_papers
from tracker.models import EnrichSummary
from tracker.store.schema import HfRepo, Link, Paper, PaperEnrichment

STEP = "Predictable Scale: Part I -- Optimal Hyperparameter Scaling Law in Large Language Model Pretraining"
SPM = (
    "One-dimensional Adapter to Rule Them All: Concepts, Diffusion Models and Erasing Applications"
)
ORCA = "Orca: Progressive Learning from Complex Explanation Traces of GPT-4"
ARCH = "ArchGym: An Open-Source Gymnasium for Machine Learning Assisted Architecture Design"
MUSCLE = "MUSCLE: A Model Update Strategy for Compatible LLM Evolution"
SAFETY = "Efficient Safety Retrofitting Against Jailbreaking for LLMs"
PTQ = "Understanding the Impact of Post-Training Quantization on Large Language Models"
HESS = "Augmenting Hessians with Inter-Layer Dependencies for Mixed-Precision Post-Training Quantization"
FAST_DIFF = "FastDiff: Few-Step Diffusion Sampling"
TWIN = "Attention Is Enough"

PAPERS = [
    record(
        STEP,
        "We will release all loss measurements and model checkpoints through our "
        "designated repository https://step-law.github.io/",
    ),
    record(
        SPM,
        "Our code and pre-tuned SPMs will be available on the project page "
        "https://lyumengyao.github.io/projects/spm.",
    ),
    record(ORCA, "We release the model weights at https://aka.ms/orca-lm."),
    record(ARCH, "Code and data for ArchGym is available at https://bit.ly/ArchGym."),
    record(MUSCLE, "We study model updates for compatible LLM evolution."),
    record(SAFETY, "We retrofit safety into LLMs.", arxiv_id="2502.13603"),
    record(PTQ, "We study post-training quantization.", arxiv_id="2502.13178"),
    record(HESS, "We augment Hessians.", arxiv_id="2306.04879"),
    record(FAST_DIFF, "Our code is at https://github.com/vision-lab."),
    record(TWIN, "Two papers share this title on arXiv."),
]

PAGES = {
    "step-law.github.io/": {
        "html": """<h1>Predictable Scale</h1><div class="links">
        <a class="button" href="https://github.com/step-law/steplaw"><span>Code</span></a>
        <a class="button" href="https://huggingface.co/StepLaw/StepLaw-Models">Checkpoints</a>
        </div>"""
    },
    "lyumengyao.github.io/projects/spm": {
        "html": """<div>
        <a href="https://arxiv.org/abs/2306.07632">arXiv</a>
        <a href="https://github.com/Con6924/SPM"><i class="fab fa-github"></i> GitHub</a></div>
        <footer><p>Website template borrowed from
        <a href="https://github.com/nerfies/nerfies.github.io">Nerfies</a>.</p></footer>"""
    },
    "aka.ms/orca-lm": {
        "redirect": "https://www.microsoft.com/en-us/research/project/orca/",
        "status": 301,
    },
    "www.microsoft.com/en-us/research/project/orca/": {
        "html": """<p>Orca 2 is released.
        <a href="https://huggingface.co/microsoft/Orca-2-13b">Models</a></p>"""
    },
    "bit.ly/ArchGym": {
        "redirect": "https://github.com/srivatsankrishnan/oss-arch-gym",
        "status": 301,
    },
}
HOSTS = ["step-law.github.io", "lyumengyao.github.io", "aka.ms", "www.microsoft.com", "bit.ly"]

MUSCLE_PDF = make_pdf(
    [
        [
            MUSCLE,
            "Jeffrey Jian, Fartash Faghri",
            "Abstract. We study model updates.",
            "Code is available at https://github.com/apple/ml-muscle",
        ],
        [
            "2 Related work",
            "Adapters such as https://github.com/huggingface/peft train fast.",
            "References",
            "[1] Baseline. https://github.com/other/baseline",
        ],
    ],
    links=["https://github.com/apple/ml-muscle", "https://arxiv.org/abs/2106.09685"],
)
ARXIV = {
    "papers": [
        {"id": "2407.09435", "title": MUSCLE, "authors": ["Jeffrey Jian"], "pdf": MUSCLE_PDF},
        {"id": "2407.99999", "title": MUSCLE + " and Beyond", "authors": ["Someone Else"]},
        {
            "id": "2502.13603",
            "title": SAFETY,
            "authors": ["Dario Garcia-Gasulla"],
            "pdf": make_pdf([[SAFETY, "We retrofit safety."]]),
        },
        {
            "id": "2502.13178",
            "title": PTQ,
            "authors": ["Somnath Roy"],
            "pdf": make_pdf([[PTQ, "No code."]]),
        },
        {"id": "2306.04879", "title": HESS, "authors": ["Clemens Chen", "Zhang Wei"]},
        {
            "id": "2306.08888",
            "title": ARCH,
            "authors": ["Srivatsan Krishnan"],
            "comment": "Project: https://bit.ly/ArchGym",
        },
        {"id": "1706.00001", "title": TWIN, "authors": ["A B"]},
        {"id": "1706.00002", "title": TWIN, "authors": ["C D"]},
    ]
}
HUB = {
    "papers": {
        "2502.13603": {
            "title": SAFETY,
            "githubRepo": "https://github.com/HPAI-BSC/safety",
            "githubRepoAddedBy": "user",
        },
        "2502.13178": {
            "title": PTQ,
            "authors": ["Somnath Roy"],
            "githubRepo": "https://github.com/lucidrains/ptq-impact",
            "githubRepoAddedBy": "auto",
        },
        "2306.08888": {"title": ARCH},
    },
    "models": {
        "TheBloke/ptq-llm-GGUF": {"tags": ["arxiv:2502.13178"], "siblings": ["m.Q4.gguf"]},
        "microsoft/Orca-2-13b": {"siblings": ["model.safetensors"], "license": "other"},
        "StepLaw/StepLaw-Models": {"private": True},
    },
}
GITHUB = {
    "now": "2025-04-21T00:00:00Z",
    "repos": [
        {"owner": "lucidrains", "name": "ptq-impact", "readme": "Reimplements arXiv 2502.13178."},
        {"owner": "clemenschen", "name": "hessian-ptq", "readme": "Code for arXiv:2306.04879."},
        {"owner": "randomfan", "name": "hessian-notes", "readme": "Notes on 2306.04879."},
        {"owner": "vision-lab", "name": "fastdiff", "readme": "FastDiff"},
        {"owner": "vision-lab", "name": "website", "readme": "site"},
    ],
}


@pytest.fixture
def services() -> Any:
    with (
        WebEmulator({"pages": PAGES}) as web,
        ArxivEmulator(ARXIV) as ax,
        HuggingFaceEmulator(HUB) as hub,
        GitHubEmulator(GITHUB) as gh,
    ):
        yield web, ax, hub, gh


def run(engine, services, **opts) -> EnrichSummary:
    web, ax, hub, gh = services
    cfg = Settings(hf_endpoint=hub.url, arxiv_api_url=f"{ax.url}/api/query", github_api_url=gh.url)
    options = EnrichOptions(
        connect_to=dict.fromkeys(HOSTS, web.url), host_interval_s=0, http=FAST, **opts
    )
    return enrich_papers(engine, cfg, options=options)


def discovered(engine) -> set[tuple[str, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                Paper.c.title,
                Link.c.url,
                Link.c.kind,
                Link.c.role,
                Link.c.provenance,
                Link.c.official,
                Link.c.confidence,
            )
            .join(Paper, Paper.c.id == Link.c.paper_id)
            .where(Link.c.found_in != "test")
        ).all()
    return {(t.split(":")[0][:12], *rest[:-1], f"{rest[-1]:.2f}") for t, *rest in rows}


def test_links_beyond_the_abstract_are_found_with_their_provenance(engine_for, services) -> None:
    engine = engine_for(PAPERS)
    summary = run(engine, services)
    assert discovered(engine) == {
        # github.io pages: their buttons, not the template credit.
        (
            "Predictable ",
            "https://github.com/step-law/steplaw",
            "github_repo",
            "code",
            "project_page",
            "official",
            "0.85",
        ),
        (
            "Predictable ",
            "https://huggingface.co/StepLaw/StepLaw-Models",
            "hf_model",
            "weights",
            "project_page",
            "official",
            "0.85",
        ),
        (
            "One-dimensio",
            "https://github.com/Con6924/SPM",
            "github_repo",
            "code",
            "project_page",
            "official",
            "0.85",
        ),
        # aka.ms lands on a page that holds the weights; bit.ly lands on GitHub.
        (
            "Orca",
            "https://huggingface.co/microsoft/Orca-2-13b",
            "hf_model",
            "weights",
            "project_page",
            "official",
            "0.85",
        ),
        (
            "ArchGym",
            "https://github.com/srivatsankrishnan/oss-arch-gym",
            "github_repo",
            "code",
            "shortlink",
            "official",
            "0.95",
        ),
        # No link in the abstract: the PDF's own sentence, not the related work or references.
        (
            "MUSCLE",
            "https://github.com/apple/ml-muscle",
            "github_repo",
            "code",
            "pdf",
            "official",
            "0.90",
        ),
        # The HF papers API: claimed by the authors, or a machine's match (a reimplementation).
        (
            "Efficient Sa",
            "https://github.com/HPAI-BSC/safety",
            "github_repo",
            "code",
            "hf_user",
            "official",
            "0.90",
        ),
        (
            "Understandin",
            "https://github.com/lucidrains/ptq-impact",
            "github_repo",
            "code",
            "hf_auto",
            "community",
            "0.50",
        ),
        (
            "Understandin",
            "https://huggingface.co/TheBloke/ptq-llm-GGUF",
            "hf_model",
            "weights",
            "hf_arxiv_tag",
            "community",
            "0.60",
        ),
        # GitHub search: an author's repository citing the paper vs a stranger's notes.
        (
            "Augmenting H",
            "https://github.com/clemenschen/hessian-ptq",
            "github_repo",
            "code",
            "github_search",
            "likely_official",
            "0.75",
        ),
        (
            "Augmenting H",
            "https://github.com/randomfan/hessian-notes",
            "github_repo",
            "code",
            "github_search",
            "community",
            "0.40",
        ),
        # An owner page resolved to the repository named like the paper.
        (
            "FastDiff",
            "https://github.com/vision-lab/fastdiff",
            "github_repo",
            "code",
            "abstract",
            "official",
            "0.80",
        ),
    }
    assert summary == EnrichSummary(
        papers_considered=10,
        papers_enriched=10,
        links_found=12,
        arxiv_ids_found=2,
        hf_repos_checked=3,
        web_resolved=5,
        refused=0,
        unknown=0,
        over_budget=0,
        notes=(
            f"{STEP[:60]}: arXiv title search: no exact title match in 0",
            f"{SPM[:60]}: arXiv title search: no exact title match in 0",
            f"{ORCA[:60]}: arXiv title search: no exact title match in 0",
            f"{MUSCLE[:60]}: HF paper: no papers page",
            f"{HESS[:60]}: HF paper: no papers page",
            f"{HESS[:60]}: PDF: HTTP 404",
            f"{FAST_DIFF[:60]}: arXiv title search: no exact title match in 0",
            f"{TWIN[:60]}: arXiv title search: no exact title match in 2",
        ),
    )


def test_aliases_hub_facts_and_found_ids_are_stored(engine_for, services) -> None:
    engine = engine_for(PAPERS)
    run(engine, services)
    with engine.connect() as conn:
        aliases = set(
            conn.execute(
                select(Link.c.url, Link.c.resolved_url).where(Link.c.resolved_url.is_not(None))
            )
        )
        hub = set(conn.execute(select(HfRepo.c.key, HfRepo.c.status, HfRepo.c.weight_files)))
        ids = dict(conn.execute(select(Paper.c.title, Paper.c.arxiv_id)).all())
        states = set(
            conn.execute(select(PaperEnrichment.c.status, PaperEnrichment.c.arxiv_id_found))
        )
    assert aliases == {
        ("https://bit.ly/ArchGym", "https://github.com/srivatsankrishnan/oss-arch-gym"),
        ("https://aka.ms/orca-lm", "https://www.microsoft.com/en-us/research/project/orca/"),
        ("https://github.com/vision-lab", "https://github.com/vision-lab/fastdiff"),
    }
    assert hub == {
        ("model/microsoft/orca-2-13b", "ok", "model.safetensors"),
        ("model/thebloke/ptq-llm-gguf", "ok", "m.Q4.gguf"),
        ("model/steplaw/steplaw-models", "forbidden", ""),
    }
    assert (ids[MUSCLE], ids[ARCH], ids[TWIN]) == ("2407.09435", "2306.08888", None)
    assert states == {("complete", None), ("complete", "2407.09435"), ("complete", "2306.08888")}


def test_a_second_run_finds_nothing_left_and_the_budget_orders_papers(engine_for, services) -> None:
    engine = engine_for(PAPERS)
    first = run(engine, services, budget=3)
    with engine.connect() as conn:
        done = set(
            conn.execute(
                select(Paper.c.title).join(
                    PaperEnrichment, PaperEnrichment.c.paper_id == Paper.c.id
                )
            ).scalars()
        )
    assert (first.papers_enriched, first.over_budget) == (3, 7)
    assert done == {STEP, SPM, ORCA}  # no code link yet: first in line
    rest = run(engine, services, budget=50)
    again = run(engine, services, budget=50)
    assert (rest.papers_enriched, rest.over_budget) == (7, 0)
    assert again == EnrichSummary()


def test_unknown_answers_leave_the_paper_for_the_next_run(engine_for, services) -> None:
    hub = services[2]
    hub.faults = {"error_rate": 1.0, "error_statuses": [503]}
    engine = engine_for([record(SAFETY, "We retrofit safety.", arxiv_id="2502.13603")])
    first = run(engine, services)
    hub.faults = {}
    second = run(engine, services)
    assert (first.unknown, first.links_found) == (2, 0)
    assert first.notes == (f"{SAFETY}: HF paper: HTTP 503", f"{SAFETY}: HF arXiv tag: HTTP 503")
    assert (second.papers_enriched, second.unknown, second.links_found) == (1, 0, 1)


def test_no_pdf_skips_the_pdf(engine_for, services) -> None:
    ax = services[1]
    engine = engine_for([record(MUSCLE, "We study model updates.")])
    summary = run(engine, services, pdf=False)
    assert summary.links_found == 0
    assert ax.count("GET", "/pdf/") == 0
