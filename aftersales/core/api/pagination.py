"""Pagination for every API list."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Page numbers with a client-chosen page size, capped to keep lists cheap."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
