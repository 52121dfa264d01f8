"""A deterministic corpus of synthetic clinic articles: HTML pages with page furniture, and scraped plain text.

Every article is generated from its own seeded random stream, so the first 1,000 articles of the 10k corpus are the
1k corpus, and two runs write byte-identical files. Names of conditions, techniques and benefits come from kb's own
vocabulary; the rest of the prose is English function words and a Zipf-distributed vocabulary of 3,000 words (real
clinic words at the top ranks, made-up words in the tail). Clinics are fictional, their phones in 555-01XX.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from kb.vocabulary import Term, Vocabulary

SEED = 20240607
N_CLINICS = 300
VOCAB_SIZE = 3000
ZIPF_S = 1.07
HTML_SHARE = 0.75  # the rest are scraped plain text
MIN_WORDS, MAX_WORDS = 80, 250  # of main content

FUNCTION_WORDS = ("the", "a", "and", "of", "to", "in", "is", "for", "with", "that", "your", "it", "on", "can", "be",
                  "as", "are", "this", "or", "we", "from", "by", "at", "an", "our", "you", "more", "most", "after",
                  "when", "which", "many", "also", "often", "each", "their", "into", "during")
_COMMON_TEXT = (
    "pain muscle session treatment therapy body relief patient tension stiffness posture stretch movement "
    "joint tissue pressure recovery exercise strength mobility injury comfort balance circulation spine back "
    "neck shoulder hip knee foot hand arm leg jaw head therapist clinic appointment visit week month day "
    "program plan assessment history symptom goal result habit routine work desk chair sleep stress energy "
    "breathing heat ice massage technique hands gentle deep slow light firm area layer fascia nerve blood "
    "flow range motion bend lift walk run sport athlete office worker parent child adult senior pregnancy "
    "care health wellness lifestyle support guidance advice question answer insurance booking schedule time "
    "minute hour course series follow progress change improvement benefit effect response feeling sensation "
    "warmth release knot trigger point ache soreness swelling inflammation healing repair scar surgery "
    "doctor referral physician team experience training certification registered licensed professional "
    "home exercises stretches pillow mattress footwear keyboard screen phone driving lifting gardening "
    "running cycling swimming yoga pilates walking standing sitting kneeling reaching twisting"
)
COMMON_WORDS = tuple(_COMMON_TEXT.split())
_ONSETS = ("b", "br", "c", "cr", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "l", "m", "n", "p", "pl", "r",
           "s", "st", "t", "tr", "v", "w", "z")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "io", "ou")
_CODAS = ("", "l", "n", "r", "s", "t", "m", "nd", "rt", "st", "x")
_PLACE_A = ("Alder", "Birch", "Cedar", "Harbour", "Maple", "Willow", "Summit", "Riverside", "Lakeview", "Pine",
            "Oak", "Elm", "Aspen", "Juniper", "Sage", "Stone", "Granite", "Meadow", "Brook", "Fern")
_PLACE_B = ("Creek", "Ridge", "Point", "Valley", "Park", "Hill", "Bay", "Grove", "Crossing", "Heights", "Landing",
            "Commons", "Gate", "Field", "Harbor")
_CLINIC_TYPES = ("Massage Therapy", "Chiropractic", "Physiotherapy", "Wellness Centre", "Acupuncture Clinic",
                 "Sports Therapy", "Health Clinic")
_CITIES = (("Seattle", "WA", "206", "981"), ("Tacoma", "WA", "253", "984"), ("Everett", "WA", "425", "982"),
           ("Spokane", "WA", "509", "992"), ("Portland", "OR", "503", "972"), ("Eugene", "OR", "541", "974"),
           ("Boise", "ID", "208", "837"), ("Denver", "CO", "303", "802"), ("Austin", "TX", "512", "787"),
           ("Madison", "WI", "608", "537"))
_STREETS = ("Main St", "Oak Ave", "Pine St", "Lake Rd", "Market St", "Park Blvd", "Hill Rd", "2nd Ave", "Elm St",
            "Harbor Way")
_HEADINGS = ("What to expect", "How it works", "Why patients choose us", "Our approach", "Before your first visit",
             "After your session", "Frequently asked questions", "What the research says", "Who can benefit",
             "When to see a professional")


@dataclass(frozen=True)
class Clinic:
    """A fictional clinic: name, site, address and a 555-01XX phone."""

    name: str
    domain: str
    street: str
    city: str
    state: str
    zip: str
    phone: str

    @property
    def address(self) -> str:
        return f"{self.street}, {self.city}, {self.state} {self.zip}"


@dataclass
class Article:
    """One generated article: its file name, text, and what it is about (for building queries)."""

    name: str
    text: str
    main_text: str  # title and main content as plain text (the peers' one-document-per-article workload)
    clinic: Clinic
    technique: Term
    conditions: list[Term]
    benefits: list[Term]


class Corpus:
    """The generator: clinics, filler vocabulary and Zipf weights are drawn once from the seed."""

    def __init__(self, vocab: Vocabulary, seed: int = SEED):
        self.seed = seed
        rng = random.Random(seed)
        self.techniques = [t for t in vocab.terms if t.kind == "technique"]
        self.conditions = [t for t in vocab.terms if t.kind == "condition"]
        self.benefits = [t for t in vocab.terms if t.kind == "benefit"]
        for terms in (self.techniques, self.conditions, self.benefits):
            rng.shuffle(terms)  # which terms are popular is part of the seed, not the YAML order
        self.words = _filler_words(rng, VOCAB_SIZE)
        self.clinics = _clinics(rng, N_CLINICS)

    @cached_property
    def word_weights(self) -> list[float]:
        return zipf_weights(len(self.words))

    def article(self, i: int) -> Article:
        """Article number `i` (independent of every other article)."""
        rng = random.Random(self.seed * 1_000_003 + i)
        # Half the articles come from a few prolific clinics (Pareto), half from any clinic.
        busy = rng.random() < 0.5
        pick = int(rng.paretovariate(1.2)) - 1 if busy else rng.randrange(len(self.clinics))
        clinic = self.clinics[min(pick, len(self.clinics) - 1)]
        technique = _zipf_pick(rng, self.techniques)
        conditions = _distinct(rng, self.conditions, rng.randint(1, 4))
        benefits = _distinct(rng, self.benefits, rng.randint(2, 4))
        body = self._body(rng, clinic, technique, conditions, benefits)
        title = rng.choice((
            f"{technique.name} for {conditions[0].name}: What to Expect",
            f"How {technique.name} Can Help With {conditions[0].name}",
            f"{conditions[0].name} Treatment in {clinic.city}",
            f"{technique.name} at {clinic.name}",
        ))
        is_html = rng.random() < HTML_SHARE
        slug = "-".join(title.lower().replace(":", "").split()[:6])
        name = f"{clinic.domain.split('.')[1]}/{i:06d}-{slug}.{'html' if is_html else 'txt'}"
        text = _html(rng, title, clinic, body, i) if is_html else _text(rng, title, clinic, body)
        main_text = "\n".join([title, *(x for heading, ps, items in body for x in (heading, *ps, *items) if x)])
        return Article(name, text, main_text, clinic, technique, conditions, benefits)

    def _sentence(self, rng: random.Random, lo: int = 7, hi: int = 16) -> str:
        n = rng.randint(lo, hi)
        words = [rng.choice(FUNCTION_WORDS) if rng.random() < 0.4 else
                 rng.choices(self.words, cum_weights=self.word_weights)[0] for _ in range(n)]
        return " ".join(words).capitalize() + "."

    def _body(self, rng: random.Random, clinic: Clinic, technique: Term, conditions: list[Term],
              benefits: list[Term]) -> list[tuple[str, list[str], list[str]]]:
        """Sections as (heading, paragraphs, list items); 80–250 words in all."""
        target = rng.randint(MIN_WORDS, MAX_WORDS)
        tech, cond = _mention(rng, technique), _mention(rng, conditions[0])
        sections: list[tuple[str, list[str], list[str]]] = [("", [
            f"Many patients with {cond.lower()} ask whether {tech.lower()} can help. " + self._sentence(rng),
            f"{conditions[0].name} is a common problem, and our therapists use {tech.lower()} to treat it. "
            + self._sentence(rng),
        ], [])]
        sections.append((f"Benefits of {technique.name}", [
            f"Patients who receive {tech.lower()} often report these benefits:"],
            [_mention(rng, b) for b in benefits]))
        if len(conditions) > 1:
            sections.append(("Conditions we treat", ["We treat patients with conditions such as:"],
                             [_mention(rng, c) for c in conditions]))
        words = sum(len(p.split()) for _, ps, items in sections for p in [*ps, *items])
        while words < target:
            paragraph = " ".join(self._sentence(rng) for _ in range(rng.randint(1, 3)))
            sections.append((rng.choice(_HEADINGS), [paragraph], []))
            words += len(paragraph.split())
        sections.append(("Book a visit", [
            f"Call {clinic.name} at {clinic.phone} to book {tech.lower()} for {cond.lower()}."], []))
        return sections


def zipf_weights(n: int, s: float = ZIPF_S) -> list[float]:
    """Cumulative weights of ranks 1..n under Zipf's law with exponent `s` (for random.choices)."""
    total, out = 0.0, []
    for rank in range(1, n + 1):
        total += 1.0 / rank**s
        out.append(total)
    return out


