"""Many dictionary lookups at once, the misses filled in Python.

Indexing looks every word of every article up in a vocabulary; a Python loop per
word costs more than the lookups themselves.  ``map`` does the lookups in C and
``list.index`` finds the few misses, also in C.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

K = TypeVar("K")


def look_up(get: Callable[[K], Any], keys: Sequence[K], make: Callable[[K], Any]) -> list[Any]:
    """``[get(k) if get(k) is not None else make(k) for k in keys]``, calling ``make``
    (which may add ``k`` to the dictionary behind ``get``) only for the misses."""
    values = list(map(get, keys))
    i = -1
    with contextlib.suppress(ValueError):
        while True:
            i = values.index(None, i + 1)
            values[i] = make(keys[i])
    return values
