"""`PROBES` holds every probe module of `tracker.flags.probes` once, under its module's name: a
probe written and not registered, registered twice, or named apart from its module fails here."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import shutil
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import tracker.flags.probes as package
from tracker.flags.probes import PROBE_CODES, PROBES, probe_table
from tracker.flags.probes.interface import Probe

SUPPORT = frozenset({"interface", "common"})
"""The package's modules that are not probes: the interface and the shared helpers."""


def registration_problems(path: Iterable[str], probes: tuple[Probe, ...]) -> list[str]:
    """What is wrong between the probe modules found on `path` and the registry `probes`."""
    modules = {m.name for m in pkgutil.iter_modules(list(path))} - SUPPORT
    registered = Counter(type(p).__module__.rpartition(".")[2] for p in probes)
    problems = [f"{m} is not in PROBES" for m in sorted(modules - set(registered))]
    problems += [f"{m} is not a module of the package" for m in sorted(set(registered) - modules)]
    problems += [f"{m} is in PROBES {n} times" for m, n in sorted(registered.items()) if n > 1]
    return problems


def _probe_classes(module: ModuleType) -> list[type[Probe]]:
    return [
        c
        for c in vars(module).values()
        if inspect.isclass(c) and issubclass(c, Probe) and c.__module__ == module.__name__
    ]


def test_every_probe_module_is_registered_exactly_once() -> None:
    assert registration_problems(package.__path__, PROBES) == []


def test_a_forgotten_or_doubled_registration_is_found(tmp_path: Path) -> None:
    """The check above on a copy of the package with one more probe module in it."""
    for source in Path(package.__file__).parent.glob("*.py"):
        shutil.copy(source, tmp_path)
    (tmp_path / "new_probe.py").write_text('"""A probe not registered yet."""\n')
    assert registration_problems([str(tmp_path)], PROBES) == ["new_probe is not in PROBES"]
    (tmp_path / "new_probe.py").unlink()
    assert registration_problems([str(tmp_path)], (*PROBES, PROBES[3])) == [
        "weights_promised_missing is in PROBES 2 times"
    ]
    (tmp_path / "stale.py").unlink()
    assert registration_problems([str(tmp_path)], PROBES) == [
        "stale is not a module of the package"
    ]


def test_each_probe_module_holds_one_probe_whose_code_is_the_module_name() -> None:
    for name in sorted({m.name for m in pkgutil.iter_modules(package.__path__)} - SUPPORT):
        classes = _probe_classes(importlib.import_module(f"{package.__name__}.{name}"))
        assert [c.code for c in classes] == [name], name
        assert not inspect.isabstract(classes[0]), f"{name} does not define judge"
    for name in SUPPORT:
        module = importlib.import_module(f"{package.__name__}.{name}")
        assert _probe_classes(module) == ([Probe] if name == "interface" else []), name


def test_registered_codes_are_unique_and_name_their_modules() -> None:
    assert len(set(PROBE_CODES)) == len(PROBE_CODES) == len(PROBES)
    assert tuple(type(p).__module__.rpartition(".")[2] for p in PROBES) == PROBE_CODES
    assert all(type(p).__module__ == f"{package.__name__}.{p.code}" for p in PROBES)


def test_each_definition_is_one_row_of_the_readme_table() -> None:
    """A definition with a line break or a `|` would break the README's table."""
    for p in PROBES:
        assert p.definition.strip() == p.definition and "\n" not in p.definition, p.code
        assert "|" not in p.definition, p.code
    assert probe_table().splitlines()[2:] == [f"| `{p.code}` | {p.definition} |" for p in PROBES]
