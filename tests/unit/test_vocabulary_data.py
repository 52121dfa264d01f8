"""Validate the vocabulary data files in kb/data.

The files are read with yaml.safe_load. Only `phrase_key` is borrowed from
kb.vocabulary, so "two phrases match the same text" means exactly what the
real matcher does (case, accents, apostrophes, hyphens and plurals folded).
Every assertion lists the items that failed, so a clinic editing the
vocabulary can see what to fix.
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from pathlib import Path

import pytest
import yaml

from kb.vocabulary import phrase_key

DATA_DIR = Path(__file__).resolve().parents[2] / "kb" / "data"

VOCAB_FILES = {
    # file name -> key of the item list
    "conditions.yaml": "conditions",
    "techniques.yaml": "techniques",
    "benefits.yaml": "benefits",
}
RED_FLAGS_FILE = "red_flags.yaml"

BODY_REGIONS = {
    "head", "jaw", "neck", "shoulder", "arm", "elbow", "hand", "back", "chest",
    "abdomen", "pelvis", "hip", "leg", "knee", "foot", "whole body", "mind",
}
TECHNIQUE_CATEGORIES = {
    "massage", "manual therapy", "movement", "device", "needling", "mind-body", "other",
}
MIN_COUNTS = {"conditions": 80, "techniques": 30, "benefits": 30}

# Keys of each item: name -> expected type.
CONDITION_KEYS = {
    "name": str, "icd10": str, "icd10_title": str, "body_region": list,
    "aliases": list, "acronyms": list, "misspellings": list, "lay_terms": list,
    "source": str,
}
TECHNIQUE_KEYS = {
    "name": str, "category": str, "aliases": list, "acronyms": list,
    "misspellings": list, "lay_terms": list, "source": str,
}
BENEFIT_KEYS = {
    "name": str, "aliases": list, "context_terms": list, "misspellings": list,
    "lay_terms": list, "source": str,
}
# Keys an item may have: a condition too vague alone ("stress") is matched only inside a list of conditions.
OPTIONAL_KEYS = {"conditions": {"context_terms": list}}
ITEM_KEYS = {
    "conditions": CONDITION_KEYS,
    "techniques": TECHNIQUE_KEYS,
    "benefits": BENEFIT_KEYS,
}
RED_FLAG_KEYS = {
    "id": str, "patterns": list, "requires_any": list, "message": str, "source": str,
}
TERM_FIELDS = ("aliases", "acronyms", "misspellings", "lay_terms", "context_terms")

# Single words far too common in ordinary prose to stand for one entry.
TOO_GENERIC = {
    "pain", "pains", "stress", "injury", "injuries", "tension", "ache", "aches",
    "sore", "soreness", "hurt", "therapy", "treatment", "health", "wellness",
    "body", "muscle", "muscles", "exercise", "care", "relief", "healing",
}
# Acronyms that collide with everyday abbreviations (Pacific Time, emergency
# medical services, terms of service, "art", ...).
UNSAFE_ACRONYMS = {"ART", "PT", "CST", "EMS", "TOS", "MS", "IT", "OR", "US", "AM", "PM", "ME"}
ACRONYM_RE = re.compile(r"^[A-Z][A-Z0-9]{1,5}$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
RED_FLAG_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REQUIRED_RED_FLAGS = {
    "chest-pain", "stroke-signs", "cauda-equina", "sudden-severe-headache",
    "difficulty-breathing", "suicidal-thoughts", "stiff-neck-with-fever",
    "severe-bleeding", "head-injury-warning-signs",
}


# --------------------------------------------------------------------- helpers


@cache
def load(file_name: str) -> dict:
    path = DATA_DIR / file_name
    assert path.is_file(), f"missing data file: {path.name}"
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict), f"{file_name}: top level must be a mapping"
    return data


def items(list_key: str) -> list:
    file_name = {v: k for k, v in VOCAB_FILES.items()}[list_key]
    value = load(file_name).get(list_key)
    assert isinstance(value, list), f"{file_name}: '{list_key}' must be a list"
    return value


def label(item, index: int) -> str:
    if isinstance(item, dict):
        return str(item.get("name") or item.get("id") or f"#{index}")
    return f"#{index}"


def source_ids(file_name: str) -> set:
    return {s.get("id") for s in load(file_name).get("sources") or [] if isinstance(s, dict)}


def clean(term: str) -> str:
    """Case-folded term with runs of whitespace collapsed."""
    return " ".join(term.casefold().split())


def normalized(term: str) -> tuple[str, ...]:
    """The matcher's key for a phrase: "low-back pain" ~ "low back pain", "headaches" ~ "headache"."""
    return phrase_key(term)


# Letters, digits, spaces, hyphens and apostrophes only: the matcher splits text
# at other punctuation, so a phrase such as "ME/CFS" could never match.
PHRASE_RE = re.compile(r"^[A-Za-z0-9\u00C0-\u024F][A-Za-z0-9\u00C0-\u024F '\u2019-]*$")


def all_terms():
    """Yield (file, item label, field, term) for every matchable term."""
    for file_name, list_key in VOCAB_FILES.items():
        for index, item in enumerate(items(list_key)):
            if not isinstance(item, dict):
                continue
            name = label(item, index)
            if isinstance(item.get("name"), str):
                yield file_name, name, "name", item["name"]
            for field in TERM_FIELDS:
                for term in item.get(field) or []:
                    if isinstance(term, str):
                        yield file_name, name, field, term


def fail_if(problems: list, what: str) -> None:
    assert not problems, f"{len(problems)} {what}:\n  " + "\n  ".join(problems)


# ----------------------------------------------------------------- structure


@pytest.mark.parametrize("file_name", [*VOCAB_FILES, RED_FLAGS_FILE])
def test_sources_are_well_formed(file_name):
    sources = load(file_name).get("sources")
    assert isinstance(sources, list) and sources, f"{file_name}: 'sources' must be a non-empty list"
    problems, seen = [], set()
    for index, source in enumerate(sources):
        if not isinstance(source, dict):
            problems.append(f"{file_name}: sources[{index}] is not a mapping")
            continue
        sid = source.get("id")
        if not isinstance(sid, str) or not sid:
            problems.append(f"{file_name}: sources[{index}] has no id")
        elif sid in seen:
            problems.append(f"{file_name}: duplicate source id {sid!r}")
        seen.add(sid)
        if not isinstance(source.get("title"), str) or not source["title"].strip():
            problems.append(f"{file_name}: source {sid!r} has no title")
        if not isinstance(source.get("url"), str) or not URL_RE.match(source["url"]):
            problems.append(f"{file_name}: source {sid!r} url is not http(s): {source.get('url')!r}")
    fail_if(problems, "bad sources")


def key_problems(name: str, item: dict, required: dict[str, type], allowed: dict[str, type]) -> list[str]:
    """Missing and unknown keys of one item, and values of the wrong type."""
    problems = [f"{name}: missing keys {missing}"] if (missing := sorted(set(required) - set(item))) else []
    if unknown := sorted(set(item) - set(allowed)):
        problems.append(f"{name}: unknown keys {unknown}")
    return problems + [f"{name}: {key} should be {kind.__name__}, got {type(item[key]).__name__}"
                       for key, kind in allowed.items() if key in item and not isinstance(item[key], kind)]


@pytest.mark.parametrize("list_key", list(MIN_COUNTS))
def test_items_have_required_keys_and_types(list_key):
    required = ITEM_KEYS[list_key]
    expected = {**required, **OPTIONAL_KEYS.get(list_key, {})}
    problems = []
    for index, item in enumerate(items(list_key)):
        name = label(item, index)
        if not isinstance(item, dict):
            problems.append(f"{list_key}[{index}] is not a mapping")
            continue
        problems += key_problems(name, item, required, expected)
        for key, kind in expected.items():
            if kind is str and isinstance(item.get(key), str) and not item[key].strip():
                problems.append(f"{name}: {key} is empty")
            if kind is list and isinstance(item.get(key), list):
                for value in item[key]:
                    if not isinstance(value, str) or not value.strip():
                        problems.append(f"{name}: {key} has a non-string or empty value {value!r}")
                    elif value != value.strip() or "  " in value:
                        problems.append(f"{name}: {key} value {value!r} has stray whitespace")
        title = item.get("name")
        if isinstance(title, str) and title and not (title[0].isupper() or title[0].isdigit()):
            problems.append(f"{name}: name should be in sentence case")
    fail_if(problems, f"malformed {list_key}")


@pytest.mark.parametrize("list_key,minimum", list(MIN_COUNTS.items()))
def test_minimum_counts(list_key, minimum):
    count = len(items(list_key))
    assert count >= minimum, f"{list_key}: {count} items, need at least {minimum}"


def test_body_regions_are_from_the_fixed_list():
    problems = []
    for index, item in enumerate(items("conditions")):
        regions = item.get("body_region") if isinstance(item, dict) else None
        if not isinstance(regions, list) or not regions:
            problems.append(f"{label(item, index)}: body_region must be a non-empty list")
            continue
        for region in regions:
            if region not in BODY_REGIONS:
                problems.append(f"{label(item, index)}: unknown body_region {region!r}")
        if len(set(regions)) != len(regions):
            problems.append(f"{label(item, index)}: body_region has duplicates")
    fail_if(problems, "bad body regions")


def test_technique_categories_are_known():
    problems = [
        f"{label(item, index)}: unknown category {item.get('category')!r}"
        for index, item in enumerate(items("techniques"))
        if isinstance(item, dict) and item.get("category") not in TECHNIQUE_CATEGORIES
    ]
    fail_if(problems, "bad technique categories")


def test_context_terms_are_single_lower_case_words():
    problems = []
    for index, item in enumerate(items("benefits")):
        for term in (item.get("context_terms") or []) if isinstance(item, dict) else []:
            if not isinstance(term, str) or not re.fullmatch(r"[a-z]+(-[a-z]+)*", term):
                problems.append(f"{label(item, index)}: context term {term!r} is not one lower-case word")
    fail_if(problems, "bad context terms")


@pytest.mark.parametrize("file_name,list_key", list(VOCAB_FILES.items()))
def test_every_source_resolves(file_name, list_key):
    known = source_ids(file_name)
    problems = []
    for index, item in enumerate(items(list_key)):
        source = item.get("source") if isinstance(item, dict) else None
        if not isinstance(source, str) or not (source in known or URL_RE.match(source)):
            problems.append(f"{label(item, index)}: source {source!r} is neither a sources id nor an http(s) URL")
    fail_if(problems, f"unresolved sources in {file_name}")


# ---------------------------------------------------------------- terms


def test_acronyms_are_upper_case_and_safe():
    problems = []
    for file_name, list_key in VOCAB_FILES.items():
        for index, item in enumerate(items(list_key)):
            for acronym in (item.get("acronyms") or []) if isinstance(item, dict) else []:
                if not isinstance(acronym, str) or not ACRONYM_RE.match(acronym):
                    problems.append(
                        f"{file_name}: {label(item, index)}: acronym {acronym!r} must be 2-6 upper-case characters"
                    )
                elif acronym in UNSAFE_ACRONYMS:
                    problems.append(f"{file_name}: {label(item, index)}: acronym {acronym!r} is too ambiguous")
    fail_if(problems, "bad acronyms")


