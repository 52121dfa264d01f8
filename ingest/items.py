"""List items and headings as names: stripping, matching short and loose items, and whether an unknown one reads
as a name."""

from __future__ import annotations

import re

from kb.cues import Cues
from kb.vocabulary import Match, Term, Vocabulary, fold, phrase_key, singular

MAX_DISCOVERED_WORDS = 8

_NOT_NAME_CHARS = re.compile(r"[\[\]()#*|/\\<>=@?:]|https?:|\d")


def reads_as_name(text: str, cues: Cues, kind: str) -> bool:
    """Whether an unknown list item or heading reads as the name of a condition, technique or benefit: a few words,
    no question, address, link, number or markup, no "you"/"we" or praise, not led by an article or a verb (a
    benefit may be an outcome: "A smoother golf swing")."""
    words = fold(text).split()
    if not 0 < len(words) <= MAX_DISCOVERED_WORDS or _NOT_NAME_CHARS.search(text):
        return False
    starts = cues.words("not_name_starts") - ({"a", "an"} if kind == "benefit" else set())
    if kind != "benefit":  # "Better running economy" is an outcome, never a condition's or a technique's name
        starts = starts | cues.words("outcome_starts")
    return not (set(words) & cues.words("not_name_words") or words[0] in starts)


def worth_review(text: str, cues: Cues) -> bool:
    """Whether an unknown phrase that does not read as a name is still worth a clinic's look: words only (no number,
    price, link, markup or question) and not only page-furniture words ("Call", "Follow", "Pricing")."""
    words = set(fold(text).split())
    return bool(words) and not _NOT_NAME_CHARS.search(text) and not words <= (
        cues.words("not_name_words") | cues.words("not_name_starts"))


_COORDINATOR = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s&\s|\s+and\s+|\s+or\s+|\s*/\s*)\s*", re.IGNORECASE)
MAX_PART_WORDS = 4
_PREPOSITION = re.compile(r"\b(?:of|in|on|to|from|around|after|during|with|for)\b", re.IGNORECASE)


def coordinated_parts(text: str, matches: list[Match], cues: Cues) -> list[str]:
    """The names a short list item joins with "and", "or", "&", "/" or commas ("Migraines and headaches" → both),
    or just the item: when a known name spans the joint ("Pins and needles"), when a part is a lone modifier
    ("Neck and shoulder pain") or when a part is too long to be a name."""
    if len(text.split()) > MAX_DISCOVERED_WORDS:
        return [text]
    joints = list(_COORDINATOR.finditer(text))
    if not joints or any(m.start < j.start() < m.end for m in matches for j in joints):
        return [text]
    parts = [p.strip() for p in _COORDINATOR.split(text)]
    if len(parts) > 1 and len(parts[0].split()) == 1 and len(parts[-1].split()) > 1 and not any(
            m.end <= len(parts[0]) and m.via != "coordination" for m in matches):
        return [text]  # "Herniated or bulging discs", "Post-fracture and post-surgical rehab": one shared head
    if fold(text).split()[0] in cues.words("outcome_starts"):
        return [text]  # "Better running economy and efficiency" is one outcome
    modifiers = cues.words("modifier_words")
    if any(not p or len(p.split()) > MAX_PART_WORDS or (len(p.split()) == 1 and fold(p) in modifiers)
           for p in parts) or any(_PREPOSITION.search(p) for p in parts):
        return [text]  # "Dryness of the mouth, nose and eyes": the parts after "of" are places, not names
    return parts


_EASING = re.compile(r"^(?:reduced|less|lower|fewer|relief (?:of|from)|relieved)\s+(.+)$"
                     r"|^(.+?)\s+(?:relief|reduction)$")
_EASED: dict[int, dict[str, Term | None]] = {}


def eased_condition(term: Term, vocab: Vocabulary) -> Term | None:
    """The condition a benefit eases, when its name says so and the vocabulary knows it: "Reduced anxiety" →
    Anxiety, "Fewer headaches" → Headache (remembered per vocabulary)."""
    if term.kind != "benefit":
        return None
    memo = _EASED.setdefault(id(vocab), {})
    if term.name not in memo:
        m = _EASING.match(fold(term.name))
        # No context terms: "Stress reduction" says nothing of chronic stress.
        found = [x.term for x in vocab.matcher.find(m.group(1) or m.group(2))] if m else []
        memo[term.name] = next((t for t in found if t.kind == "condition"), None)
    return memo[term.name]


