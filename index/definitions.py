"""Defining sentences: whether a sentence says what a named term is ("X (also called Y) is a type of ...")."""

from __future__ import annotations

import re
from functools import cache

from kb.cues import load_cues

_NEAR = 60  # characters between the name and its verb: room for "(also called NMT massage)"
_ARTICLE = re.compile(r"^\W*(?:(?:a|an|the)\s+)?", re.IGNORECASE)


@cache
def _names(names: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted((re.escape(n) for n in names if n.strip()), key=len, reverse=True)
    return re.compile(r"(?:" + "|".join(alternatives) + r")(?![\w])", re.IGNORECASE)


def defines(sentence: str, names: tuple[str, ...]) -> bool:
    """Whether the sentence opens with one of `names` (or "This type of ...") and says what it is or involves;
    a pointer to a clinic ("For more information ..., visit ...") never is."""
    cues = load_cues()
    if not names or points_elsewhere(sentence):
        return False
    verbs = cues.pattern("defining_verbs")
    head = _ARTICLE.sub("", sentence, count=1)
    subject = cues.pattern("defining_anaphora").match(head) or _names(names).match(head)
    verb = verbs.search(head, subject.end()) if subject else None
    return verb is not None and verb.start() - subject.end() <= _NEAR  # type: ignore[union-attr]


def points_elsewhere(sentence: str) -> bool:
    """Whether the sentence is a pointer to a clinic ("For more information ..., visit ..."): never an answer to
    what something is."""
    return bool(load_cues().pattern("not_defining").search(sentence))
