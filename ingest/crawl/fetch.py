"""The crawler's one HTTP client: kb's user agent, one request at a time with a pause between, limits on time and
size, redirects followed only on the site, and every failure turned into a reason."""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, metadata

import httpx

from ingest.crawl.body import BadEncoding, TooBig, TooSlow, read_limited
from ingest.crawl.urls import normalize, short
from ingest.files import MAX_FILE_BYTES

MIN_DELAY = 0.5  # seconds between two requests to a site, at the least: a product rule, not a setting
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
UA_TOKEN = "kb"  # the name robots.txt groups address (`User-agent: kb`)


def user_agent() -> str:
    """`kb/<version> (+<project URL>)`: who is asking, and where a site's owner reads what it does (the URL is
    setup.cfg's `url`; without one the comment says what kb is)."""
    try:
        meta = metadata("kb")
        version, home = meta["Version"], next(iter(meta.get_all("Home-page") or []), None)
    except PackageNotFoundError:
        version, home = "0", None
    return f"{UA_TOKEN}/{version} (+{home})" if home else f"{UA_TOKEN}/{version} (knowledge-base search for clinics)"


@dataclass
class CrawlOptions:
    """How much, how fast and how long to crawl (the `kb ingest` options of the same names)."""

    max_pages: int = 500
    delay: float = MIN_DELAY  # seconds between requests; never below MIN_DELAY, raised by robots.txt Crawl-delay
    timeout: float = 30.0  # seconds one request may take in all, connecting to last byte
    time_limit: float = 1800.0  # seconds the whole crawl of one site may take
    max_page_bytes: int = MAX_FILE_BYTES


class Failed(Exception):
    """A URL that could not be fetched; `reason` says why in a user's words. `network` marks failures of the
    connection (DNS, refused, TLS, timeout) rather than of the page."""

    def __init__(self, reason: str, network: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.network = network


class TimeUp(Exception):
    """The crawl's time limit came before the next request could be made."""


@dataclass
class Fetched:
    """A response: the URL that answered (after same-site redirects), its status, headers and body."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes = b""
    redirected_from: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def network_reason(exc: BaseException, timeout: float) -> str:
    """What went wrong with the connection, from the exception and the OS errors it was raised from."""
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g} s (the server is too slow or does not answer)"
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(chain) < 8:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    for err in chain:
        if isinstance(err, socket.gaierror):
            return f"the site's name could not be found (DNS: {err.strerror or err})"
        if isinstance(err, ConnectionRefusedError):
            return "connection refused (nothing answers at that address and port)"
        if isinstance(err, ssl.SSLCertVerificationError):
            return f"TLS error: the site's certificate is not valid ({err.verify_message or err.reason})"
        if isinstance(err, ssl.SSLError):
            return f"TLS error ({err.reason or err})"
    text = str(exc) or type(exc).__name__
    if "ssl" in text.lower() or "certificate" in text.lower():
        return f"TLS error ({text})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the server broke off or answered with something that is not HTTP ({text})"
    return f"network error ({text})"


class Fetcher:
    """One site's requests, one at a time: each waits until `delay` seconds after the previous one ended."""

    def __init__(self, site: str, options: CrawlOptions, progress: Callable[[], None] | None = None):
        self.site = site
        self.options = options
        self.delay = max(MIN_DELAY, options.delay)
        self.deadline = time.monotonic() + options.time_limit
        self.requests = 0
        self._last_end: float | None = None
        self._progress = progress
        self.client = httpx.Client(
            headers={"User-Agent": user_agent(), "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(options.timeout), follow_redirects=False,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1))

    def close(self) -> None:
        self.client.close()

    def honour_crawl_delay(self, seconds: float | None) -> None:
        """Wait at least `seconds` between requests (robots.txt's Crawl-delay), never less than now."""
        if seconds:
            self.delay = max(self.delay, float(seconds))

    def get(self, url: str, *, accept: str, limit: int, allowed: Callable[[str], str | None] = lambda u: None,
            headers: Callable[[str], dict[str, str]] = lambda u: {},
            wanted: Callable[[str], bool] = lambda t: True) -> Fetched:
        """GET `url`, following redirects that stay on the site and that `allowed` lets through (it returns a
        reason to refuse); `headers(url)` adds conditional headers; a body is read only when `wanted(type)`."""
        chain = [url]
        while True:
            response = self._one(chain[-1], accept, limit, headers(chain[-1]), wanted)
            location = response.headers.get("location")
            if response.status not in REDIRECTS or not location:
                response.redirected_from = chain[:-1]
                return response
            target = normalize(location, chain[-1])
            if target is None:
                raise Failed(f"redirects to {location[:200]!r}, which is not a web page")
            if target in chain:
                loop = " → ".join(short(u, self.site) for u in [*chain[chain.index(target):], target])
                raise Failed(f"redirect loop ({loop})")
            if len(chain) > MAX_REDIRECTS:
                raise Failed(f"more than {MAX_REDIRECTS} redirects in a row")
            if refused := allowed(target):
                raise Failed(f"redirects to {target}: {refused}")
            chain.append(target)

    def _one(self, url: str, accept: str, limit: int, extra: dict[str, str],
             wanted: Callable[[str], bool]) -> Fetched:
        """One request, after the polite pause; never more than one in flight."""
        self._pause()
        started = time.monotonic()
        deadline = min(started + self.options.timeout, self.deadline)
        self.requests += 1
        try:
            with self.client.stream("GET", url, headers={"Accept": accept, **extra}) as r:
                fetched = Fetched(url, r.status_code, r.headers)
                if r.status_code == 200 and wanted(fetched.content_type):
                    declared = r.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > limit:
                        raise Failed(f"too big ({int(declared) / 1048576:.1f} MB, over the "
                                     f"{limit / 1048576:g} MB limit)")
                    fetched.body = read_limited(r.iter_raw(65536), r.headers.get("content-encoding", ""),
                                                limit, deadline)
                return fetched
        except TooBig as exc:
            raise Failed(f"too big ({exc})") from None
        except TooSlow as exc:
            raise Failed(str(exc), network=True) from None
        except BadEncoding as exc:
            raise Failed(str(exc)) from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise Failed(f"not a valid web address ({exc})") from None
        except (httpx.HTTPError, OSError) as exc:
            raise Failed(network_reason(exc, self.options.timeout), network=True) from None
        finally:
            self._last_end = time.monotonic()
            if self._progress:
                self._progress()

    def _pause(self) -> None:
        """Sleep until `delay` after the previous request ended; TimeUp if that is past the crawl's deadline."""
        now = time.monotonic()
        ready = now if self._last_end is None else max(now, self._last_end + self.delay)
        if ready >= self.deadline:
            raise TimeUp()
        if ready > now:
            time.sleep(ready - now)
