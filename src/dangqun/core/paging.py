"""Pagination that finds a page's ids first and joins only the rows it shows.

``Paginator`` slices the full query: for page 200 of a joined list the database builds and throws
away 9,950 joined rows. Here the slice runs on the filtered ids alone (an index walk), then one
query loads the page's rows with their ``select_related`` joins. Two queries, whatever the page.
A capped list (a search) reads its first ids once, for its count and its page alike.
"""

from functools import cached_property

from django.core.paginator import Paginator


class IdFirstPaginator(Paginator):
    """``count_limit``: count at most this many rows (for text searches, where a count of
    50,000 matches would read most of the table and tell the user only to type more)."""

    def __init__(self, object_list, per_page, *args, count_limit: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_limit = count_limit

    @cached_property
    def count(self) -> int:
        if self.count_limit is None:
            return self.object_list.count()
        return len(self._capped_ids)

    @cached_property
    def _capped_ids(self) -> list:
        """The ids of the first ``count_limit + 1`` rows in the list's order: the count and the
        page both come from this one query. In order, PostgreSQL stops walking its index once it
        has them; an unordered count let it pick a bitmap of every match (decisions/0007)."""
        return list(self.object_list.values_list("pk", flat=True)[: self.count_limit + 1])

    @property
    def count_capped(self) -> bool:
        """True when there are more rows than ``count_limit``; only that many are paged."""
        return self.count_limit is not None and self.count > self.count_limit

    @cached_property
    def num_pages(self) -> int:
        if self.count_capped:
            return -(-self.count_limit // self.per_page)
        return super().num_pages

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._rows(bottom, top), number, self)

    def _rows(self, bottom: int, top: int) -> list:
        queryset = self.object_list
        if self.count_limit is None:
            ids = list(queryset.values_list("pk", flat=True)[bottom:top])
        else:
            ids = self._capped_ids[bottom:top]
        if not ids:
            return []
        if queryset.query.annotations:
            # the rows' counts (the list's columns) need the list's own joins and grouping
            rows = queryset.filter(pk__in=ids).order_by()
        else:
            # the page's rows by key alone: the list's filters were paid for once, by the ids
            rows = queryset.model._default_manager.filter(pk__in=ids)
            rows.query.select_related = queryset.query.select_related
            rows.query.deferred_loading = queryset.query.deferred_loading
            rows = rows.prefetch_related(*queryset._prefetch_related_lookups)
        by_id = {row.pk: row for row in rows}
        return [by_id[pk] for pk in ids if pk in by_id]


def query_without_page(params) -> str:
    """The list's filters as a query string, for its page links to append ``page=N`` to."""
    query = params.copy()
    query.pop("page", None)
    return query.urlencode()
