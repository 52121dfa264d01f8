"""Build kb/data/icd10cm_lexicon.txt, the second condition lexicon, from the ICD-10-CM code set (simple-icd-10-cm).

    .venv/bin/python scripts/build_condition_lexicon.py [OUT]

Each line is `code<TAB>phrase`: a code's title or inclusion term that reads as a name a clinic's page would use
("Migraine", "Kyphosis", "Hay fever"), cleaned ("NOS", ", unspecified" dropped), "X and Y" titles split, and British
spellings added ("goitre", "oedema"). Chapters of diseases and symptoms only (A-N, Q, R): injuries, external causes,
pregnancy care and health-status codes are phrased as billing lines, not names. Run again when the code set changes;
tests/unit/test_condition_lexicon.py checks the shipped file against the code set.
"""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

with warnings.catch_warnings():  # the library reads its data with importlib.resources.read_text (deprecated)
    warnings.simplefilter("ignore", DeprecationWarning)
    import simple_icd_10_cm as cm

OUT = Path(__file__).resolve().parent.parent / "kb" / "data" / "icd10cm_lexicon.txt"
CHAPTER_LETTERS = "ABEFGHIJKLMNQR"
MAX_WORDS = 4
# Words that make a title a billing line rather than a name a page would use.
BILLING_WORDS = re.compile(
    r"\b(other|unspecified|specified|without|with|due|nec|nos|classified|type|history|encounter|stage|maternal|"
    r"newborn|fetus|fetal|sequela|initial|subsequent|complicating|unilateral|bilateral|left|right|elsewhere|following|"
    r"affecting|involving|site|multiple|region|unknown|status|presence|long|term|use|abnormal|abnormality|findings|"
    r"associated|resulting|secondary|primary|personal|family|screening|symptoms|signs|tests|test|result|results|"
    r"poisoning|underdosing|adverse|effect|effects|exposure|contact|code|codes|category|part|parts|organ|organs|"
    r"localized|generalized|mild|moderate|severe|deficiency|disorders|diseases|conditions)\b", re.IGNORECASE)
# Single words that name no particular condition.
GENERIC = {"pain", "disease", "disorder", "injury", "syndrome", "illness", "condition", "infection", "lesion",
           "fall", "falls", "cyst", "mass", "lump", "shock", "stress", "fever", "tension", "weakness", "malaise",
           "debility", "transgender", "nervousness", "unhappiness", "anger", "worries", "crying", "senility", "death",
           "complication", "complications", "abscess", "ulcer", "tumor", "tumour", "neoplasm", "growth", "carrier",
           # words of anatomy or ordinary English that a code set lists on their own
           "acts", "attention", "behavior", "breaks", "cheek", "collapse", "combat", "deposits", "dissection",
           "excess", "falling", "femur", "fibula", "fingers", "foot", "infestation", "insufficiency", "malleus",
           "needles", "obstruction", "opacity", "opacities", "pelvis", "phalanges", "pins", "radius", "rupture",
           "scar", "sinus", "strands", "trauma", "ulna", "urge", "voice", "worms", "toes", "trance", "senescence",
           "sighing", "slowness", "loneliness", "hostility", "suspiciousness", "atrophy", "overactivity", "flushing",
           "confusion", "agitation", "frailty", "cloaca", "lichen", "spasm", "cramp", "itch", "excessive",
           "stroke", "acute", "chronic", "benign", "simple", "recurrent", "subacute", "pelvic", "infantile",
           "juvenile", "hereditary", "congenital"}  # "long strokes" in every massage page; adjectives
# Names of a whole body system or organ's troubles ("Nervous system disorder", "Disease of pancreas"): too vague to
# say what a page treats.
VAGUE = re.compile(r"^(?:disorder|disease|disorders|diseases|dysfunction|anomaly|anomalies)\b|\bsystem\b",
                   re.IGNORECASE)
