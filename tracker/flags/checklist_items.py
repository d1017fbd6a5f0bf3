"""The ML Code Completeness Checklist's items and answers: what is asked (`ITEMS`), how an
answer is stored (`to_json`/`from_json`) and which repository is a paper's (`main_repository`).

Apart from the rules that judge the items (`tracker.flags.checklist`), so that reading stored
checklists -- reports, exports, `tracker show` -- does not load the rules and their patterns.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tracker.hosts import REPO_LINK_KINDS
from tracker.models import LinkFacts


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Item:
    """One checklist item: its key and when it is `yes`."""

    key: str
    title: str
    definition: str


ITEMS: tuple[Item, ...] = (
    Item(
        "dependencies",
        "Dependencies specification",
        "a file that pins the environment (requirements*.txt, environment.yml or a conda env, "
        "Pipfile, poetry/uv/pdm lock, Dockerfile, renv.lock or an R DESCRIPTION, Project.toml, "
        "package.json, Cargo.toml, go.mod), a pyproject.toml, setup.py or setup.cfg that "
        "declares dependencies, or a command that installs named packages in the README or "
        "a document it links (INSTALL.md)",
    ),
    Item(
        "training",
        "Training code",
        "a training script or entry point in the tree (train*, pretrain*, finetune*, "
        "trainer scripts or notebooks, a train/ folder of code), or a section on training "
        "that holds a command, or a command that runs training, in the README or a document "
        "it links",
    ),
    Item(
        "evaluation",
        "Evaluation code",
        "an evaluation script in the tree (eval*, evaluate*, test.py or test_* outside unit "
        "test folders, validate*, benchmark*, calc_metrics*, reproduce*, run_experiments*, "
        "an eval/ or metrics/ folder of code), or a section on evaluation, testing or metrics "
        "that holds a command, or a command that runs evaluation, in the README or a document "
        "it links",
    ),
    Item(
        "pretrained_models",
        "Pretrained models",
        "the authors' own weights, as the weights judgement counts them: weight files, release "
        "assets or LFS patterns in the repository, own Hub models, collections or org pages, "
        "checkpoint links (.zip/.tar archives under a weights heading included) in a "
        "model-zoo table, a linked MODEL_ZOO.md or a download script",
    ),
    Item(
        "results",
        "Results with the command to reproduce them",
        "the README or a document it links holds a table of results (numbers with a metric or "
        "benchmark in the header, row labels or heading, or prose saying it reproduces a "
        "table of the paper) and a command that runs the code (python, bash, torchrun ...)",
    ),
)
"""The items in the checklist's order; `Item.definition` says when each is `yes`. Each is
`no` when everything it depends on was read and none of that was found, else `unknown` (a
linked document about the item that was not read counts as not read)."""
ITEM_KEYS = tuple(i.key for i in ITEMS)


@dataclass(frozen=True, slots=True)
class ItemAnswer:
    """One item's answer, what it rests on, and how sure the rules are of it (0 to 1)."""

    key: str
    answer: Answer
    evidence: tuple[str, ...] = ()
    confidence: float = 0.0
    reason: str = ""
    """Why `unknown` or `no`: what was missing or not read."""


@dataclass(frozen=True, slots=True)
class Checklist:
    """The five answers of one repository, in `ITEMS` order."""

    items: tuple[ItemAnswer, ...]

    @property
    def score(self) -> int:
        """How many items are `yes` (0 to 5)."""
        return sum(1 for i in self.items if i.answer is Answer.YES)

    def answers(self) -> dict[str, str]:
        return {i.key: i.answer.value for i in self.items}

    def get(self, key: str) -> ItemAnswer:
        return next(i for i in self.items if i.key == key)


def to_json(c: Checklist) -> str:
    """The stored form (`repository.checklist`)."""
    doc = {
        i.key: {
            "answer": i.answer.value,
            "evidence": list(i.evidence),
            "confidence": i.confidence,
            "reason": i.reason,
        }
        for i in c.items
    }
    return json.dumps(doc, ensure_ascii=False, sort_keys=False)


def from_json(text: str | None) -> Checklist | None:
    """The stored checklist, or None when none was judged (or the text is not one)."""
    if not text:
        return None
    try:
        doc = json.loads(text)
        items = tuple(
            ItemAnswer(
                key,
                Answer(doc[key]["answer"]),
                tuple(str(x) for x in doc[key].get("evidence", ())),
                float(doc[key].get("confidence", 0.0)),
                str(doc[key].get("reason", "")),
            )
            for key in ITEM_KEYS
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return Checklist(items)


MAIN_STATUSES = frozenset({"ok", "moved"})


def is_main_candidate(kind: str, role: str, official: str, status: str | None) -> bool:
    """Whether a link may be the paper's main code repository: a repository link with role
    `code`, the authors' own (not a community port), whose repository a check found up."""
    return (
        kind in REPO_LINK_KINDS
        and role == "code"
        and official != "community"
        and status in MAIN_STATUSES
    )


def main_repository(links: Sequence[LinkFacts]) -> LinkFacts | None:
    """The paper's main code repository: the first link, in stored order, that
    `is_main_candidate` accepts. Its checklist is the paper's."""
    return next(
        (
            lk
            for lk in links
            if lk.repo is not None
            and is_main_candidate(lk.kind, lk.role, lk.official, lk.repo.status)
        ),
        None,
    )


def item_table() -> str:
    """The README's table of the items, generated from `ITEMS` so the two cannot drift."""
    rows = [f"| `{i.key}` | {i.definition} |" for i in ITEMS]
    return "\n".join(["| item | yes when |", "| --- | --- |", *rows])
