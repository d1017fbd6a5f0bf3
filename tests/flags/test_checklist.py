"""The completeness checklist on hand-built evidence: each item yes, no and unknown, the unknown
ones where the tree, README or a package file was not fully read."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from tracker import pipeline
from tracker.demo import LISTING, load_scenario, services
from tracker.enrich import enrich_papers
from tracker.flags import run as flag_run
from tracker.flags.checklist import judge_checklist
from tracker.flags.checklist_items import (
    ITEM_KEYS,
    ITEMS,
    Answer,
    from_json,
    main_repository,
    to_json,
)
from tracker.flags.judge import columns, judge
from tracker.flags.weights import WeightsEvidence
from tracker.linked_docs import STORED_CHARS
from tracker.models import LinkFacts, ReleaseAsset, RepoEvidence, ReportFilter, RepoState
from tracker.schedule import check_targets
from tracker.store import open_db
from tracker.store.export_rows import PAPER_COLUMNS
from tracker.store.reporting import iter_csv_rows, iter_report_views, joined_csv_rows
from tracker.store.schema import Paper, PaperState, Repository

FULL_README = """# Sparse Routing

## Installation

```bash
pip install -r requirements.txt
```

## Training

```bash
torchrun --nproc_per_node=8 main.py --config configs/base.yaml
```

## Results

