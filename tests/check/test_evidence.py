"""A full check stores what it read, whole, for the flag run to judge offline."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from sqlalchemy import select

from tests.check.conftest import TOKEN, linked_db
from tests.check.test_github_checks import FAST, cfg, repos
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.huggingface import HuggingFaceEmulator
from tracker.extract import extract_paper
from tracker.flags.facts import hub_answer, own_weights_evidence
from tracker.flags.run import judge_repositories
from tracker.models import HubState, Location, PaperRecord
from tracker.schedule import check_targets
from tracker.store import open_db, save_papers
from tracker.store.facts import iter_paper_facts
from tracker.store.schema import RepoEvidence
from tracker.verify import verify_hub_models

DEEP = "src/main/java/org/example/repair/patch"
WORLD: dict[str, Any] = {
    "now": "2025-01-01T00:00:00Z",
    "repos": [
        {
            "owner": "lab",
            "name": "deep",
            "license": "Apache-2.0",
            "readme": "# Deep\n\n    ./gradlew run\n",
            "files": {
                "build.gradle": "plugins { id 'java' }\n",
                f"{DEEP}/Patcher.java": {"size": 900},
                f"{DEEP}/rank/Ranker.java": {"size": 500},
            },
        },
        {
            "owner": "lab",
            "name": "site",
            "readme": "Project page.\n",
            "files": {"index.html": "<html></html>\n", "static/js/slider.js": "let x = 1;\n"},
        },
        {
            "owner": "lab",
            "name": "card",
            "license": "NOASSERTION",
            "license_text": "Use for non-commercial research purposes only.\n",
            "readme": "# Card\n\nWeights: https://huggingface.co/lab/card-7b\n",
            "files": {
                "setup.py": 'setup(name="card", license="MIT")\n',
                "scripts/download_weights.sh": "wget https://example.org/card.safetensors\n",
            },
        },
    ],
}
NAMES = ["lab/deep", "lab/site", "lab/card"]


def test_graphql_reads_the_whole_tree_and_the_flag_run_judges_it(sqlite_url: str) -> None:
    engine = linked_db(sqlite_url, NAMES)
    with GitHubEmulator(WORLD) as gh:
        done = check_targets(engine, cfg(gh, TOKEN), policy=FAST)
    assert (done.checked, done.requests) == (3, 2)  # one GraphQL batch, one deep tree
    with engine.connect() as conn:
        stored = {r.repository_id: r for r in conn.execute(select(RepoEvidence))}
    assert len(stored) == 3 and all(r.judged == "" for r in stored.values())
    judge_repositories(engine)
    rows = repos(engine)
    assert {k: (r["repo_kind"], r["placeholder"], r["source_files"]) for k, r in rows.items()} == {
        "lab/deep": ("code", False, 2),
        "lab/site": ("docs", False, 1),
        "lab/card": ("code", False, 1),  # setup.py is source
    }
    deep = stored[rows["lab/deep"]["id"]]
    assert f"{DEEP}/rank/Ranker.java" in deep.tree.split("\n")
    card = rows["lab/card"]
    assert card["license_claims"] == "MIT"
    assert card["license_terms"] == "for non-commercial research purposes only"
    assert card["weights_evidence"].split("\n") == [
        "Hub model huggingface.co/lab/card-7b (link in README.md)",
        "checkpoint link https://example.org/card.safetensors "
        "(other in scripts/download_weights.sh)",
        "download script scripts/download_weights.sh",
    ]
    files = json.loads(stored[card["id"]].files)
    assert sorted(files) == ["LICENSE", "scripts/download_weights.sh", "setup.py"]
    judge_repositories(engine)  # nothing changed: nothing judged again
    assert repos(engine) == rows


HUB_WORLD: dict[str, Any] = {
    "now": "2025-01-01T00:00:00Z",
    "repos": [
        {
            "owner": "lab",
            "name": "tiny",
            "readme": (
                "# Tiny\n\n```python\n"
                'big = AutoModel.from_pretrained("lab/tiny-7b")\n'
                'small = AutoModel.from_pretrained("lab/tiny-1b")\n'
                'soon = AutoModel.from_pretrained("lab/tiny-70b")\n'
                "```\n"
            ),
            "files": {"tiny/model.py": {"size": 900}},
        }
    ],
}
HUB = {
    "tokens": ["hf_reader"],  # without a token the Hub answers 401 for missing and private alike
    "models": {
        "lab/tiny-7b": {"siblings": ["model.safetensors", "config.json"]},
        "lab/tiny-70b": {"siblings": ["README.md"]},
    },
}


def test_models_a_readme_names_count_as_weights_only_once_the_hub_confirms_them(
    sqlite_url: str,
) -> None:
    engine = linked_db(sqlite_url, ["lab/tiny"])
    with GitHubEmulator(HUB_WORLD) as gh, HuggingFaceEmulator(HUB) as hub:
        settings = replace(cfg(gh, TOKEN), hf_endpoint=hub.url, hf_token="hf_reader")
        check_targets(engine, settings, policy=FAST)
        judge_repositories(engine)
        with engine.connect() as conn:
            (facts,) = next(iter_paper_facts(conn))
        before = own_weights_evidence(facts.links[0].repo)
        assert verify_hub_models(engine, settings, policy=FAST) == 3
        assert verify_hub_models(engine, settings, policy=FAST) == 0  # answered a moment ago
    with engine.connect() as conn:
        (facts,) = next(iter_paper_facts(conn))
    repo = facts.links[0].repo
    assert repo is not None
    assert before == ()  # nothing confirmed before the Hub was asked
    assert own_weights_evidence(repo) == (
        "Hub model huggingface.co/lab/tiny-7b (from_pretrained in README.md)",
    )
    assert {x.split(" ")[2]: hub_answer(repo, x) for x in repo.weights_evidence} == {
        "huggingface.co/lab/tiny-7b": "yes",
        "huggingface.co/lab/tiny-1b": "no",  # not on the Hub
        "huggingface.co/lab/tiny-70b": "no",  # a card without weight files
    }


LISTED_WORLD: dict[str, Any] = {
    "now": "2025-01-01T00:00:00Z",
    "repos": [
        {
            "owner": "jdoe",
            "name": name,
            "readme": f"# {name}\n\nAll our checkpoints: {link}\n",
            "files": {"run.py": "print(1)\n"},
        }
        for name, link in (
            ("family", "https://huggingface.co/collections/Acme-AI/family-65f0c1"),
            ("lab", "https://huggingface.co/Acme-AI"),
            ("empty-org", "https://huggingface.co/quiet-lab"),
            ("gone", "https://huggingface.co/collections/Acme-AI/deleted-77aa00"),
        )
    ],
}
LISTED_HUB = {
    "tokens": ["hf_reader"],
    "models": {
        "Acme-AI/family-card": {"siblings": ["README.md"]},
        "Acme-AI/family-7b": {"siblings": ["model.safetensors"]},
        "quiet-lab/placeholder": {"siblings": ["README.md"]},
    },
    "collections": {
        "Acme-AI/family-65f0c1": {
            "items": [
                {"type": "dataset", "id": "Acme-AI/corpus"},
                {"type": "model", "id": "Acme-AI/family-card"},
                {"type": "model", "id": "Acme-AI/family-7b"},
            ]
        }
    },
}


def test_collections_and_organization_pages_are_weights_when_a_listed_model_holds_some(
    sqlite_url: str,
) -> None:
    names = [f"jdoe/{r['name']}" for r in LISTED_WORLD["repos"]]
    engine = linked_db(sqlite_url, names)
    with GitHubEmulator(LISTED_WORLD) as gh, HuggingFaceEmulator(LISTED_HUB) as hub:
        settings = replace(cfg(gh, TOKEN), hf_endpoint=hub.url, hf_token="hf_reader")
        check_targets(engine, settings, policy=FAST)
        assert verify_hub_models(engine, settings, policy=FAST) == 4
    with engine.connect() as conn:
        facts = [f for batch in iter_paper_facts(conn) for f in batch]
    answers = {}
    for f in facts:
        r = f.links[0].repo
        assert r is not None
        answers[r.key] = ([hub_answer(r, x) for x in r.weights_evidence], own_weights_evidence(r))
    assert answers == {
        "jdoe/family": (
            ["yes"],
            (
                "Hub collection huggingface.co/collections/Acme-AI/family-65f0c1 (link in README.md)",
            ),
        ),
        "jdoe/lab": (["yes"], ("Hub org huggingface.co/Acme-AI (link in README.md)",)),
        "jdoe/empty-org": (["no"], ()),  # its only model holds no weights
        "jdoe/gone": (["no"], ()),  # the collection is not there
    }


def test_a_hub_organization_the_paper_links_is_looked_up_as_its_weights(sqlite_url: str) -> None:
    engine = open_db(sqlite_url)
    abstract = (
        "We release the trained models. Pretrained models: https://huggingface.co/Acme-AI ; "
        "code will follow."
    )
    record = PaperRecord("Org Models", abstract, Location("t", 1), "test", arxiv_id="2401.00009")
    with engine.begin() as conn:
        save_papers(conn, [extract_paper(record)])
    with GitHubEmulator(LISTED_WORLD) as gh, HuggingFaceEmulator(LISTED_HUB) as hub:
        settings = replace(cfg(gh, TOKEN), hf_endpoint=hub.url, hf_token="hf_reader")
        assert verify_hub_models(engine, settings, policy=FAST) == 1
    with engine.connect() as conn:
        (facts,) = next(iter_paper_facts(conn))
    (org,) = [lk for lk in facts.links if "huggingface" in lk.url]
    assert (org.kind, org.role, org.hub) == (
        "hf_other",
        "weights",
        HubState("ok", weight_files=1, private=False),
    )


ZOO = """# Detector model zoo

