"""Errors of the domain, without HTTP: the web layer decides what status each one is answered with."""

from __future__ import annotations


class NotFound(LookupError):
    """What was asked for does not exist: an entry id, a page past the last one, a region no condition has."""

    def __init__(self, message: str, suggestions: list[str] | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []
