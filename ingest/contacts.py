"""Clinic contact facts (name, address, phones, email, hours) from visible text (structured data:
ingest/structured_contacts.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import NamedTuple, cast

import phonenumbers

from ingest.decode import clean_text
from kb.cues import load_cues
from kb.model import Fact
from kb.vocabulary import DATA_DIR
from kb.yaml_data import read_yaml

_DIGIT_OR_AT = re.compile(r"[\d@]")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE)
_DAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?"
_TIME = r"\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?"
# Lookaheads of the first letters a match can start with (as the pattern's own case rule reads them) match nothing
# more or less, but let the regex engine skip most positions: 2x faster over a page.
_HOURS = re.compile(
    rf"(?=[mtwfs])\b{_DAY}(?:\s*(?:-|–|—|to|&|,)\s*{_DAY})*\s*:?\s*(?:{_TIME}\s*(?:-|–|—|to)\s*{_TIME}|closed)",
    re.IGNORECASE,
)
_STREET_START = re.compile(r"\b\d{1,6}[A-Za-z]?(?:[-/]\d{1,4})?\s+(?=[A-Z0-9])")
_ABBREVIATED = ("St", "Ste", "Rd", "Dr", "Ave", "Blvd", "Hwy", "No", "Mt", "Pl", "Ct", "Ln")
_BREAK = re.compile(
    r"\n|[!?;:|·•]\s+|" + "".join(rf"(?<!\b{a})" for a in _ABBREVIATED) + r"\.\s+|\b(?:at|email|or)\s+"
)
DEFAULT_REGIONS = ("US", "GB", "AU")  # when a text's postcodes and country codes show no region, or find nothing
_PHONEISH = re.compile(r"(?:\d[\s().\-/]{0,3}){7}")  # seven digits with separators: could be a phone number
MAX_CONTACT_SCAN = 60_000  # characters of a page read for contacts: its head and tail hold them


@cache
def _postcode_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    places = read_yaml(DATA_DIR / "places.yaml")

    def names(table: dict[str, str]) -> str:
        words = sorted((x for k, v in table.items() for x in (k, v)), key=len, reverse=True)
        # The lookahead of the names' first letters adds nothing to what matches, but lets the regex engine skip
        # most positions before trying a hundred alternatives at each: ~3x faster over a page.
        firsts = "".join(sorted({re.escape(w[0]) for w in words}))
        return rf"(?=[{firsts}])\b(?:" + "|".join(re.escape(w) for w in words) + ")"

    return (
        ("US", re.compile(rf"{names(places['us_states'])},?\s+\d{{5}}(?:-\d{{4}})?\b")),
        ("CA", re.compile(rf"{names(places['ca_provinces'])},?\s+[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")),
        ("AU", re.compile(rf"{names(places['au_states'])},?\s+\d{{4}}\b")),
        ("GB", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b")),
    )


# Every postcode pattern holds four digits in a row (US, AU) or a digit before a capital (CA, GB): a text without
# either has no postcode, and most lines with digits (dates, hours, prices) are answered by this one search.
_POSTCODE_DIGITS = re.compile(r"\d(?:\d{3}|[A-Z])")


@lru_cache(maxsize=8)
def _postcodes(text: str) -> tuple[tuple[str, tuple[re.Match[str], ...]], ...]:
    """Each country's postcode matches in `text`: a text is read for phone regions, then for addresses."""
    if not _POSTCODE_DIGITS.search(text):
        return tuple((code, ()) for code, _ in _postcode_patterns())
    return tuple((code, tuple(pattern.finditer(text))) for code, pattern in _postcode_patterns())


def region_hints(text: str) -> list[str]:
    """Phone regions to try, most likely first: those the text's postcodes and country codes show, else the
    commonest (US numbers cover Canada's); numbers written with their country code are found under any region."""
    found = [code for code, matches in _postcodes(text) if matches]
    found += [region for prefix, region in (("+44", "GB"), ("+61", "AU"), ("+64", "NZ"), ("+353", "IE"))
              if prefix in text]
    return list(dict.fromkeys(found or DEFAULT_REGIONS))