GENERIC_PHRASES = {"acute pain", "generalized pain", "pain in limb", "nerve root"}
# Single words that are adjectives ("Acute", "Benign", "Allergic"): a title's first word, not a name.
ADJECTIVE = re.compile(r"(?:al|ic|ive|ous|ed|ile|ary|ent|ant|ar|ple|ign|ory|less)$", re.IGNORECASE)
UK_SPELLINGS = ((r"\bgoiter\b", "goitre"), (r"\bedema\b", "oedema"), (r"orrhea\b", "orrhoea"),
                (r"\banemia\b", "anaemia"), (r"\bhem(at|or)", r"haem\1"), (r"\besophag", "oesophag"),
                (r"\bleukemia\b", "leukaemia"),
                (r"\bdiarrhea\b", "diarrhoea"), (r"\bpediatric", "paediatric"),
                (r"\bfiber\b", "fibre"), (r"\btumor\b", "tumour"), (r"\bcenter\b", "centre"),
                (r"\blymphedema\b", "lymphoedema"), (r"\bdyspnea\b", "dyspnoea"), (r"\bapnea\b", "apnoea"))


def clean(phrase: str) -> str:
    """A title without 'NOS' and a trailing ', unspecified'."""
    phrase = re.sub(r"\s+NOS\b", "", phrase).strip()
    return re.sub(r",?\s*(unspecified|not elsewhere classified)$", "", phrase, flags=re.IGNORECASE).strip()


def split_and(phrase: str) -> list[str]:
    """'Kyphosis and lordosis' → both; 'Sprain of ankle and foot' stays whole (its 'and' joins places)."""
    # "Nerve root and plexus disorders": the last word is shared, so no part is a name alone
    if " and " in phrase and not re.search(r"\b(of|in|to|from|by|at|on)\b|(?:disorders|diseases|lesions)$", phrase):
        parts = phrase.split(" and ")
        if all(1 <= len(p.split()) <= 3 for p in parts):
            return parts
    return [phrase]


def variants(phrase: str) -> list[str]:
    """The phrase and its British spelling, when it differs."""
    uk = phrase
    for pattern, repl in UK_SPELLINGS:
        uk = re.sub(pattern, repl, uk, flags=re.IGNORECASE)
    return [phrase] if uk == phrase else [phrase, uk]


def reads_as_name(phrase: str) -> bool:
    """Letters only, a few words, no billing words, not one generic word."""
    words = phrase.split()
    if VAGUE.search(phrase) or phrase.lower() in GENERIC_PHRASES:
        return False
    return (bool(re.fullmatch(r"[A-Za-z][A-Za-z' -]*[A-Za-z]", phrase)) and len(words) <= MAX_WORDS
            and not BILLING_WORDS.search(phrase) and len(phrase) >= 4
            and not (len(words) == 1 and (phrase.lower() in GENERIC or ADJECTIVE.search(phrase) or phrase.isupper())))


def lexicon() -> dict[str, tuple[str, str]]:
    """Lower-cased phrase → (code, phrase as the code set writes it, first letter capitalised)."""
    out: dict[str, tuple[str, str]] = {}
    for code in cm.get_all_codes(True):
        if code[0] not in CHAPTER_LETTERS or cm.is_chapter_or_block(code) or cm.is_extended_subcategory(code):
            continue
        for raw in [cm.get_description(code), *cm.get_inclusion_term(code)]:
            for part in split_and(clean(raw)):
                part = part.strip()
                if not reads_as_name(part):
                    continue
                for phrase in variants(part):
                    out.setdefault(phrase.lower(), (code, phrase[:1].upper() + phrase[1:]))
    return out


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    rows = sorted(lexicon().values(), key=lambda r: (r[1].lower(), r[0]))
    header = ("# Second condition lexicon: ICD-10-CM titles and inclusion terms that read as names.\n"
              "# Built by scripts/build_condition_lexicon.py from simple-icd-10-cm; do not edit by hand.\n")
    out.write_text(header + "".join(f"{code}\t{phrase}\n" for code, phrase in rows), encoding="utf-8")
    print(f"{len(rows)} phrases -> {out}")


if __name__ == "__main__":
    main()
