"""License names, package metadata claims and restrictive terms."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.extract.licenses import (
    claimed_licenses,
    is_restrictive_spdx,
    package_license_claims,
    restrictive_terms,
    same_license,
    spdx_of,
)


@pytest.mark.parametrize(
    ("name", "spdx"),
    [
        ("Apache License 2.0", "Apache-2.0"),
        ("The MIT License", "MIT"),
        ("CC BY-NC-ND 4.0", "CC-BY-NC-ND-4.0"),
        ("cc-by-nd-4.0", "CC-BY-ND-4.0"),
        ("cc-by-nc-sa-4.0", "CC-BY-NC-SA-4.0"),
        ("cc-by-nc-3.0", "CC-BY-NC-3.0"),
        ("openrail", "LicenseRef-OpenRAIL"),
        ("openrail++", "LicenseRef-OpenRAIL++"),
        ("creativeml-openrail-m", "LicenseRef-CreativeML-OpenRAIL-M"),
        ("llama2", "LicenseRef-Llama2"),
        ("Llama 3 Community License", "LicenseRef-Llama3"),
        ("Meta Llama 3.1 Community License Agreement", "LicenseRef-Llama3.1"),
        ("GPL-3.0-or-later", "GPL-3.0-or-later"),
        ("isc", "ISC"),
        ("bsd-3-clause", "BSD-3-Clause"),
        ("gemma", "LicenseRef-Gemma"),
        ("Proprietary", None),
        ("", None),
    ],
)
def test_spdx_of(name: str, spdx: str | None) -> None:
    assert spdx_of(name) == spdx


def test_existing_claims_still_read_the_same() -> None:
    assert claimed_licenses("Released under the CC BY-NC-ND 4.0 license.") == ("CC-BY-NC-ND-4.0",)
    assert claimed_licenses("## License\n\nWeights follow the Llama 2 license.\n") == (
        "LicenseRef-Llama2",
    )
    assert same_license("GPL-3.0-or-later", "GPL-3.0")


def test_package_license_claims_across_metadata_files() -> None:
    files = {
        "setup.py": (
            'setup(\n    name="pkg",\n    license="Apache 2.0",\n'
            '    classifiers=["License :: OSI Approved :: MIT License"],\n)\n'
        ),
        "setup.cfg": (
            "[metadata]\nname = pkg\nlicense = BSD-3-Clause\nlicense_files = LICENSE\n"
            "[options]\nlicense = MIT\n"
        ),
        "pyproject.toml": (
            '[project]\nname = "pkg"\nlicense = "MIT OR Apache-2.0"\n'
            '[tool.poetry]\nlicense = "GPL-3.0-only"\n'
        ),
        "web/package.json": '{"name": "x", "license": "ISC"}',
        "Cargo.toml": '[package]\nname = "x"\nlicense = "MIT/Apache-2.0"\n',
        "DESCRIPTION": "Package: x\nLicense: GPL (>= 2)\n",
        "r2/DESCRIPTION": "Package: y\nLicense: MIT + file LICENSE\n",
        "recipe/meta.yaml": (
            "package:\n  name: x\nabout:\n  license: BSD-2-Clause\n  license_file: LICENSE\n"
        ),
        "train.py": 'license = "MIT"\n',
        "README.md": "---\nlicense: cc-by-nc-4.0\ntags:\n- vision\n---\n# Card\n",
    }
    assert package_license_claims(files) == (
        ("setup.py", "Apache-2.0"),
        ("setup.py", "MIT"),
        ("setup.cfg", "BSD-3-Clause"),
        ("pyproject.toml", "MIT"),
        ("pyproject.toml", "Apache-2.0"),
        ("pyproject.toml", "GPL-3.0-only"),
        ("web/package.json", "ISC"),
        ("Cargo.toml", "MIT"),
        ("Cargo.toml", "Apache-2.0"),
        ("DESCRIPTION", "GPL-2.0-or-later"),
        ("r2/DESCRIPTION", "MIT"),
        ("recipe/meta.yaml", "BSD-2-Clause"),
        ("README.md", "CC-BY-NC-4.0"),
    )


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        ("pyproject.toml", '[project]\nlicense = {text = "BSD 3-Clause"}\n', ("BSD-3-Clause",)),
        ("pyproject.toml", '[project]\nlicense-expression = "Apache-2.0"\n', ("Apache-2.0",)),
        ("pyproject.toml", '[project]\nlicense = {file = "LICENSE"}\n', ()),
        (
            "pyproject.toml",
            '[project]\nclassifiers = ["License :: OSI Approved :: Apache Software License"]\n',
            ("Apache-2.0",),
        ),
        ("pyproject.toml", "[project\nlicense = 'MIT'", ()),
        (
            "package.json",
            '{"licenses": [{"type": "MIT"}, {"type": "Apache-2.0"}]}',
            ("MIT", "Apache-2.0"),
        ),
        ("package.json", '{"license": "MIT", broken', ("MIT",)),
        ("package.json", "[1, 2]", ()),
        ("setup.py", "setup(license=LICENSE)", ()),
        ("setup.py", "classifiers=['License :: OSI Approved :: BSD License']", ()),
        ("README.md", "---\nlicense: openrail++\n---\n", ("LicenseRef-OpenRAIL++",)),
        ("README.md", "---\nlicense: llama3\n---\n", ("LicenseRef-Llama3",)),
        (
            "README.md",
            "---\nlicense: other\nlicense_name: acme-research-license\nlicense_link: LICENSE\n---\n",
            ("LicenseRef-acme-research-license",),
        ),
        (
            "README.md",
            '---\nlicense: other\nlicense_name: "llama2"\n---\n',
            ("LicenseRef-Llama2",),
        ),
        ("README.md", "---\nlicense: other\n---\n", ("LicenseRef-other",)),
        ("README.md", "---\nlicense:\n- apache-2.0\n---\n", ("Apache-2.0",)),
        ("README.md", "---\nlicense: unknown\n---\n", ()),
        ("README.md", "# Title\n\nlicense: mit\n", ()),
        ("README.md", "---\nlibrary_name: x\n---\nlicense: mit\n", ()),
        ("environment.yml", "name: env\ndependencies:\n  - python=3.11\n", ()),
    ],
)
def test_package_license_claims_per_file(path: str, text: str, expected: tuple[str, ...]) -> None:
    assert package_license_claims({path: text}) == tuple((path, spdx) for spdx in expected)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        (
            "This work is licensed under a Creative Commons\n  Attribution-NonCommercial-ShareAlike"
            " 4.0 International License.",
            "Attribution-NonCommercial-ShareAlike 4.0 International",
        ),
        ("Weights: CC BY-NC 4.0.", "CC BY-NC 4.0"),
        ("Released as cc-by-nd-4.0", "cc-by-nd-4.0"),
        (
            "The models are provided for non-commercial research purposes only.",
            "for non-commercial research purposes only",
        ),
        ("Use them for   research purposes only!", "research purposes only"),
        ("The dataset is for academic use only.", "academic use only"),
        ("NOT FOR COMMERCIAL USE", "NOT FOR COMMERCIAL USE"),
        (
            "The checkpoints may not be used for commercial purposes.",
            "may not be used for commercial purposes",
        ),
        ("You may share copies, with no derivative works.", "no derivative works"),
        ("Access is granted for evaluation only.", "evaluation only"),
        (
            "The software may be used solely for internal evaluation purposes.",
            "solely for internal evaluation purposes",
        ),
        ("Commercial use is strictly prohibited.", "Commercial use is strictly prohibited"),
        ("You can use it only for academic research.", "only for academic research"),
    ],
)
def test_restrictive_terms(text: str, phrase: str) -> None:
    assert restrictive_terms(text) == phrase


# Permissive grants in the words such licenses use, and sentences that only mention commerce.
PERMISSIVE = [
    "Anyone may use, copy, change, merge, publish, distribute, sublicense and sell copies of "
    "this software without restriction, provided this notice is kept.",
    "The licensor grants a perpetual, worldwide, non-exclusive, no-charge, royalty-free "
    "copyright license to reproduce, prepare Derivative Works of, and distribute the Work.",
    "Redistribution and use in source and binary forms, with or without modification, are "
    "permitted. The names of the authors may not be used to endorse products derived from "
    "this software without prior written permission.",
    "Free for any purpose, including commercial use.",
    "Commercial use is permitted.",
    "You may use the weights for commercial and non-commercial purposes alike.",
    "This alternative is allowed only for noncommercial distribution of the program.",
    "Our research uses only public data.",
    "",
]


@pytest.mark.parametrize("text", PERMISSIVE)
def test_permissive_texts_are_not_restrictive(text: str) -> None:
    assert restrictive_terms(text) is None


def test_phrase_is_capped_and_whitespace_folded() -> None:
    text = "used\tonly  for\n\nnon-commercial   research purposes"
    assert restrictive_terms(text) == "only for non-commercial research purposes"
    assert restrictive_terms("x " * 10 + "academic use only") == "academic use only"


@pytest.mark.parametrize(
    ("spdx", "restrictive"),
    [
        ("CC-BY-NC-4.0", True),
        ("CC-BY-ND-4.0", True),
        ("CC-BY-NC-ND-3.0", True),
        ("CC-BY-NC-SA-4.0", True),
        ("cc-by-nc-sa-2.0", True),
        ("LicenseRef-cc-by-nc-4.0", True),
        ("CC-BY-4.0", False),
        ("CC-BY-SA-4.0", False),
        ("CC0-1.0", False),
        ("LicenseRef-Llama2", False),
        ("LicenseRef-OpenRAIL++", False),
        ("LicenseRef-acme", False),
        ("MIT", False),
        ("", False),
    ],
)
def test_is_restrictive_spdx(spdx: str, restrictive: bool) -> None:
    assert is_restrictive_spdx(spdx) is restrictive


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text(max_size=20))
def test_never_raises(text: str, path: str) -> None:
    phrase = restrictive_terms(text)
    assert phrase is None or 0 < len(phrase) <= 120
    assert is_restrictive_spdx(text) in (True, False)
    names = ("setup.py", "setup.cfg", "pyproject.toml", "package.json", "Cargo.toml")
    files = {n: text for n in (*names, "DESCRIPTION", "meta.yaml", "README.md", path)}
    for file, spdx in package_license_claims(files):
        assert file in files and spdx


ADVERSARIAL = [
    "only for " * 250_000,
    "non-commercial " * 140_000,
    "may not be " * 200_000,
    "cc by-" * 350_000,
    "License :: " * 200_000,
    "[" * 2_000_000,
    "{" * 2_000_000,
    "---\n" + "license: x\n" * 200_000,
    "license = '" + "a" * 2_000_000,
    " " * 2_000_000,
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda t: repr(t[:12]))
def test_megabytes_of_adversarial_text_finish_quickly(text: str) -> None:
    started = time.perf_counter()
    restrictive_terms(text)
    names = ("setup.py", "setup.cfg", "pyproject.toml", "package.json", "Cargo.toml")
    package_license_claims({n: text for n in (*names, "DESCRIPTION", "meta.yaml", "README.md")})
    claimed_licenses(text)
    assert time.perf_counter() - started < 20
