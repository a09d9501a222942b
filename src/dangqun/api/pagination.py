from rest_framework.pagination import PageNumberPagination

from dangqun.core.paging import IdFirstPaginator


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class PeoplePagination(Pagination):
    """Page ids first, then the page's rows: page 200 of 300,000 people stays cheap."""

    django_paginator_class = IdFirstPaginator
