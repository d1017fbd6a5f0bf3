"""Which documents of its own repository a README sends its reader to, and which a check reads."""

from __future__ import annotations

from tracker.check.evidence import docs_to_read
from tracker.linked_docs import MAX_LINKED_DOCS, DocLink, linked_docs

PATHS = (
    "README.md",
    "MODEL_ZOO.md",
    "INSTALL.md",
    "CONTRIBUTING.md",
    "docs/",
    "docs/training.rst",
    "docs/notes.md",
    "docs/results/",
    "docs/results/imagenet.md",
    "setup.py",
    "assets/arch.png",
)


def test_every_link_form_to_a_document_of_the_tree_is_found_once() -> None:
    readme = "\n".join(
        [
            "See [notes](./docs/notes.md#caveats) and [the zoo](MODEL_ZOO.md 'zoo').",
            "[results]: docs/results/imagenet.md",
            '<a href="https://github.com/Lab/Det/blob/main/INSTALL.md">install</a>',
            "Training: `guide <docs/training.rst>`_",
            "Again [zoo](MODEL_ZOO.md), [elsewhere](https://github.com/other/det/blob/main/INSTALL.md),",
            "[up](../README.md), [missing](docs/gone.md), [folder](docs/results/),",
            "[contributing](CONTRIBUTING.md), ![arch](assets/arch.png), [self](README.md)",
        ]
    )
    assert [d.path for d in linked_docs(readme, PATHS, "lab/det")] == [
        "MODEL_ZOO.md",
        "docs/results/imagenet.md",
        "INSTALL.md",
        "docs/training.rst",
        "docs/notes.md",
    ]
    zoo = linked_docs(readme, PATHS, "lab/det")[0]
    assert zoo == DocLink(
        "MODEL_ZOO.md", "See [notes](./docs/notes.md#caveats) and [the zoo](MODEL_ZOO.md 'zoo')."
    )
    assert linked_docs(readme, PATHS) == tuple(
        d for d in linked_docs(readme, PATHS, "lab/det") if d.path != "INSTALL.md"
    )  # without the repository's name its own github.com links cannot be told apart


def test_a_check_reads_a_bounded_number_besides_the_fixed_evidence_files() -> None:
    paths = (*(f"docs/model_{i}.md" for i in range(10)), "setup.py")
    readme = " ".join(f"[m{i}](docs/model_{i}.md)" for i in range(10)) + " [s](setup.py)"
    assert docs_to_read(readme, paths) == [f"docs/model_{i}.md" for i in range(MAX_LINKED_DOCS)]
    assert docs_to_read("no links", paths) == []
