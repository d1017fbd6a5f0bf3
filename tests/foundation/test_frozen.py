"""`quick_init` builds the same frozen values as the `__init__` `dataclasses` writes: for every
class it changed, on any mix of positional, keyword and left-out arguments, the object is of
the class, every field holds the same value (equal and hashed alike), factories make a new
value for each object, wrong calls fail alike, and the object stays frozen."""

from __future__ import annotations

import dataclasses
from dataclasses import FrozenInstanceError, dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.flags.dates import PaperDate
from tracker.flags.facts import Deadline
from tracker.frozen import plain_init, quick_classes, quick_init
from tracker.models import Finding, HubState, LinkFacts, PaperFacts, RepoState, StatusClaim
from tracker.store.findings import PaperFlags
from tracker.store.rollup import PaperRollup

BUILT_PER_PAPER = (
    Finding, HubState, LinkFacts, PaperFacts, RepoState, StatusClaim, PaperFlags, PaperRollup,
    PaperDate, Deadline,
)  # fmt: skip
"""The values a flag run builds for every paper it judges."""


@quick_init
@dataclass(frozen=True, slots=True)
class _Every:
    """One field of each kind `quick_init` handles."""

    required: object
    defaulted: object = "default"
    made: list[object] = field(default_factory=list)
    hidden: dict[str, object] = field(default_factory=dict, init=False)
    fixed: int = field(default=7, init=False)
    named: object = field(default=None, kw_only=True)
    needed: object = field(kw_only=True, default="kw")


CLASSES = (*quick_classes(),)


def _fields(obj: object) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}  # type: ignore[arg-type]


def _given(cls: type, args: list[object], kwargs: dict[str, object]) -> set[str]:
    """The fields these arguments give a value."""
    positional = [f.name for f in dataclasses.fields(cls) if f.init and not f.kw_only]
    return {*positional[: len(args)], *kwargs}


def _hashable(obj: object) -> bool:
    try:
        hash(obj)
    except TypeError:
        return False
    return True


def _plain(cls: type, args: list[object], kwargs: dict[str, object]) -> object:
    obj: object = object.__new__(cls)
    plain_init(cls)(obj, *args, **kwargs)
    return obj


@st.composite
def calls(draw: st.DrawFn, cls: type) -> tuple[list[object], dict[str, object]]:
    """Arguments for `cls`: each field given (positionally while nothing before it was left
    out or named, else by name) or, when it has a default, left out."""
    args: list[object] = []
    kwargs: dict[str, object] = {}
    positional = True
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        optional = f.default is not dataclasses.MISSING or (
            f.default_factory is not dataclasses.MISSING
        )
        if optional and draw(st.booleans()):
            positional = False
            continue
        value = draw(st.one_of(st.integers(), st.text(max_size=3), st.none()))
        if positional and not f.kw_only and draw(st.booleans()):
            args.append(value)
        else:
            positional = False
            kwargs[f.name] = value
    return args, kwargs


def test_the_value_types_of_a_flag_run_are_built_quickly() -> None:
    assert set(BUILT_PER_PAPER) <= set(CLASSES)


@settings(max_examples=40, deadline=None)
@given(st.data())
@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_quick_init_builds_what_the_dataclass_init_builds(cls: type, data: st.DataObject) -> None:
    args, kwargs = data.draw(calls(cls))
    quick = cls(*args, **kwargs)
    plain = _plain(cls, args, kwargs)
    assert type(quick) is cls
    assert _fields(quick) == _fields(plain)
    assert quick == plain
    if _hashable(plain):
        assert hash(quick) == hash(plain)
    again = cls(*args, **kwargs)
    given = _given(cls, args, kwargs)
    for f in dataclasses.fields(cls):
        if f.default_factory is not dataclasses.MISSING and f.name not in given:
            assert getattr(again, f.name) is not getattr(quick, f.name), f.name
    with pytest.raises(FrozenInstanceError):
        setattr(quick, dataclasses.fields(cls)[0].name, "changed")


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_wrong_calls_fail_alike(cls: type) -> None:
    with pytest.raises(TypeError) as quick:
        cls(no_such_field=1)
    with pytest.raises(TypeError) as plain:
        _plain(cls, [], {"no_such_field": 1})
    assert "no_such_field" in str(quick.value) and "no_such_field" in str(plain.value)
    too_many: list[object] = [None] * (len(dataclasses.fields(cls)) + 1)
    with pytest.raises(TypeError):
        cls(*too_many)
    with pytest.raises(TypeError):
        _plain(cls, too_many, {})


def test_every_kind_of_field() -> None:
    a = _Every(1)
    assert _fields(a) == {
        "required": 1,
        "defaulted": "default",
        "made": [],
        "hidden": {},
        "fixed": 7,
        "named": None,
        "needed": "kw",
    }
    assert a.made is not _Every(1).made and a.hidden is not _Every(1).hidden
    with pytest.raises(TypeError):
        _Every()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Every(1, 2, [], 4)  # type: ignore[misc]
    with pytest.raises(TypeError):
        _Every(1, hidden={})  # type: ignore[call-arg]
    assert _Every(1, named=3).named == 3


def test_only_frozen_dataclasses_with_slots() -> None:
    @dataclass(frozen=True)
    class NoSlots:
        a: int

    @dataclass(slots=True)
    class NotFrozen:
        a: int

    @dataclass(frozen=True, slots=True)
    class Base:
        a: int

    @dataclass(frozen=True, slots=True)
    class Derived(Base):
        b: int

    for cls in (NoSlots, NotFrozen, Derived, int):
        with pytest.raises(TypeError):
            quick_init(cls)