def phones_in(text: str, regions: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """Valid phone numbers in `text` as (E.164, national display), in order of appearance: read in the regions
    the text's postcodes and country codes show, and only if those find none, in the commonest ones."""
    if not _PHONEISH.search(text):
        return []
    hinted = list(regions) if regions is not None else region_hints(text)
    found = _phones_in_regions(text, hinted)
    if not found and regions is None:
        found = _phones_in_regions(text, [r for r in DEFAULT_REGIONS if r not in hinted])
    return found


def _has_phone(text: str) -> bool:
    """Whether `phones_in(text)` finds a number: the same regions, stopping at the first number found."""
    if not _PHONEISH.search(text):
        return False
    hinted = region_hints(text)
    return any(_Matcher(text, region).has_next()
               for region in [*hinted, *(r for r in DEFAULT_REGIONS if r not in hinted)])


@lru_cache(maxsize=65_536)
def _verified_number(candidate: str, region: str | None, before: str, after: str) -> _Number | None:
    """The number phonenumbers' matcher reads from `candidate` between the characters `before` and `after` ("" at
    the text's edges), formatted, or None: its parse and validation depend on nothing else."""
    matcher = phonenumbers.PhoneNumberMatcher(before + candidate + after, region, leniency=phonenumbers.Leniency.VALID)
    match = matcher._parse_and_verify(candidate, len(before))  # the matcher's own check, on a text of three parts
    if match is None:
        return None
    return _Number(match.number, phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164),
                   phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.NATIONAL))


class _Number(NamedTuple):
    number: phonenumbers.PhoneNumber
    e164: str
    display: str


class _Match(phonenumbers.PhoneNumberMatch):
    def __init__(self, start: int, raw_string: str, found: _Number):
        super().__init__(start, raw_string, found.number)
        self.found = found


class _Matcher(phonenumbers.PhoneNumberMatcher):
    """phonenumbers' matcher (leniency VALID) with each candidate's parse remembered: a page repeats its number in
    header, text, footer and links, and is read whole and line by line; a site repeats it on every page."""

    def __init__(self, text: str, region: str | None):
        super().__init__(text, region, leniency=phonenumbers.Leniency.VALID)

    def _parse_and_verify(self, candidate: str, offset: int) -> phonenumbers.PhoneNumberMatch | None:
        end = offset + len(candidate)
        found = _verified_number(candidate, self.preferred_region, self.text[offset - 1 : offset] if offset else "",
                                 self.text[end : end + 1])
        return _Match(offset, candidate, found) if found is not None else None


_FAX_LABEL = re.compile(r"\b(?:fax|facsimile)\b\W{0,3}(?:no\.?|number|#)?\W{0,4}$", re.IGNORECASE)


def _phones_in_regions(text: str, regions: list[str]) -> list[tuple[str, str]]:
    seen: dict[str, tuple[int, str]] = {}
    spans: list[tuple[int, int]] = []
    for region in regions:
        for m in _Matcher(text, region):
            if any(m.start < end and start < m.end for start, end in spans):
                continue  # a number already read under a likelier region
            spans.append((m.start, m.end))
            if _FAX_LABEL.search(text, max(0, m.start - 24), m.start):
                continue  # "Fax: (425) 555-0101" is no number to call
            _, e164, display = cast(_Match, m).found
            seen.setdefault(e164, (m.start, display))
    return [(e164, display) for e164, (_, display) in sorted(seen.items(), key=lambda kv: kv[1][0])]


def addresses_in(text: str) -> list[str]:
    """Street addresses in `text` that end with a postcode of a known country."""
    out = []
    for _, matches in _postcodes(text):
        for m in matches:
            start = _street_start(text, m.start())
            if start is not None:
                address = re.sub(r"\s+,", ",", clean_text(text[start : m.end()])).strip(" ,")
                if address not in out and 2 <= len(address.split()) <= 20:
                    out.append(address)
    return out


def _street_start(text: str, end: int) -> int | None:
    """Where the street address ending at `end` starts: a house number on its own line, else up to two above."""
    window_start = max(0, end - 160)
    window = text[window_start:end]
    line_starts = [0] + [i + 1 for i, c in enumerate(window) if c == "\n"]
    for k in range(len(line_starts) - 1, max(-1, len(line_starts) - 4), -1):
        line_end = line_starts[k + 1] - 1 if k + 1 < len(line_starts) else len(window)
        line = window[line_starts[k] : line_end]
        breaks = list(_BREAK.finditer(line))
        found = _STREET_START.search(line, breaks[-1].end() if breaks else 0)
        if found:
            return window_start + line_starts[k] + found.start()
        if breaks or len(line.split()) > 12:
            return None  # a sentence or a long line above is not part of this address
    return None


def hours_in(text: str) -> list[str]:
    """Opening-hours phrases such as 'Mon–Fri 8am–6pm'."""
    return list(dict.fromkeys(clean_text(m.group(0)) for m in _HOURS.finditer(text)))


@cache
def _clinic_name_pattern() -> re.Pattern[str]:
    cues = load_cues()
    org = "|".join(re.escape(w) for w in sorted(cues["organisation_words"], key=len, reverse=True))
    word = r"(?:[A-Z][\w'’.-]*|&|and|of|the|on)"
    trigger = r"(?i:visit|contact|call|welcome to|here at|team at|book (?:with|at)|choose|at)"
    return re.compile(  # the lookahead: the triggers' first letters, as for _HOURS
        rf"(?=(?i:[vcwhtba]))\b{trigger}\s+(?:us\s+at\s+)?(?P<name>[A-Z][\w'’.-]*(?:\s+{word}){{0,6}}\s+(?i:{org}))(?!\w)"
        rf"(?:\s+(?:in|of)\s+[A-Z][a-z]+)?",
    )