def outcome_name(text: str, cues: Cues) -> str | None:
    """A list item led by an outcome verb as a benefit's name: "Relieve chronic muscle pain" → "Relieved chronic
    muscle pain", "Restores joint motion" → "Restored joint motion"; None when no such verb leads it."""
    words = text.split()
    verb = fold(words[0]) if len(words) >= 2 else ""
    if verb not in cues.words("outcome_verbs"):
        return None
    if verb.endswith("s") and verb[:-1] in cues.words("outcome_verbs"):  # "relieves" → "relieve", "calms" → "calm"
        verb = verb[:-1]
    participle = verb + ("d" if verb.endswith("e") else "ed")
    return display_name(" ".join([participle, *words[1:]]))


def display_name(text: str, cues: Cues | None = None, kind: str = "") -> str:
    """A discovered name as entries show it: its words as written, the first capitalised ('hip problems' → 'Hip
    problems'; 'TMJ' stays); a condition's plural head singular, as curated names are ('Autoimmune diseases' →
    'Autoimmune disease')."""
    words = text.split()
    if kind == "condition" and cues is not None and words and fold(words[-1]) in cues.words("singular_heads"):
        words[-1] = singular(words[-1])
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def strip_item(text: str, cues: Cues) -> str:
    """A list item without bullets, leading 'Symptoms of'-style words and trailing punctuation."""
    text = text.strip().rstrip(".;:,!")
    for prefix in sorted(cues["item_prefixes"], key=len, reverse=True):
        if fold(text).startswith(prefix + " "):
            text = text[len(prefix) + 1 :].strip()
    return text


MAX_SHORT_ITEM_WORDS = 3


def prefix_match(text: str, phrases: list[tuple[tuple[str, ...], Term]]) -> Term | None:
    """The one term whose name starts with all of a short item's words: a list of techniques says "Hot stone" or
    "Neuromuscular" for Hot stone massage and Neuromuscular massage therapy. When several terms' phrases do, the one
    whose name does; None when no term, or several, do."""
    keys = phrase_key(text)
    if not 0 < len(keys) <= MAX_SHORT_ITEM_WORDS:
        return None
    found = {term for want, term in phrases if len(want) > len(keys) and want[: len(keys)] == keys}
    if len(found) > 1:  # "Neuromuscular": the one term whose own name starts so, not an alias of another
        found = {t for t in found if phrase_key(t.name)[: len(keys)] == keys}
    return found.pop() if len(found) == 1 else None


def loose_match(text: str, phrases: list[tuple[tuple[str, ...], Term]]) -> Term | None:
    """A term whose phrase words all appear in order in a short list item, with at most one word between."""
    keys = phrase_key(text)
    present = set(keys)
    best: tuple[int, Term] | None = None
    by_first = _by_first_word(phrases)
    # Only phrases whose first word is in the item can have all their words there: those, in the list's order.
    for _, want, term in sorted(c for w in present for c in by_first.get(w, ())):
        if not present.issuperset(want):
            continue
        pos, gaps = -1, 0
        for w in want:
            try:
                nxt = keys.index(w, pos + 1)
            except ValueError:
                break
            if pos >= 0:
                gaps += nxt - pos - 1
            pos = nxt
        else:
            if gaps <= 1 and (best is None or len(want) > best[0]):
                best = (len(want), term)
    return best[1] if best else None


_FIRST_WORDS: dict[int, tuple[list, dict[str, list[tuple[int, tuple[str, ...], Term]]], int]] = {}


def _by_first_word(phrases: list[tuple[tuple[str, ...], Term]]) -> dict[str, list[tuple[int, tuple[str, ...], Term]]]:
    """The phrases of two or more words by first word, each with its place in the list; kept per list (the
    vocabulary's lists are made once), where reading every phrase for each list item cost a millisecond."""
    kept = _FIRST_WORDS.get(id(phrases))
    if kept is None or kept[0] is not phrases or kept[2] != len(phrases):
        index: dict[str, list[tuple[int, tuple[str, ...], Term]]] = {}
        for i, (want, term) in enumerate(phrases):
            if len(want) >= 2:
                index.setdefault(want[0], []).append((i, want, term))
        if len(_FIRST_WORDS) >= 16:  # lists made for one call must not pile up
            _FIRST_WORDS.clear()
        kept = _FIRST_WORDS[id(phrases)] = (phrases, index, len(phrases))
    return kept[1]
