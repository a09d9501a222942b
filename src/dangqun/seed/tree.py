"""Materialised paths built by hand for bulk inserts, and a one-query check of the whole tree.

Paths follow treebeard's ``MP_Node`` exactly (``steplen`` 4, alphabet 0-9A-Z), using its own
``_get_path`` so that later ``add_child``/``move`` calls continue the numbering correctly.
"""

from __future__ import annotations

from collections import Counter

from dangqun.orgs.models import Org
from dangqun.seed.plan import Plan


def assign_paths(plan: Plan, first_root_step: int = 1) -> None:
    """Give every planned node its ``path`` and ``depth``; roots are numbered from ``first_root_step``."""
    roots = [node for node in plan.orgs if node.parent is None]
    for step, root in enumerate(roots, start=first_root_step):
        root.path = Org._get_path(None, 1, step)
        root.depth = 1
        stack = [root]
        while stack:
            node = stack.pop()
            for position, child_index in enumerate(node.children, start=1):
                child = plan.orgs[child_index]
                child.depth = node.depth + 1
                child.path = Org._get_path(node.path, child.depth, position)
                stack.append(child)


def next_root_step() -> int:
    """The step after the last existing root, so seeding never collides with existing trees."""
    last = Org.objects.filter(depth=1).order_by("-path").values_list("path", flat=True).first()
    return Org._str2int(last) + 1 if last else 1


def tree_problems() -> dict[str, list[int]]:
    """The same checks as treebeard's ``find_problems``, in one query instead of two per node."""
    rows = list(Org.objects.values_list("pk", "path", "depth", "numchild"))
    by_path = {path: pk for pk, path, _, _ in rows}
    children = Counter(path[: -Org.steplen] for _, path, _, _ in rows if len(path) > Org.steplen)
    problems: dict[str, list[int]] = {
        "evil_chars": [],
        "bad_steplen": [],
        "orphans": [],
        "wrong_depth": [],
        "wrong_numchild": [],
    }
    for pk, path, depth, numchild in rows:
        if any(char not in Org.alphabet for char in path):
            problems["evil_chars"].append(pk)
        elif len(path) % Org.steplen:
            problems["bad_steplen"].append(pk)
        elif len(path) > Org.steplen and path[: -Org.steplen] not in by_path:
            problems["orphans"].append(pk)
        elif depth != len(path) // Org.steplen:
            problems["wrong_depth"].append(pk)
        elif numchild != children.get(path, 0):
            problems["wrong_numchild"].append(pk)
    return {name: pks for name, pks in problems.items() if pks}
