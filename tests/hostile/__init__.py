"""Hostile and broken input files, written at test time into a temporary folder (nothing large is committed).

`write_corpus(root)` writes the files and returns what ingest must do with each: a `Expect` per path relative to
`root`, either parsed as an article or skipped with a reason containing some text.
"""

from __future__ import annotations

import os
import random
import zlib
from dataclasses import dataclass
from pathlib import Path

ARTICLE = (
    "Sciatica is pain that travels along the sciatic nerve, from the lower back through the hip and down the leg. "
    "Our therapists use deep tissue massage and gentle stretching to ease muscle tension around the nerve. "
    "Most patients notice less pain and better sleep after a few weekly sessions, and we teach simple exercises "
    "for home so the relief lasts between visits."
)


@dataclass(frozen=True)
class Expect:
    """What ingest must do with one file: parse it, skip it (reason containing `reason`), or either."""

    outcome: str  # "parsed", "skipped" or "either"
    reason: str = ""
    note: str = ""


def page(title: str, body_html: str, head: str = "") -> str:
    """A plain article page."""
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>{head}</head>"
            f"<body><main><article><h1>{title}</h1>{body_html}</article></main></body></html>")


def write_corpus(root: Path, huge_mb: int = 50) -> dict[str, Expect]:
    """Write the hostile corpus under `root`; returns the expected outcome per relative path."""
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(6)
    expect: dict[str, Expect] = {}
    count = iter(range(1, 1000))

    def text() -> str:
        # Each file's text differs, so no paragraph repeats across pages (repeated blocks count as furniture).
        return f"{ARTICLE} This is note number {next(count)} in the collection."

    def put(rel: str, data: bytes | str, want: Expect) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expect[rel] = want

    # A control: an ordinary article must still be read among all of this.
    put("ok/plain-sciatica.html", page("Sciatica relief", f"<p>{text()}</p>"), Expect("parsed"))

    # Binary, empty and blank files.
    put("binary.html", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(4096)),
        Expect("skipped", "binary"))
    put("gzipped.html", zlib.compress(page("Zipped", f"<p>{text()}</p>").encode() * 20, 9),
        Expect("skipped"))  # "binary" or "could not detect the text encoding"
    put("zero.html", b"", Expect("skipped", "empty file"))
    put("blank.md", b"  \n\n\t\n", Expect("skipped", "empty file"))
    put("control-chars.txt", bytes(rng.choice(b"\x01\x02\x03\x04\x05\x06abc ") for _ in range(3000)),
        Expect("skipped", "binary"))
    put("bom-only.txt", b"\xef\xbb\xbf", Expect("skipped"))

    # A 50 MB page: refused by size before it is read.
    with open(root / "huge.html", "wb") as handle:
        handle.write(b"<!doctype html><html><body><main>")
        block = f"<p>{text()}</p>\n".encode() * 256
        while handle.tell() < huge_mb * 1024 * 1024:
            handle.write(block)
        handle.write(b"</main></body></html>")
    expect["huge.html"] = Expect("skipped", "MB limit")

    # Deep nesting: closed, unclosed, tables, Markdown quotes; and a moderately deep page that is fine.
    deep = 100_000
    put("deep-divs.html", page("Deep", "<div>" * deep + f"<p>{text()}</p>" + "</div>" * deep),
        Expect("skipped", "nested too deeply"))
    put("deep-unclosed.html", page("Unclosed", "<div><span><b>" * 20_000 + f"<p>{text()}</p>"),
        Expect("skipped", "nested too deeply"))
    put("deep-tables.html", page("Tables", "<table><tr><td>" * 5_000 + f"<p>{text()}</p>"),
        Expect("skipped", "nested too deeply"))
    put("deep-quotes.md", "> " * 5_000 + text(), Expect("skipped", "nested too deeply"))
    put("deep-html-in.md", "# Deep\n\n" + "<div>" * 5_000 + text() + "</div>" * 5_000,
        Expect("skipped", "nested too deeply"))
    put("nested-100.html", page("Sciatica, nested", "<div>" * 100 + f"<p>{text()}</p>" + "</div>" * 100),
        Expect("parsed"))

    # Encodings: invalid UTF-8, wrong or hostile declared charsets, UTF-16 with a BOM, NULs past the sniffed head.
    put("invalid-utf8.html", page("Sciatica notes", f"<p>{text()} Bad bytes: ").encode()
        + b"\xff\xfe\x80\xc3\x28 caf\xe9</p></body></html>", Expect("parsed"))
    put("declares-utf16.html",
        page("Caf\xe9 sciatica", f"<p>{text()} Caf\xe9.</p>", '<meta http-equiv="content-type" '
             'content="text/html; charset=utf-16">').replace('<meta charset="utf-8">', "").encode("cp1252"),
        Expect("parsed"))
    put("declares-base64.html",
        page("Caf\xe9 sciatica", f"<p>{text()} Caf\xe9.</p>").replace('charset="utf-8"', 'charset="base64"')
        .encode("cp1252"), Expect("parsed"))
    put("declares-bogus.html",
        page("Caf\xe9 sciatica", f"<p>{text()} Caf\xe9.</p>").replace('charset="utf-8"', 'charset="no-such-set"')
        .encode("cp1252"), Expect("parsed"))
    put("declares-latin1-is-utf8.html",
        page("Caf\xe9 sciatica", f"<p>{text()} Caf\xe9.</p>").replace('charset="utf-8"', 'charset="iso-8859-1"'),
        Expect("parsed"))
    put("utf16-bom.txt", "\ufeffSciatica\n\n".encode("utf-16-le") + text().encode("utf-16-le"), Expect("parsed"))
    put("nul-after-head.txt", ("Sciatica\n\n" + text() + "\n\n") * 40 + "\x00\x00 tail", Expect("parsed"))

    # Markup oddities: script-heavy page, huge attribute, only markup, PHP, YAML bomb and broken front matter.
    put("script-heavy.html", page("Sciatica with scripts", "<script>" + "var x = 1;\n" * 100_000 + "</script>"
                                  f"<p>{text()}</p>"), Expect("parsed"))
    put("huge-attribute.html", page("Sciatica attribute", f'<p data-x="{"a" * 1_000_000}">{text()}</p>'),
        Expect("parsed"))
    put("only-markup.html", page("", "<div><span></span></div>" * 1_000), Expect("skipped", "no text"))
    put("template.php", "<?php include 'header.php'; ?>" + page("Sciatica PHP", f"<p>{text()}</p>"),
        Expect("parsed"))
    bomb = "---\n" + "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ) + "title: *i\n---\n" + text()
    put("yaml-bomb.md", bomb, Expect("skipped", "front matter"))
    put("bad-front-matter.md", "---\ntitle: [unclosed\n---\n" + text(), Expect("skipped", "front matter"))
    put("jsonld-surrogate.html", page("Sciatica clinic", f"<p>{text()}</p>", '<script type="application/ld+json">'
                                      '{"@type": "MedicalClinic", "name": "Bad \\ud800 Clinic", '
                                      '"telephone": "(425) 555-0100"}</script>'), Expect("parsed"))
    put("yaml-surrogate.md", '---\ntitle: "Sciatica \\ud800 notes"\n---\n' + text(), Expect("parsed"))
    put("long-word.txt", "Sciatica\n\n" + text() + " " + "x" * 100_000, Expect("either"))

    # A file name that is not UTF-8 (kept by the OS as bytes).
    name = os.fsdecode(b"caf\xe9-sciatica.html")
    (root / name).write_text(page("Sciatica, odd name", f"<p>{text()}</p>"), encoding="utf-8")
    expect["caf\ufffd-sciatica.html"] = Expect("parsed")

    # Files that can't be read: a FIFO (reading it would block), a device, dangling and looping links, no access.
    os.mkfifo(root / "fifo.html")
    expect["fifo.html"] = Expect("skipped", "not a regular file")
    if os.path.exists("/dev/zero"):
        os.symlink("/dev/zero", root / "device.html")
        expect["device.html"] = Expect("skipped", "not a regular file")
    os.symlink(root / "no-such-target.html", root / "dangling.html")
    expect["dangling.html"] = Expect("skipped", "unreadable")
    os.symlink(root / "loop-b.html", root / "loop-a.html")
    os.symlink(root / "loop-a.html", root / "loop-b.html")
    expect["loop-a.html"] = Expect("skipped", "unreadable")
    expect["loop-b.html"] = Expect("skipped", "unreadable")
    put("no-access.html", page("Sciatica locked", f"<p>{text()}</p>"),
        Expect("either", note="root reads files whatever their mode; others get 'Permission denied'"))
    os.chmod(root / "no-access.html", 0)

    # Folder links: a loop back to the root, and a folder named like an article (walked, its article read).
    os.symlink("..", root / "ok" / "back-to-root")
    put("folder.html/inside-sciatica.html", page("Sciatica in a folder", f"<p>{text()}</p>"), Expect("parsed"))
    return expect
