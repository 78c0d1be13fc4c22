"""One page of a list a subscriber scrolls through with Prev/Next buttons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

PAGE_SIZE = 10
# Deeper than anyone scrolls on a phone; keeps OFFSET scans and callback data small.
MAX_PAGE = 999


@dataclass(frozen=True)
class Page(Generic[T]):
    """Items of page `number` (0-based) and whether another page follows."""

    items: list[T]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        """Whether a page precedes this one."""
        return self.number > 0

    @classmethod
    def from_rows(cls, rows: list[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
        """Build from `size + 1` fetched rows: the extra row only says a next page exists."""
        return cls(rows[:size], number, len(rows) > size and number < MAX_PAGE)


def clamp_page(number: int) -> int:
    """A page number from callback data, kept within 0..MAX_PAGE."""
    return max(0, min(number, MAX_PAGE))