def test_terms_are_unique_across_all_vocabulary_files():
    problems = []
    exact: dict[str, tuple] = {}
    loose: dict[tuple[str, ...], tuple] = {}
    for file_name, name, field, term in all_terms():
        where = (file_name, name)
        key = clean(term)
        if key in exact:
            first_file, first_name, first_field = exact[key]
            problems.append(
                f"{term!r} ({file_name}: {name}, {field}) duplicates "
                f"{first_file}: {first_name}, {first_field}"
            )
        else:
            exact[key] = (file_name, name, field)
        loose_key = normalized(term)
        if not loose_key or not PHRASE_RE.match(term):
            problems.append(f"{term!r} ({file_name}: {name}, {field}) has characters the matcher cannot match")
            continue
        if loose_key in loose and loose[loose_key][:2] != where:
            first_file, first_name, first_term = loose[loose_key]
            problems.append(
                f"{term!r} ({file_name}: {name}) matches the same text as "
                f"{first_term!r} ({first_file}: {first_name})"
            )
        loose.setdefault(loose_key, (file_name, name, term))
    fail_if(problems, "duplicate or unmatchable terms")


def test_no_overly_generic_terms():
    problems = [
        f"{file_name}: {name}: {field} {term!r} is too generic to match on its own"
        for file_name, name, field, term in all_terms()
        if field != "context_terms" and clean(term) in TOO_GENERIC
    ]
    fail_if(problems, "generic terms")


# Phrases from real clinic articles and queries, and the entry each must reach.
EXPECTED_LOOKUPS = {
    "tempomandibular joint pain": "TMJ disorder",
    "TMJ disorders": "TMJ disorder",
    "jaw clicking": "TMJ disorder",
    "iliotibial band friction syndrome": "Iliotibial band syndrome",
    "ITBS": "Iliotibial band syndrome",
    "plantar fascitis": "Plantar fasciitis",
    "carpal tunnel": "Carpal tunnel syndrome",
    "calf cramps": "Muscle cramps",
    "headaches": "Headache",
    "tendonitis": "Tendinitis",
    "lower back pain": "Low back pain",
    "backache": "Back pain",
    "sore muscles": "Muscle pain",
    "twisted ankle": "Ankle sprain",
    "gait problems": "Gait abnormality",
    "bad posture": "Poor posture",
    "postural issues": "Poor posture",
    "scar tissue adhesions": "Scar tissue",
    "neuromuscular therapy": "Neuromuscular massage therapy",
    "NMT massage": "Neuromuscular massage therapy",
    "trigger point myotherapy": "Neuromuscular massage therapy",
    "NMT": "Neuromuscular massage therapy",
    "specific exercises": "Therapeutic exercise",
    "physiotherapy": "Physical therapy",
    "spinal manipulation": "Chiropractic adjustment",
    "more flexibility": "Increased flexibility",
    "improved blood circulation": "Improved blood circulation",
    "reduces stress": "Stress reduction",
    "stress-free": "Stress reduction",
    "release tension": "Reduced muscle tension",
    "uplift your mood": "Improved mood",
    "improved energy levels": "Increased energy",
    "serotonin levels increase": "Improved dopamine and serotonin levels",
    "without any need for medications": "Drug-free pain management",
    "alleviation of muscle pain": "Pain relief",
    "non-invasive": "Non-invasive treatment",
}


def test_key_phrases_reach_the_expected_entry():
    index = {}
    for _file, name, _field, term in all_terms():
        index.setdefault(clean(term), name)
    problems = [
        f"{phrase!r} -> {index.get(clean(phrase))!r}, expected {expected!r}"
        for phrase, expected in EXPECTED_LOOKUPS.items()
        if index.get(clean(phrase)) != expected
    ]
    fail_if(problems, "key phrases mapped wrongly")


# ---------------------------------------------------------------- ICD-10-CM


@pytest.fixture(scope="module")
def icd():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as cm
    return cm


def test_icd10_codes_are_valid_and_titles_exact(icd):
    problems = []
    for index, item in enumerate(items("conditions")):
        name = label(item, index)
        code, title = item.get("icd10"), item.get("icd10_title")
        if not isinstance(code, str) or not icd.is_valid_item(code):
            problems.append(f"{name}: {code!r} is not a valid ICD-10-CM code")
            continue
        if icd.is_chapter_or_block(code):
            problems.append(f"{name}: {code!r} is a chapter or block, not a code")
            continue
        actual = icd.get_description(code)
        if title != actual:
            problems.append(f"{name}: icd10_title for {code} should be {actual!r}, got {title!r}")
    fail_if(problems, "bad ICD-10-CM codes")


