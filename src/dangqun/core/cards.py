"""The 工作台's cards: small pieces each domain app registers so the home page (and
``GET /api/workbench/``) can say to every person what to do next, without the home view knowing
any app by name (decision 0018).

An app declares its cards in ``<app>/cards.py`` and registers them in its ``AppConfig.ready``::

    cards.register(Card("voices.mine", "我的反映", shows=..., compute=..., order=10))

``shows(user)`` answers cheaply from the user's ``Scope`` (no query when it can); ``compute(user,
today)`` returns a ``Shown`` — its numbers, each a ``Number`` with the link to the scoped list
behind it, the next step in plain Chinese and, optionally, a chart — or ``None`` when the card has
nothing to say. ``template`` is the partial drawing the card; the default draws the numbers.

A card marked ``slow=True`` (one that counts over the whole scope: rates, plans, head counts,
findings) never blocks the page: the home page draws it as a placeholder that HTMX fills from
``/workbench/card/<key>/`` right after the page has loaded (``compute_one``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

DEFAULT_TEMPLATE = "web/cards/numbers.html"
TONES = ("", "danger", "warning", "success")  # how a number is drawn: plain, red, amber, green


@dataclass(frozen=True)
class Number:
    """One figure on a card and the list that shows the records it counts."""

    label: str
    value: int | str
    url: str
    tone: str = ""


@dataclass
class Shown:
    """A card as computed for one user."""

    key: str
    title: str
    numbers: list[Number]
    next_step: str  # what to do next, in plain Chinese
    action: tuple[str, str] | None = None  # the one button the card offers: (label, url)
    template: str = DEFAULT_TEMPLATE
    chart: dict | None = None  # {"kind": "line"|"bar", "labels": [...], "series": [...]}
    extra: dict = field(default_factory=dict)  # what a custom template needs besides numbers

    @property
    def slug(self) -> str:
        """The card's key as an HTML id part ("voices.mine" → "voices-mine")."""
        return self.key.replace(".", "-").replace("_", "-")

    @property
    def chart_id(self) -> str:
        return f"chart-data-{self.slug}"

    def as_dict(self) -> dict:
        """The card for the API: what the page shows, without the template."""
        return {
            "key": self.key,
            "title": self.title,
            "next_step": self.next_step,
            "numbers": [
                {"label": n.label, "value": n.value, "url": n.url, "tone": n.tone}
                for n in self.numbers
            ],
            "action": {"label": self.action[0], "url": self.action[1]} if self.action else None,
            "chart": self.chart,
        }


@dataclass(frozen=True)
class Card:
    key: str
    title: str
    shows: Callable[[object], bool]
    compute: Callable[[object, dt.date], Shown | None]
    order: int = 100  # lower first; the personal cards (10–40) before the work (50–90)
    slow: bool = False  # drawn by its own request after the page (see the module's doc)


@dataclass(frozen=True)
class Pending:
    """A slow card on the page before HTMX loads it: its place, title and address."""

    key: str
    title: str
    pending: bool = True

    @property
    def slug(self) -> str:
        return self.key.replace(".", "-").replace("_", "-")


_cards: dict[str, Card] = {}


def register(card: Card) -> Card:
    """Add ``card`` (registering the same key again replaces it: ``ready`` may run twice)."""
    _cards[card.key] = card
    return card


def registered() -> list[Card]:
    return sorted(_cards.values(), key=lambda c: (c.order, c.key))


def for_user(
    user, today: dt.date | None = None, lazy: bool = False, only: set[str] | None = None
) -> list[Shown | Pending]:
    """The cards ``user`` sees, computed, in order (``only`` those keys when given); with ``lazy``
    a slow card is only a ``Pending`` place for the page to load afterwards."""
    today = today or timezone.localdate()
    shown = []
    for card in registered():
        if (only is not None and card.key not in only) or not card.shows(user):
            continue
        if lazy and card.slow:
            shown.append(Pending(card.key, card.title))
            continue
        result = card.compute(user, today)
        if result is not None:
            shown.append(result)
    return shown


def compute_one(user, key: str, today: dt.date | None = None) -> Shown | None:
    """The one card ``key`` for ``user``; ``None`` when it is unknown, not theirs, or has
    nothing to say."""
    card = _cards.get(key)
    if card is None or not card.shows(user):
        return None
    return card.compute(user, today or timezone.localdate())


def is_shown_to(user, key: str) -> bool:
    card = _cards.get(key)
    return card is not None and card.shows(user)


def has_person(user) -> bool:
    """The personal cards' test: the account belongs to an employee."""
    return getattr(user, "person_id", None) is not None
