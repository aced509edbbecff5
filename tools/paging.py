"""Pagination: the arguments every list tool takes and the wrapped result every list tool returns."""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

__all__ = ["MAX_PAGE", "MAX_PAGE_SIZE", "VIEW_DESCRIPTION", "ListArguments", "Page", "PageMeta", "View"]

MAX_PAGE_SIZE = 100
# Past this no list has rows (100 rows a page: ten million rows); larger numbers are refused, not forwarded.
MAX_PAGE = 100_000

T = TypeVar("T", bound=BaseModel)

View = Literal["summary", "full"]
VIEW_DESCRIPTION = "Row detail."


class ListArguments(BaseModel):
    """Base of every list tool's arguments: `page` and `page_size` (sent upstream as `pageSize`)."""

    model_config = ConfigDict(extra="forbid")

    page: int = Field(
        1,
        ge=1,
        le=MAX_PAGE,
        description=f"1-based page number, at most {MAX_PAGE}. Keep paging until page == total_pages.",
    )
    page_size: int = Field(
        20,
        ge=1,
        le=MAX_PAGE_SIZE,
        validation_alias=AliasChoices("page_size", "pageSize"),
        serialization_alias="pageSize",
        description=f"Rows per page, 1-{MAX_PAGE_SIZE} (default 20).",
    )


class PageMeta(BaseModel):
    """Where this page sits in the whole list."""

    page: int = Field(description="This page's number (1-based).")
    page_size: int = Field(
        validation_alias=AliasChoices("page_size", "pageSize"), description="Rows per page."
    )
    total: int = Field(description="Rows across all pages.")
    total_pages: int = Field(
        validation_alias=AliasChoices("total_pages", "totalPages"),
        description="Number of pages; there is more when page < total_pages.",
    )


class Page(BaseModel, Generic[T]):
    """A list tool's result: an object root, the rows under `items`, the pagination beside them."""

    model_config = ConfigDict(extra="ignore")

    items: list[T] = Field(description="The rows on this page.")
    meta: PageMeta = Field(description="Pagination: call again with page + 1 while page < total_pages.")
    note: str | None = Field(None, description="How filters were applied, when the server had to check them.")
