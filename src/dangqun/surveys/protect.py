"""The k-threshold (rule ``surveys.min_group``): which groups of responses may be shown. A group
with fewer than k responses is hidden, and so is any further group that would let a hidden one
be found by subtraction: what the shown groups leave of the total must be none or at least k."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

from dangqun.core.rules import get_rule


def min_group() -> int:
    return int(get_rule("surveys.min_group").params["k"])


def shown(total: int, sizes: Mapping[Hashable, int], k: int) -> set:
    """The groups of ``sizes`` (disjoint parts of ``total``) that may be shown beside the total.
    Nothing is shown when the total itself is below k."""
    if total < k:
        return set()
    visible = {key for key, n in sizes.items() if n >= k}
    while visible:
        residual = total - sum(sizes[key] for key in visible)
        if residual == 0 or residual >= k:
            break
        visible.remove(min(visible, key=lambda key: (sizes[key], str(key))))
    return visible