def _zipf_pick(rng: random.Random, items: list[Term]) -> Term:
    return rng.choices(items, cum_weights=zipf_weights(len(items), 0.9))[0]


def _distinct(rng: random.Random, items: list[Term], n: int) -> list[Term]:
    out: list[Term] = []
    while len(out) < n:
        item = _zipf_pick(rng, items)
        if item not in out:
            out.append(item)
    return out


def _mention(rng: random.Random, term: Term) -> str:
    """How an article names a term: mostly its name, sometimes an alias (kb must merge them)."""
    if term.aliases and rng.random() < 0.3:
        return rng.choice(term.aliases).capitalize()
    return term.name


def _filler_words(rng: random.Random, n: int) -> list[str]:
    words = list(dict.fromkeys(COMMON_WORDS))
    seen = set(words) | set(FUNCTION_WORDS)
    while len(words) < n:
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(1, 3)))
        word += rng.choice(_CODAS)
        if len(word) >= 4 and word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _clinics(rng: random.Random, n: int) -> list[Clinic]:
    names = [f"{a} {b}" for a in _PLACE_A for b in _PLACE_B]
    rng.shuffle(names)
    out = []
    for i in range(n):
        place = names[i % len(names)]
        kind = _CLINIC_TYPES[(i // len(names) + i) % len(_CLINIC_TYPES)]
        city, state, area, zip3 = _CITIES[i % len(_CITIES)]
        name = f"{place} {kind}"
        domain = "www." + name.lower().replace(" ", "") + ".example.com"
        street = f"{rng.randint(10, 9999)} {rng.choice(_STREETS)}"
        out.append(Clinic(name, domain, street, city, state, f"{zip3}{rng.randint(10, 99)}",
                          f"({area}) 555-01{i % 100:02d}"))
    return out


_STYLE = "".join(f".c{i}{{margin:{i}px;padding:{i % 7}px;color:#{i * 997 % 4096:03x}}}" for i in range(120))
_SCRIPT = ("window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('js',new Date());"
           + "".join(f"var w{i}=document.querySelectorAll('.c{i}');for(var j=0;j<w{i}.length;j++){{w{i}[j]"
                     f".classList.add('ready');}}" for i in range(60)))
_MENU = ("Home", "About", "Our Team", "Services", "Massage Therapy", "Chiropractic", "Physiotherapy", "Acupuncture",
         "Conditions", "Pricing", "Insurance", "Gift Cards", "Blog", "FAQ", "Careers", "Contact", "Book Online")


def _html(rng: random.Random, title: str, clinic: Clinic, body: list[tuple[str, list[str], list[str]]],
          i: int) -> str:
    e = html.escape
    url = f"https://{clinic.domain}/blog/{i:06d}/"
    menu = "".join(f'<li class="menu-item"><a href="/{m.lower().replace(" ", "-")}/">{e(m)}</a></li>' for m in _MENU)
    main = [f"<h1>{e(title)}</h1>", f'<p class="entry-meta">Posted in Blog by {e(clinic.name)}</p>']
    for heading, paragraphs, items in body:
        if heading:
            main.append(f"<h2>{e(heading)}</h2>")
        main += [f"<p>{e(p)}</p>" for p in paragraphs]
        if items:
            main.append("<ul>" + "".join(f"<li>{e(item)}</li>" for item in items) + "</ul>")
    related = "".join(f'<li><a href="/blog/{rng.randint(0, 99999):06d}/">Related post {n}</a></li>' for n in range(5))
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} | {e(clinic.name)}</title>
<link rel="canonical" href="{url}">
<meta property="og:type" content="article">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="{e(clinic.name)}">
<meta property="og:title" content="{e(title)}">
<link rel="stylesheet" href="/wp-content/themes/clinic/style.min.css?ver=3.2.1">
<style>{_STYLE}</style>
<script async src="https://analytics.example.com/gtag/js?id=G-EXAMPLE"></script>
<script>{_SCRIPT}</script>
</head>
<body class="post-template-default single single-post">
<div id="cookie-notice" class="cookie-banner" role="dialog">We use cookies to improve your experience.
<a href="/privacy-policy/">Privacy Policy</a> <button>Accept</button></div>
<header class="site-header"><div class="topbar">Call {e(clinic.phone)} | <a href="/book/">Book online</a></div>
<a class="logo" href="/"><img src="/logo.png" alt="{e(clinic.name)}"></a>
<nav class="main-navigation" role="navigation"><ul class="mega-menu">{menu}</ul></nav></header>
<div class="breadcrumbs"><a href="/">Home</a> » <a href="/blog/">Blog</a> » {e(title)}</div>
<div class="content-wrap">
<main id="main"><article class="post"><div class="entry-content">
{chr(10).join(main)}
</div>
<div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Tweet</a> <a href="#">Pin it</a></div>
</article></main>
<aside class="sidebar" role="complementary"><h3>Related posts</h3><ul class="related-posts">{related}</ul>
<form class="search-form"><input type="search" name="s"><button>Search</button></form></aside>
</div>
<footer class="site-footer" role="contentinfo">
<p><strong>{e(clinic.name)}</strong><br>{e(clinic.street)}<br>{e(clinic.city)}, {clinic.state} {clinic.zip}</p>
<p>Phone: <a href="tel:{clinic.phone}">{e(clinic.phone)}</a></p>
<p>Hours: Mon-Fri 9am-7pm, Sat 10am-4pm</p>
<p>&copy; 2024 {e(clinic.name)}. All rights reserved.</p>
</footer>
<script>document.querySelectorAll('.menu-item').forEach(function(m){{m.addEventListener('click',function(){{}});}});
</script>
</body>
</html>
"""


def _text(rng: random.Random, title: str, clinic: Clinic, body: list[tuple[str, list[str], list[str]]]) -> str:
    lines = [title, "", "Skip to content", "", f"Home » Blog » {title}", ""]
    for heading, paragraphs, items in body:
        if heading:
            lines += [heading, ""]
        for p in paragraphs:
            lines += [p, ""]
        for item in items:
            lines += [f"• {item}", ""]
    lines += ["Share this:", "", "Related Posts", "", f"Related post {rng.randint(0, 999)}", "",
              f"{clinic.name}", f"{clinic.address}", f"Phone: {clinic.phone}", ""]
    return "\n".join(lines)


def write_corpus(corpus: Corpus, size: int, root: Path) -> list[Article]:
    """Write articles 0..size-1 under `root` (one folder per clinic site); returns them without re-reading."""
    articles = []
    for i in range(size):
        article = corpus.article(i)
        file = root / article.name
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(article.text, encoding="utf-8")
        article.text = ""  # the file holds it; keep memory flat at 100k
        articles.append(article)
    return articles