# ---------------------------------------------------------------- red flags


def red_flags() -> list:
    value = load(RED_FLAGS_FILE).get("red_flags")
    assert isinstance(value, list) and value, f"{RED_FLAGS_FILE}: 'red_flags' must be a non-empty list"
    return value


def test_red_flags_are_well_formed():
    known = source_ids(RED_FLAGS_FILE)
    problems, seen_ids, seen_patterns = [], set(), {}
    for index, flag in enumerate(red_flags()):
        name = label(flag, index)
        if not isinstance(flag, dict):
            problems.append(f"red_flags[{index}] is not a mapping")
            continue
        problems += key_problems(name, flag, RED_FLAG_KEYS, RED_FLAG_KEYS)
        flag_id = flag.get("id")
        if not isinstance(flag_id, str) or not RED_FLAG_ID_RE.match(flag_id):
            problems.append(f"{name}: id must be lower-case words joined by hyphens")
        elif flag_id in seen_ids:
            problems.append(f"{name}: duplicate id")
        seen_ids.add(flag_id)
        patterns = flag.get("patterns")
        if not isinstance(patterns, list) or not patterns:
            problems.append(f"{name}: patterns must be a non-empty list")
            patterns = []
        for field in ("patterns", "requires_any"):
            for phrase in flag.get(field) or []:
                if not isinstance(phrase, str) or not phrase.strip():
                    problems.append(f"{name}: {field} has an empty or non-string value {phrase!r}")
                elif phrase != phrase.lower() or phrase != phrase.strip():
                    problems.append(f"{name}: {field} value {phrase!r} must be lower case and trimmed")
        for phrase in patterns:
            if isinstance(phrase, str):
                if phrase in seen_patterns:
                    problems.append(f"{name}: pattern {phrase!r} already used by {seen_patterns[phrase]}")
                seen_patterns.setdefault(phrase, name)
        source = flag.get("source")
        if not isinstance(source, str) or not (source in known or URL_RE.match(source)):
            problems.append(f"{name}: source {source!r} is neither a sources id nor an http(s) URL")
    fail_if(problems, "malformed red flags")


def test_red_flag_messages_give_an_emergency_number():
    problems = []
    for index, flag in enumerate(red_flags()):
        message = flag.get("message") if isinstance(flag, dict) else None
        if not isinstance(message, str) or not message.strip():
            problems.append(f"{label(flag, index)}: message is empty")
        elif "{emergency}" not in message:
            problems.append(f"{label(flag, index)}: message must give {{emergency}}, the country's emergency number")
    suicide = [f for f in red_flags() if isinstance(f, dict) and f.get("id") == "suicidal-thoughts"]
    if suicide and "{crisis}" not in str(suicide[0].get("message")):
        problems.append("suicidal-thoughts: message must give {crisis}, the country's crisis line")
    fail_if(problems, "red flag messages without an emergency number")


def test_required_red_flags_are_present():
    ids = {f.get("id") for f in red_flags() if isinstance(f, dict)}
    missing = sorted(REQUIRED_RED_FLAGS - ids)
    assert not missing, f"missing red flags: {missing}"


def test_the_shipped_condition_lexicon_is_what_the_code_set_gives(icd) -> None:
    """kb/data/icd10cm_lexicon.txt is built by scripts/build_condition_lexicon.py: every line's code is valid and
    the file is exactly what the script makes from the installed code set."""
    import importlib.util

    script = Path(__file__).resolve().parents[2] / "scripts" / "build_condition_lexicon.py"
    spec = importlib.util.spec_from_file_location("build_condition_lexicon", script)
    assert spec is not None and spec.loader is not None
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    lines = [line.split("\t") for line in (DATA_DIR / "icd10cm_lexicon.txt").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    assert [code for code, _ in lines if not icd.is_valid_item(code)] == []
    built = sorted(builder.lexicon().values(), key=lambda r: (r[1].lower(), r[0]))
    assert [tuple(line) for line in lines] == built
