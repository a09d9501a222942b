"""Where 学时 come from: each source (``models.Source``) registers how to derive its ledger entries
from its own records. ``ledger`` asks a source for the entries of one record (after the record
changed) or of a whole year (the nightly check), so the derivation lives in one place per source
and nothing is entered twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Credit:
    """One ledger entry as its source says it should be."""

    source_id: int
    person_id: int
    on: dt.date
    hours: Decimal
    title: str
    org_id: int | None = None


# (source_ids or None, year or None) → the credits of those records / that year
Derive = Callable[[Iterable[int] | None, int | None], Iterable[Credit]]

_sources: dict[str, Derive] = {}
_links: dict[str, Callable[[int], str]] = {}


def register(source: str, derive: Derive, link: Callable[[int], str] | None = None) -> Derive:
    """``derive(ids, year)``: the credits of the records ``ids`` (None: all) earned in ``year``
    (None: any year); ``link(source_id)``: the address of the record an entry came from."""
    _sources[source] = derive
    if link is not None:
        _links[source] = link
    return derive


def link(source: str, source_id: int) -> str:
    """Where a ledger entry came from ("" when its source has no page)."""
    make = _links.get(source)
    return make(source_id) if make else ""


def registered() -> dict[str, Derive]:
    return dict(_sources)


def derive(
    source: str, ids: Iterable[int] | None = None, year: int | None = None
) -> Iterator[Credit]:
    """The credits, streamed (a year of a large enterprise yields millions)."""
    return iter(_sources[source](ids, year))
