"""Bytes to text: BOM, then valid UTF-8, then the declared charset, then detection (charset-normalizer)."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes


class UndecodableError(ValueError):
    """The bytes are not text in any encoding kb can tell."""


_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w:.-]+)""",
    re.IGNORECASE,
)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Browsers decode these labels as windows-1252; so do we (curly quotes in "latin-1" pages are common).
_WHATWG_ALIASES = {"iso-8859-1": "windows-1252", "latin1": "windows-1252", "latin-1": "windows-1252",
                   "us-ascii": "windows-1252", "ascii": "windows-1252", "iso8859-1": "windows-1252"}


# A page can't declare these in its own bytes (browsers ignore such a meta tag), and UTF-7 is an XSS vector.
_IGNORED_DECLARATIONS = {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "utf-7"}


def declared_charset(data: bytes) -> str | None:
    """The text encoding a page declares in a meta tag or XML declaration, if any and if Python knows it."""
    m = _DECLARED.search(data[:4096])
    if not m:
        return None
    label = (m.group(1) or m.group(2)).decode("ascii", "ignore").lower()
    label = _WHATWG_ALIASES.get(label, label)
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    # Python also has bytes-to-bytes codecs ("base64", "zlib", "rot13") that bytes.decode refuses.
    if not getattr(info, "_is_text_encoding", True) or info.name in _IGNORED_DECLARATIONS:
        return None
    return info.name


_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])


def looks_binary(data: bytes) -> bool:
    """True for bytes with NULs or many control characters and no UTF-16/32 BOM."""
    head = data[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))  # counted in C, not byte by byte
    return controls > len(head) * 0.05


def decode(data: bytes) -> tuple[str, str]:
    """Decode `data`; returns (text, encoding used). Raises UndecodableError for binary or hopeless bytes."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace").lstrip("\ufeff"), name
    if looks_binary(data):
        raise UndecodableError("binary file (NUL or control bytes)")
    try:
        # Valid UTF-8 with non-ASCII bytes is almost never anything else, whatever the page declares.
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data)
    if declared and declared != "utf-8":
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    matches = from_bytes(data)
    # Legacy pages of English-language sites are windows-1252 far more often than its Central European
    # cousins, which short texts cannot tell apart: prefer it whenever the detector finds it plausible.
    western = next((m for m in matches if m.encoding == "cp1252"), None)
    best = western or matches.best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    raise UndecodableError("could not detect the text encoding")


_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")


_WHITE_SPACE = re.compile(r"\s+")  # _SPACES are all white space too


def clean_text(text: str) -> str:
    """One line of text: invisible characters removed, every run of white space one space."""
    if not text.isascii():  # the invisible characters are not ASCII: most texts need no search for them
        text = _INVISIBLE.sub("", text)
    return _WHITE_SPACE.sub(" ", text).strip()


def normalise_newlines(text: str) -> str:
    """CRLF and CR to LF, odd spaces to plain spaces, invisible characters removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _SPACES.sub(" ", _INVISIBLE.sub("", text))