## COCO instance segmentation

| Name | box AP | mask AP | download |
|---|---|---|---|
| R50-FPN 3x | 41.0 | 37.2 | [model](https://files.lab.example/det/r50_fpn_3x/model_final.pkl) |

Numbers from `python tools/train_net.py --config-file configs/r50_fpn_3x.yaml --eval-only`.
"""
DOCS_WORLD: dict[str, Any] = {
    "now": "2025-01-01T00:00:00Z",
    "repos": [
        {
            "owner": "lab",
            "name": name,
            "readme": (
                "# Detector\n\nTrained models and their numbers are in the "
                "[model zoo](MODEL_ZOO.md); see [how to contribute](CONTRIBUTING.md).\n"
            ),
            "files": {
                "MODEL_ZOO.md": ZOO,
                "CONTRIBUTING.md": "Open a pull request.\n",
                "tools/train_net.py": {"size": 4000},
                "setup.py": "setup(name='det', install_requires=['torch'])\n",
            },
        }
        for name in ("zoo", "zoo-unreadable")
    ],
    "faults": {
        "error_rate": 1.0,
        "error_statuses": [503],
        "only_paths": ["/repos/lab/zoo-unreadable/contents/"],
    },
}


def test_the_documents_a_readme_links_are_read_and_one_not_read_is_never_an_absence(
    sqlite_url: str,
) -> None:
    """MODEL_ZOO.md is read beside the README (CONTRIBUTING.md is not: it says nothing of the
    work); its checkpoint links are weights and its table is the results. Where the document
    cannot be read, weights and results are unknown, never no."""
    engine = linked_db(sqlite_url, ["lab/zoo", "lab/zoo-unreadable"])
    with GitHubEmulator(DOCS_WORLD) as gh:
        done = check_targets(engine, cfg(gh, TOKEN), policy=FAST)
    assert done.checked == 2
    judge_repositories(engine)
    rows = repos(engine)
    with engine.connect() as conn:
        stored = {r.repository_id: r for r in conn.execute(select(RepoEvidence))}
    read = json.loads(stored[rows["lab/zoo"]["id"]].files)
    assert sorted(read) == ["MODEL_ZOO.md", "setup.py"]
    assert read["MODEL_ZOO.md"] == ZOO
    assert sorted(json.loads(stored[rows["lab/zoo-unreadable"]["id"]].files)) == ["setup.py"]
    assert rows["lab/zoo"]["weights_evidence"].split("\n") == [
        "checkpoint link https://files.lab.example/det/r50_fpn_3x/model_final.pkl "
        "(other in MODEL_ZOO.md)"
    ]
    answers = {
        k: {i: v["answer"] for i, v in json.loads(rows[k]["checklist"]).items()} for k in rows
    }
    assert answers == {
        "lab/zoo": {
            "dependencies": "yes",
            "training": "yes",
            "evaluation": "yes",
            "pretrained_models": "yes",
            "results": "yes",
        },
        "lab/zoo-unreadable": {
            "dependencies": "yes",
            "training": "yes",
            "evaluation": "unknown",
            "pretrained_models": "unknown",
            "results": "unknown",
        },
    }
    why = json.loads(rows["lab/zoo-unreadable"]["checklist"])["pretrained_models"]["reason"]
    assert why.endswith("the README points to MODEL_ZOO.md, which was not read")