def clinic_names_in(text: str) -> list[str]:
    """Clinic names introduced by 'visit …', 'call …', 'welcome to …', 'here at …' in visible text."""
    names = []
    for m in _clinic_name_pattern().finditer(text):
        name = m.group("name").strip()
        if name.split()[0].lower() in {"our", "your", "this", "the", "a", "an", "my"}:
            continue
        names.append(name)
    return names


_LEGAL = re.compile(r",?\s+(?:LLC|L\.L\.C\.|PLLC|P\.C\.|PC|Inc\.?|Ltd\.?|Limited|Pty\.? Ltd\.?|LLP|Corp\.?)\s*$")
_SEPARATORS = re.compile(r"\s+[|·•–—]\s+|\s+-\s+")


def _org_like(text: str) -> bool:
    """Title-case words ending in or holding an organisation word ('Kestrel Spine & Sports Chiropractic')."""
    words = re.findall(r"[\w'’]+", text)
    if not 2 <= len(words) <= 9 or not text[:1].isupper():
        return False
    org = load_cues().words("organisation_words")
    small = {"and", "of", "the", "on", "at", "in", "for"}
    capitalised = all(w[0].isupper() or w.lower() in small or w[0].isdigit() for w in words)
    return capitalised and any(w.lower() in org for w in words)


_SERVICE_IN_PLACE = re.compile(r"\s(?:in|near)\s+[A-Z]")


def names_in_title(title: str) -> list[str]:
    """Clinic names in a page title's site part: 'Tennis Elbow | Kestrel Spine & Sports Chiropractic'."""
    parts = [p.strip() for p in _SEPARATORS.split(title) if p.strip()]
    # "Swedish Massage in Knaresborough" is what a page offers where, not who offers it: clinic names name no place
    # after "in" or "near".
    return [p for p in parts[1:] if _org_like(p) and not _SERVICE_IN_PLACE.search(p)] if len(parts) > 1 else []


def names_near_contacts(text: str) -> list[str]:
    """Clinic names standing on a contact line or just above one ('Millbrook Physiotherapy' over its address)."""
    # Half of a page's text lines are blank: they would clean to nothing.
    lines = [clean_text(line) for line in text.split("\n") if line and not line.isspace()]
    lines = [line for line in lines if line]
    # Which lines hold a contact fact, each line read once (a postcode marks the last line of an address).
    contact = [bool(_DIGIT_OR_AT.search(line)) and (_has_phone(line) or bool(EMAIL.search(line)) or
                                                    any(matches for _, matches in _postcodes(line)))
               for line in lines]
    short = [len(line.split()) <= 15 for line in lines]
    out = []
    for i, line in enumerate(lines):
        end = i + 1  # past the line and the short ones just below it (a contact block's lines), at most two
        while end < min(i + 3, len(lines)) and short[end]:
            end += 1
        if not any(contact[i:end]):
            continue
        for part in _SEPARATORS.split(line):
            part = _LEGAL.sub("", part.strip().removeprefix("©").strip())
            if _org_like(part) and not re.search(r"\d", part):
                out.append(part)
    return out


def copyright_names(text: str) -> list[str]:
    """The owner named by a copyright line: '© 2024 Kestrel Spine & Sports Chiropractic, PLLC.'"""
    out = []
    for m in re.finditer(r"(?:©|\(c\)|Copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*([A-Z][^.\n|]{2,80})", text):
        name = _LEGAL.sub("", m.group(1).strip().rstrip(","))
        name = re.split(r"\.\s|\s+All rights", name)[0].strip()
        if _org_like(name):
            out.append(name)
    return out


def scan_window(text: str) -> str:
    """The part of a text read for contacts: all of it, or of a long one its head and tail."""
    if len(text) <= MAX_CONTACT_SCAN:
        return text
    return text[: MAX_CONTACT_SCAN // 2] + "\n" + text[-MAX_CONTACT_SCAN // 2 :]


def facts_from_text(text: str, origin: str, *, names: bool = True) -> list[Fact]:
    """Every contact fact visible in a piece of text (of a long text, its head and tail, where contacts stand)."""
    text = scan_window(text)
    facts = [Fact("phone", e164, origin) for e164, _ in phones_in(text)]
    facts += [Fact("email", e.lower(), origin) for e in (EMAIL.findall(text) if "@" in text else [])]
    facts += [Fact("address", a, origin) for a in addresses_in(text)]
    facts += [Fact("hours", h, origin) for h in hours_in(text)]
    if names:
        facts += [Fact("name", n, origin) for n in clinic_names_in(text)]
    return facts