| Model | Params | Top-1 |
|---|---|---|
| SR-S | 22M | 79.1 |
| SR-B | 86M | 82.4 |
"""


def answers(e: RepoEvidence, kind: str = "code") -> dict[str, str]:
    return judge_checklist(e, judge(e).weights, kind).answers()


def test_a_complete_repository_scores_five() -> None:
    e = RepoEvidence(
        "lab/sparse-routing",
        readme=FULL_README,
        paths=(
            "README.md",
            "main.py",
            "requirements.txt",
            "eval_linear.py",
            "models/",
            "models/vit.py",
        ),
        assets=(ReleaseAsset("sr_small.pth", 90_000_000, 0),),
    )
    c = judge_checklist(e, judge(e).weights, "code")
    assert c.answers() == dict.fromkeys(ITEM_KEYS, "yes")
    assert c.score == 5
    assert c.get("dependencies").evidence == ("requirements.txt",)
    assert c.get("training").evidence[0].startswith("README section 'Training': torchrun")
    assert c.get("evaluation").evidence == ("eval_linear.py",)
    assert c.get("pretrained_models").evidence == ("release asset sr_small.pth",)
    assert (
        c.get("results").evidence[0] == "README section 'Results': table | Model | Params | Top-1 |"
    )


def test_everything_read_and_nothing_there_is_no() -> None:
    e = RepoEvidence(
        "lab/figures", readme="# Figures\n\nPlots of the paper.\n", paths=("README.md", "plot.py")
    )
    assert answers(e) == dict.fromkeys(ITEM_KEYS, "no")


def test_a_folder_not_read_makes_absences_unknown() -> None:
    e = RepoEvidence("lab/deep", readme="# Deep\n", paths=("README.md", "src/", "setup.cfg"))
    got = judge_checklist(e, judge(e).weights, "code")
    assert got.answers() == {
        "dependencies": "unknown",
        "training": "unknown",
        "evaluation": "unknown",
        "pretrained_models": "unknown",
        "results": "no",
    }
    assert "1 folders not read (e.g. src/)" in got.get("training").reason


def test_a_tree_not_read_at_all_is_unknown_not_no() -> None:
    e = RepoEvidence("lab/unread", readme="# Unread\n", paths=())
    assert set(answers(e).values()) == {"unknown", "no"}
    assert answers(e)["training"] == "unknown"


def test_a_readme_listed_but_not_stored_is_unknown() -> None:
    e = RepoEvidence("lab/noreadme", readme="", paths=("README.md", "model.py"))
    got = answers(e)
    assert got["results"] == "unknown"
    assert got["training"] == "unknown"
    assert got["dependencies"] == "unknown"


def test_a_package_file_whose_text_was_not_read_is_unknown() -> None:
    e = RepoEvidence("lab/pkg", readme="# Pkg\n", paths=("README.md", "pyproject.toml", "pkg.py"))
    assert answers(e)["dependencies"] == "unknown"
    read = RepoEvidence(
        "lab/pkg",
        readme="# Pkg\n",
        paths=("README.md", "pyproject.toml", "pkg.py"),
        files={"pyproject.toml": '[project]\nname = "pkg"\ndependencies = ["torch>=2"]\n'},
    )
    assert answers(read)["dependencies"] == "yes"
    tools_only = RepoEvidence(
        "lab/pkg",
        readme="# Pkg\n",
        paths=("README.md", "pyproject.toml", "pkg.py"),
        files={"pyproject.toml": "[tool.ruff]\nline-length = 100\n"},
    )
    assert answers(tools_only)["dependencies"] == "no"


def test_readme_install_of_named_packages_is_a_dependency_spec() -> None:
    readme = "# X\n\n```\npip install torch==2.1 timm einops\n```\n"
    e = RepoEvidence("lab/x", readme=readme, paths=("README.md", "x.py"))
    assert answers(e)["dependencies"] == "yes"
    only_self = RepoEvidence(
        "lab/x", readme="# X\n\n    pip install -e .\n", paths=("README.md", "x.py")
    )
    assert answers(only_self)["dependencies"] == "no"


def test_unit_tests_are_not_evaluation_but_a_root_test_script_is() -> None:
    unit = RepoEvidence(
        "lab/u", readme="# U\n", paths=("README.md", "u.py", "tests/", "tests/test_u.py")
    )
    assert answers(unit)["evaluation"] == "no"
    root = RepoEvidence("lab/u", readme="# U\n", paths=("README.md", "u.py", "test.py"))
    assert answers(root)["evaluation"] == "yes"


def test_training_from_a_script_name_or_a_readme_command() -> None:
    script = RepoEvidence(
        "lab/t", readme="# T\n", paths=("README.md", "tools/", "tools/train_net.py")
    )
    assert answers(script)["training"] == "yes"
    command = RepoEvidence(
        "lab/t",
        readme="# T\n\nRun `python main.py --do_train --epochs 10`.\n",
        paths=("README.md", "main.py"),
    )
    assert answers(command)["training"] == "yes"


def test_an_unattributed_hub_model_leaves_pretrained_models_unknown() -> None:
    w = WeightsEvidence(
        unattributed=("Hub model huggingface.co/someone/model (link in README.md)",)
    )
    e = RepoEvidence("lab/h", readme="# H\n", paths=("README.md", "h.py"))
    assert judge_checklist(e, w, "code").get("pretrained_models").answer is Answer.UNKNOWN


def test_a_results_table_without_a_command_is_no() -> None:
    readme = "# R\n\n## Results\n\n| Model | mAP |\n|---|---|\n| R-50 | 41.2 |\n"
    e = RepoEvidence("lab/r", readme=readme, paths=("README.md", "r.py"))
    got = judge_checklist(e, judge(e).weights, "code").get("results")
    assert (got.answer, got.reason) == (
        Answer.NO,
        "a table of results but no command that reproduces it",
    )


def test_an_empty_repository_and_a_reading_list() -> None:
    assert answers(RepoEvidence("lab/empty", empty=True)) == dict.fromkeys(ITEM_KEYS, "no")
    e = RepoEvidence("lab/awesome", readme=FULL_README, paths=("README.md",))
    got = answers(e, "reading_list")
    assert (got["training"], got["results"]) == ("no", "no")


def test_the_stored_form_round_trips_and_columns_carry_it() -> None:
    e = RepoEvidence("lab/sparse-routing", readme=FULL_README, paths=("README.md", "main.py"))
    j = judge(e)
    assert j.checklist is not None
    assert from_json(to_json(j.checklist)) == j.checklist
    cols = columns(j)
    assert cols["checklist_score"] == j.checklist.score
    assert from_json(cols["checklist"]) == j.checklist
    assert from_json("") is None and from_json("{not json") is None


def test_main_repository_is_the_first_own_code_link_that_is_up() -> None:
    up, dead = RepoState("a/b", status="ok"), RepoState("c/d", status="not_found")
    links = (
        LinkFacts("https://github.com/c/d", "github_repo", "code", "abstract", repo=dead),
        LinkFacts(
            "https://github.com/x/y", "github_repo", "code", "abstract", "community", repo=up
        ),
        LinkFacts("https://github.com/a/b", "github_repo", "code", "abstract", repo=up),
    )
    assert main_repository(links) is links[2]
    assert main_repository(links[:2]) is None


def test_every_item_has_a_definition() -> None:
    assert [i.key for i in ITEMS] == list(ITEM_KEYS)
    assert all(i.definition and i.title for i in ITEMS)


def test_the_flag_run_writes_checklists_and_judges_them_again_on_new_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = open_db(f"sqlite:///{tmp_path / 't.db'}")
    with services(load_scenario()) as svc:
        cfg = svc.settings(str(engine.url))
        pipeline.ingest(engine, [str(LISTING)], command="run")
        enrich_papers(engine, cfg, options=svc.enrich_options())
        check_targets(engine, cfg)
        flag_run.flag_papers(engine, cfg)
    with engine.connect() as conn:
        stored = conn.execute(
            select(Repository.c.key, Repository.c.checklist, Repository.c.checklist_score)
        ).all()
        judged = [r for r in stored if r.checklist]
        assert judged and all(from_json(r.checklist).score == r.checklist_score for r in judged)
        scores = dict(
            conn.execute(select(Paper.c.key, PaperState.c.checklist_score).join(PaperState)).all()
        )
    assert any(s is not None for s in scores.values())
    with engine.begin() as conn:  # a database judged before the checklist existed
        conn.execute(update(Repository).values(checklist="", checklist_score=None))
    flag_run.flag_papers(engine, cfg)  # same rules: nothing judged again
    with engine.connect() as conn:
        assert not any(conn.scalars(select(Repository.c.checklist)))
    monkeypatch.setattr(flag_run, "RULES_VERSION", "next")
    flag_run.flag_papers(engine, cfg)
    with engine.connect() as conn:
        assert (
            conn.execute(
                select(Repository.c.key, Repository.c.checklist, Repository.c.checklist_score)
            ).all()
            == stored
        )
        assert (
            dict(
                conn.execute(
                    select(Paper.c.key, PaperState.c.checklist_score).join(PaperState)
                ).all()
            )
            == scores
        )

    with engine.connect() as conn:
        ranked = list(iter_report_views(conn, ReportFilter(sort="score", descending=True)))
        kept = list(iter_report_views(conn, ReportFilter(min_score=1)))
        at = PAPER_COLUMNS.index("checklist_score")
        fast = {r[0]: r[at] for r in iter_csv_rows(conn)}
        joined = {r[0]: r[at] for r in joined_csv_rows(conn)}
    got = [p.checklist_score for p in ranked]
    known = [s for s in got if s is not None]
    assert known == sorted(known, reverse=True) and got[: len(known)] == known  # unscored last
    assert {p.key for p in kept} == {k for k, s in scores.items() if s is not None and s >= 1}
    assert fast == joined == scores
    assert all((p.checklist is None) == (p.checklist_score is None) for p in ranked)


def test_an_evaluations_folder_and_an_evaluator_script_are_evaluation() -> None:
    e = RepoEvidence(
        "lab/gd",
        readme="# GD\n",
        paths=("README.md", "gd.py", "evaluations/", "evaluations/evaluator.py"),
    )
    got = judge_checklist(e, judge(e).weights, "code").get("evaluation")
    assert (got.answer, got.evidence) == (Answer.YES, ("evaluations/evaluator.py",))
    named = RepoEvidence("lab/gd", readme="# GD\n", paths=("README.md", "gd.py", "evaluator.py"))
    assert answers(named)["evaluation"] == "yes"


def test_a_unit_test_beside_its_module_is_not_evaluation() -> None:
    beside = RepoEvidence(
        "lab/jax",
        readme="# J\n",
        paths=("README.md", "pkg/", "pkg/models.py", "pkg/models_test.py"),
    )
    assert answers(beside)["evaluation"] == "no"
    alone = RepoEvidence("lab/jax", readme="# J\n", paths=("README.md", "pkg/", "pkg/run_test.py"))
    assert answers(alone)["evaluation"] == "yes"


def test_a_mode_flag_listing_train_and_eval_is_both() -> None:
    readme = "# S\n\n```\npython main.py --config c.py --mode {train,eval} --workdir w\n```\n"
    e = RepoEvidence("lab/s", readme=readme, paths=("README.md", "main.py"))
    got = answers(e)
    assert (got["training"], got["evaluation"]) == ("yes", "yes")


def test_flags_on_continued_lines_belong_to_the_command() -> None:
    readme = (
        "# B\n\n```shell\npython run_classifier.py \\\n  --task_name=MRPC \\\n"
        "  --do_eval=true \\\n  --output_dir=/tmp/out\n```\n"
    )
    e = RepoEvidence("lab/b", readme=readme, paths=("README.md", "run_classifier.py"))
    got = judge_checklist(e, judge(e).weights, "code").get("evaluation")
    assert got.answer is Answer.YES
    assert got.evidence == (
        "README: python run_classifier.py --task_name=MRPC --do_eval=true --output_dir=/tmp/out",
    )


def test_a_command_led_in_by_prose_on_reproducing_is_evaluation() -> None:
    readme = (
        "Nystrom GP\n==========\n\nReproduce the UCI numbers::\n\n"
        "    python experiments/score_uci.py --seeds 10\n"
    )
    e = RepoEvidence("lab/gp", readme=readme, paths=("README.md", "experiments/score_uci.py"))
    got = judge_checklist(e, judge(e).weights, "code").get("evaluation")
    assert got.answer is Answer.YES
    assert got.evidence == (
        "README, after 'Reproduce the UCI numbers::': python experiments/score_uci.py --seeds 10",
    )


def test_unit_test_runs_are_neither_evaluation_nor_the_command_of_results() -> None:
    readme = (
        "# Opt\n\nRun the tests with `python -m pytest tests`.\n\n"
        "| Model | SGD top-1 | SAM top-1 |\n|---|---|---|\n| R-50 | 76.0 | 76.9 |\n"
    )
    e = RepoEvidence("lab/opt", readme=readme, paths=("README.md", "opt.py"))
    got = judge_checklist(e, judge(e).weights, "code")
    assert got.get("evaluation").answer is Answer.NO
    assert (got.get("results").answer, got.get("results").reason) == (
        Answer.NO,
        "a table of results but no command that reproduces it",
    )


def test_a_requirements_install_counts_only_while_the_tree_cannot_refute_it() -> None:
    readme = "# D\n\n```\npip install -r requirements.txt\n```\n"
    partial = RepoEvidence("lab/d", readme=readme, paths=("README.md", "ops/", "d.py"))
    got = judge_checklist(partial, judge(partial).weights, "code").get("dependencies")
    assert (got.answer, got.confidence) == (Answer.YES, 0.6)
    complete = RepoEvidence("lab/d", readme=readme, paths=("README.md", "d.py"))
    assert answers(complete)["dependencies"] == "no"


def test_tables_under_self_supervised_and_embedding_metrics_are_results() -> None:
    for header in ("| arch | params | k-NN | linear |", "| Model | Avg. STS |"):
        cells = header.count("|") - 1
        readme = (
            f"# M\n\n{header}\n|{'---|' * cells}\n| ViT-S |{' 74.3 |' * (cells - 1)}\n\n"
            "```\npython main.py\n```\n"
        )
        e = RepoEvidence("lab/m", readme=readme, paths=("README.md", "main.py"))
        assert answers(e)["results"] == "yes", header


def test_checkpoint_archives_under_a_weights_heading_are_the_authors_weights() -> None:
    """A `.zip` of a checkpoint under "Pre-trained models" counts; a `.zip` of data does not,
    even beside the words "pretrained weights"."""
    readme = (
        "# Encoder\n\n## Pre-trained models\n\n"
        "* [Base, cased](https://store.example/enc/cased_L-12_H-768.zip)\n\n"
        "## Data\n\nDownload the [dataset](https://store.example/enc/glue.zip) first; "
        "the pretrained weights are above.\n"
    )
    e = RepoEvidence("lab/enc", readme=readme, paths=("README.md", "run_classifier.py"))
    c = judge_checklist(e, judge(e).weights, "code")
    assert c.get("pretrained_models").evidence == (
        "checkpoint link https://store.example/enc/cased_L-12_H-768.zip (archive in README.md)",
    )
    data_only = RepoEvidence(
        "lab/enc",
        readme=readme.split("## Data")[0]
        .replace("## Pre-trained models", "## Data")
        .replace("cased_L-12_H-768", "corpus"),
        paths=("README.md", "run_classifier.py"),
    )
    assert answers(data_only)["pretrained_models"] == "no"


ZOO_README = (
    "# Detector\n\nTrained models and their numbers are in the [model zoo](docs/MODEL_ZOO.md).\n"
    "[GETTING_STARTED](GETTING_STARTED.md) says how to train and evaluate.\n"
)
ZOO_PATHS = (
    "README.md",
    "GETTING_STARTED.md",
    "docs/",
    "docs/MODEL_ZOO.md",
    "det/",
    "det/model.py",
    "setup.py",
)
ZOO_DOC = (
    "# Model zoo\n\n| Name | box AP | download |\n|---|---|---|\n"
    "| R50 | 40.2 | [model](https://files.example/det/r50/model_final.pkl) |\n"
)
START_DOC = (
    "# Getting started\n\n## Training\n\n```\npython -m det.launch --config r50.yaml\n```\n\n"
    "## Evaluation\n\n```\npython -m det.launch --config r50.yaml --eval-only\n```\n"
)


def test_the_documents_a_readme_links_are_read_like_the_readme() -> None:
    files = {
        "setup.py": "setup(install_requires=['torch'])",
        "docs/MODEL_ZOO.md": ZOO_DOC,
        "GETTING_STARTED.md": START_DOC,
    }
    e = RepoEvidence("lab/det", readme=ZOO_README, paths=ZOO_PATHS, files=files)
    c = judge_checklist(e, judge(e).weights, "code")
    assert c.answers() == dict.fromkeys(ITEM_KEYS, "yes")
    assert c.get("training").evidence == (
        "GETTING_STARTED.md section 'Training': python -m det.launch --config r50.yaml",
    )
    assert c.get("evaluation").evidence == (
        "GETTING_STARTED.md section 'Evaluation': python -m det.launch --config r50.yaml "
        "--eval-only",
    )
    assert c.get("pretrained_models").evidence == (
        "checkpoint link https://files.example/det/r50/model_final.pkl (other in "
        "docs/MODEL_ZOO.md)",
    )
    assert c.get("results").evidence == (
        "docs/MODEL_ZOO.md section 'Model zoo': table | Name | box AP | download |",
        "command: python -m det.launch --config r50.yaml",
    )


def test_a_linked_document_not_read_is_never_evidence_of_absence() -> None:
    """Each item that the unread document could answer stays unknown and names it."""
    files = {"setup.py": "setup(install_requires=['torch'])"}
    e = RepoEvidence("lab/det", readme=ZOO_README, paths=ZOO_PATHS, files=files)
    c = judge_checklist(e, judge(e).weights, "code")
    assert c.answers() == {
        "dependencies": "yes",
        "training": "unknown",
        "evaluation": "unknown",
        "pretrained_models": "unknown",
        "results": "unknown",
    }
    assert c.get("pretrained_models").reason == (
        "no weights of the authors' seen, but the README points to docs/MODEL_ZOO.md, which "
        "was not read"
    )
    assert c.get("training").reason == (
        "no training script or command seen, but the README points to GETTING_STARTED.md, "
        "which was not read"
    )
    read_all = RepoEvidence(
        "lab/det",
        readme=ZOO_README,
        paths=ZOO_PATHS,
        files={
            **files,
            "docs/MODEL_ZOO.md": "# Model zoo\n\nComing later.\n",
            "GETTING_STARTED.md": "Install it.\n",
        },
    )
    assert answers(read_all) == {
        "dependencies": "yes",
        "training": "no",
        "evaluation": "no",
        "pretrained_models": "no",
        "results": "no",
    }


def test_a_model_zoo_on_a_documentation_site_or_in_a_folder_is_not_read() -> None:
    for link in ("https://det.readthedocs.io/en/latest/model_zoo.html", "configs/"):
        readme = f"# Det\n\nResults and trained models are in the [model zoo]({link}).\n"
        e = RepoEvidence(
            "lab/det", readme=readme, paths=("README.md", "det.py", "configs/", "configs/a.py")
        )
        c = judge_checklist(e, judge(e).weights, "code")
        assert c.get("pretrained_models").answer is Answer.UNKNOWN
        assert link in c.get("pretrained_models").reason


def test_metric_scripts_and_prose_that_reproduces_a_table() -> None:
    readme = (
        "# Solver\n\nRun `run_experiments.m` to reproduce Table 2.\n\n"
        "| n | p | time (s) | objective |\n|---|---|---|---|\n| 1000 | 5000 | 1.8 | 412.3 |\n"
    )
    e = RepoEvidence(
        "lab/solver", readme=readme, paths=("README.md", "solver.m", "run_experiments.m")
    )
    c = judge_checklist(e, judge(e).weights, "code")
    assert (c.get("evaluation").answer, c.get("evaluation").evidence) == (
        Answer.YES,
        ("run_experiments.m",),
    )
    assert c.get("results").evidence == (
        "README section 'Solver': table | n | p | time (s) | objective |",
        "command: run_experiments.m",
    )
    gan = RepoEvidence(
        "lab/gan",
        readme="# GAN\n\n## Quality metrics\n\n```\npython calc_metrics.py --metrics=fid50k\n```\n",
        paths=("README.md", "gen.py", "calc_metrics.py", "metrics/", "metrics/fid.py"),
    )
    assert judge_checklist(gan, judge(gan).weights, "code").get("evaluation").evidence == (
        "calc_metrics.py",
        "metrics/fid.py",
    )
    losses = RepoEvidence(
        "lab/lm",
        readme=(
            "# LM\n\n## baselines\n\n```\npython train.py config/eval_small.py\n```\n\n"
            "| model | params | val loss |\n|---|---|---|\n| small | 124M | 3.12 |\n"
        ),
        paths=("README.md", "train.py", "config/", "config/eval_small.py"),
    )
    assert answers(losses)["results"] == "yes"


def test_a_linked_document_cut_at_the_stored_length_was_read_only_in_part() -> None:
    """The check stores a file up to `STORED_CHARS`: a model zoo that long may list its
    checkpoints further down, so finding none in the stored part is no absence."""
    zoo = ("| R50 | 40.2 | config |\n" * 4000)[:STORED_CHARS]
    files = {"setup.py": "setup(install_requires=['torch'])", "docs/MODEL_ZOO.md": zoo}
    e = RepoEvidence("lab/det", readme=ZOO_README, paths=ZOO_PATHS, files=files)
    c = judge_checklist(e, judge(e).weights, "code")
    assert (c.get("pretrained_models").answer, c.get("pretrained_models").reason) == (
        Answer.UNKNOWN,
        "no weights of the authors' seen, but the README points to docs/MODEL_ZOO.md, which "
        "was read only in part",
    )
    whole = {**files, "docs/MODEL_ZOO.md": zoo[: STORED_CHARS // 2]}
    e = RepoEvidence("lab/det", readme=ZOO_README, paths=ZOO_PATHS, files=whole)
    assert answers(e)["pretrained_models"] == "no"
