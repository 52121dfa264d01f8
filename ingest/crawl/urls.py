"""URLs as the crawler compares them: absolute, no fragment, no tracking parameters; one site is one origin."""

from __future__ import annotations

import re
from posixpath import splitext
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
# Parameters that only say where a visitor came from: the same page under many addresses.
TRACKING = re.compile(r"^(utm_[a-z_]+|gclid|dclid|fbclid|msclkid|gbraid|wbraid|yclid|igshid|mc_cid|mc_eid|_ga|_gl"
                      r"|_hsenc|_hsmi|mkt_tok)$", re.IGNORECASE)
# Links to these are files, not pages: skipped by name, without a request.
NOT_PAGES = {".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".bmp", ".tif", ".tiff", ".css",
             ".js", ".json", ".zip", ".gz", ".tgz", ".rar", ".7z", ".mp3", ".wav", ".mp4", ".m4v", ".mov", ".avi",
             ".webm", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".rtf", ".csv", ".woff", ".woff2",
             ".ttf", ".eot", ".exe", ".dmg", ".ics", ".vcf"}
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


def normalize(url: str, base: str | None = None) -> str | None:
    """`url` (resolved against `base`) as an absolute http(s) URL: scheme and host lower-cased, default port,
    fragment and tracking parameters dropped; None for anything that is not a web address."""
    try:
        parts = urlsplit(urljoin(base, url.strip()) if base else url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not host:
        return None
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    query = "&".join(p for p in parts.query.split("&") if p and not TRACKING.match(p.split("=", 1)[0]))
    return urlunsplit((scheme, netloc, path, quote(query, safe=_PATH_SAFE + "?"), ""))


def origin(url: str) -> str:
    """`scheme://host[:port]` of a normalized URL: one site, as the crawler keeps to it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def same_site(url: str, site: str) -> bool:
    """Whether `url` is on the site `site` (same scheme, host and port)."""
    return origin(url) == site


def is_web_address(text: str) -> bool:
    """Whether an ingest argument is a web address rather than a path."""
    return text.lower().startswith(("http://", "https://"))


def file_extension(url: str) -> str:
    """The lower-cased extension of a URL's last path segment ('' when it has none)."""
    return splitext(urlsplit(url).path)[1].lower()


def short(url: str, site: str) -> str:
    """`url` without its site's origin, for messages about one site."""
    return url[len(site):] or "/" if same_site(url, site) else url
