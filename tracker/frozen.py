"""Frozen value types built at the cost of plain ones.

A frozen dataclass refuses attribute assignment, so the `__init__` that `dataclasses` writes
stores every field through `object.__setattr__(self, "name", value)`: a call and a name look-up
on the type for each field, many times the cost of a plain assignment. A flag run builds a
dozen such values per paper (a `Finding` per probe, the paper's facts, its links and
repositories), and building them was a large share of judging a paper.

`quick_init` gives such a class an `__init__` with the same parameters, defaults and factories
that assigns the fields plainly: the new object is made an instance of a twin class with the
same slots and no `__setattr__` of its own for the assignments, then made an instance of the
class again. Python allows that change of class between classes of the same layout, and only
`__init__` does it, before anyone else holds the object: what it returns is the same object,
as frozen as before.

`tests/foundation/test_frozen.py` holds every class so built to the `__init__` that
`dataclasses` wrote for it (`plain_init`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar, cast

T = TypeVar("T")

_PLAIN: dict[type, Callable[..., None]] = {}


def quick_init(cls: type[T]) -> type[T]:
    """Replace the `__init__` of `cls`, a frozen dataclass with slots and no base class, by
    one that assigns the fields plainly (applied above `@dataclass`)."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a frozen dataclass with slots")
    if cls.__bases__ != (object,):
        raise TypeError(f"{cls.__name__} has a base class, whose layout its twin would need")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__, which quick_init does not call")
    slots = cls.__dict__["__slots__"]
    twin = type(cls.__name__, (), {"__slots__": slots, "__module__": cls.__module__})
    env: dict[str, Any] = {
        "_FACTORY": _FACTORY,
        "_cls": cls,
        "_twin": twin,
        "_become": object.__setattr__,
    }
    args: list[str] = []
    kw_only: list[str] = []
    body = ["_become(self, '__class__', _twin)"]
    for i, f in enumerate(dataclasses.fields(cast(Any, cls))):
        if f.name in env or f.name == "self":
            raise TypeError(f"{cls.__name__}.{f.name}: a name quick_init uses itself")
        if f.default_factory is not dataclasses.MISSING:
            env[f"_make{i}"] = f.default_factory
        if not f.init:
            value = f"_make{i}()" if f"_make{i}" in env else f"_dflt{i}"
            env[f"_dflt{i}"] = f.default
            body.append(f"self.{f.name} = {value}")
            continue
        param = f.name
        if f"_make{i}" in env:
            param += "=_FACTORY"
            body.append(f"self.{f.name} = _make{i}() if {f.name} is _FACTORY else {f.name}")
        else:
            if f.default is not dataclasses.MISSING:
                env[f"_dflt{i}"] = f.default
                param += f"=_dflt{i}"
            body.append(f"self.{f.name} = {f.name}")
        (kw_only if f.kw_only else args).append(param)
    body.append("self.__class__ = _cls")
    if kw_only:
        args += ["*", *kw_only]
    names = ", ".join(env)
    source = (
        f"def _bind({names}):\n"
        f"    def __init__(self, {', '.join(args)}):\n"
        + "".join(f"        {line}\n" for line in body)
        + "    return __init__\n"
    )
    scope: dict[str, Any] = {}
    exec(source, {}, scope)
    init = scope["_bind"](**env)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    _PLAIN[cls] = cls.__init__  # type: ignore[misc]
    cls.__init__ = init  # type: ignore[method-assign]
    return cls


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"


_FACTORY: Any = _Factory()
"""The default of a parameter whose field has a default factory (as `dataclasses` marks it)."""


def plain_init(cls: type) -> Callable[..., None]:
    """The `__init__` `dataclasses` wrote for a class `quick_init` changed (for tests)."""
    return _PLAIN[cls]


def quick_classes() -> tuple[type, ...]:
    """Every class `quick_init` changed so far."""
    return tuple(_PLAIN)
