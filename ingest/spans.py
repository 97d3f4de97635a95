"""Which characters of a text are already claimed by a match (a date, a deadline phrase, a
diarienummer), so that overlapping candidates can be refused in time linear in the text.

One byte per character: testing a candidate reads only its own span, at C speed, however many
spans were taken before. (A list of taken spans, tested one by one, made a text of many dates
quadratic.)
"""

from __future__ import annotations


class Taken:
    """The claimed characters of a text of ``length`` characters."""

    def __init__(self, length: int):
        self._marks = bytearray(length)

    def free(self, start: int, end: int) -> bool:
        """True when no character of ``start:end`` is claimed."""
        return self._marks.find(1, start, end) < 0

    def take(self, start: int, end: int) -> None:
        self._marks[start:end] = b"\x01" * (end - start)
