"""Sites: the clinic websites one knowledge base serves, kept in the data directory's `sites.json`, validated on
every write and read again (by its size and modification time) on the next request that needs it."""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import phonenumbers

from kb.config import DEFAULT_SITE
from kb.model import display_phone
from kb.vocabulary import DATA_DIR
from kb.yaml_data import read_yaml

SITES_FILE = "sites.json"
__all__ = ["DEFAULT_SITE", "Site", "SiteError", "SiteRegistry", "read_sites", "set_site"]

CONTENT = ("own", "all")  # a site shows its own articles, or the whole knowledge base
SITE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
HOST = re.compile(r"^(?=.{1,253}(?::|$))[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?$")
MAX_NAME = 120
MAX_LIST = 20  # hosts or origins per site


class SiteError(ValueError):
    """The site settings are invalid: every problem, each said plainly."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Site:
    """One clinic website: where it is served, whom to call or book with, whose emergency numbers, what it shows."""

    id: str
    name: str = ""
    hosts: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    booking: str | None = None
    phone: str | None = None  # E.164
    country: str | None = None  # ISO 3166 alpha-2, one of kb/data/emergency_numbers.yaml's
    content: str = "own"

    @property
    def title(self) -> str:
        """The name to show (the id when it has none)."""
        return self.name or self.id

    def to_json(self) -> dict[str, Any]:
        """The settings as `sites.json` keeps them (without the id, its key)."""
        data = asdict(self)
        del data["id"]
        data["hosts"], data["origins"] = list(self.hosts), list(self.origins)
        return data

    def public(self) -> dict[str, Any]:
        """What responses in this site's scope say of it: the calls to action (phone, booking) and the country."""
        return {"id": self.id, "name": self.title, "phone": self.phone,
                "phone_display": display_phone(self.phone) if self.phone else None,
                "tel": f"tel:{self.phone}" if self.phone else None, "booking": self.booking,
                "country": self.country}


@cache
def emergency_countries() -> frozenset[str]:
    """The countries kb/data/emergency_numbers.yaml has numbers for."""
    data = read_yaml(DATA_DIR / "emergency_numbers.yaml")
    return frozenset(data["countries"])


def normalise_host(value: str) -> str:
    """A host as a `Host` header names it: lower case, no trailing dot."""
    return value.strip().lower().rstrip(".")


def _origin(value: str, where: str, errors: list[str]) -> str | None:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") \
            or parts.query or parts.fragment or parts.username or parts.password:
        errors.append(f"{where}: origin {value[:80]!r} must be scheme://host[:port], e.g. https://www.clinic.example")
        return None
    try:
        port = parts.port
    except ValueError:
        errors.append(f"{where}: origin {value[:80]!r} has an invalid port")
        return None
    return f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port else "")


def _checked(site_id: str, raw: Any) -> tuple[Site | None, list[str]]:
    """The site of one `sites.json` item, or the reasons it is invalid."""
    where = f"site {site_id!r}"
    errors: list[str] = []
    if not SITE_ID.match(site_id):
        errors.append(f"{where}: an id is 1-40 lower-case letters, digits and hyphens (a slug)")
    if not isinstance(raw, dict):
        return None, [*errors, f"{where}: settings must be an object"]
    unknown = sorted(set(raw) - set(Site.__dataclass_fields__) - {"id"})
    if unknown:
        errors.append(f"{where}: unknown setting(s) {', '.join(unknown)}")
    name = raw.get("name") or ""
    if not isinstance(name, str) or len(name) > MAX_NAME or any(c in name for c in "\r\n\t"):
        errors.append(f"{where}: name must be one line of at most {MAX_NAME} characters")
        name = ""
    country = raw.get("country")
    if country is not None:
        country = str(country).strip().upper()
        if country not in emergency_countries():
            errors.append(f"{where}: country {country[:10]!r} has no emergency numbers in "
                          f"kb/data/emergency_numbers.yaml (known: {', '.join(sorted(emergency_countries()))})")
    hosts = []
    for h in _list(raw.get("hosts"), f"{where}: hosts", errors):
        host = normalise_host(h)
        if not HOST.match(host):
            errors.append(f"{where}: host {h[:80]!r} is not a host name (optionally with :port)")
        hosts.append(host)
    origins = [o for v in _list(raw.get("origins"), f"{where}: origins", errors)
               if (o := _origin(v, where, errors)) is not None]
    booking = raw.get("booking")
    if booking is not None:
        parts = urlsplit(str(booking))
        if parts.scheme not in ("http", "https") or not parts.netloc or len(str(booking)) > 2000:
            errors.append(f"{where}: booking {str(booking)[:80]!r} must be an http(s) URL")
    phone = raw.get("phone")
    if phone is not None:
        try:
            number = phonenumbers.parse(str(phone), country or "US")
            valid = phonenumbers.is_possible_number(number) and phonenumbers.is_valid_number(number)
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            errors.append(f"{where}: phone {str(phone)[:40]!r} is not a valid number"
                          + ("" if country else " (set --country, or write it as +CC…)"))
        else:
            phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    content = raw.get("content", "own")
    if content not in CONTENT:
        errors.append(f"{where}: content must be one of {', '.join(CONTENT)}")
    if errors:
        return None, errors
    return Site(site_id, name, tuple(dict.fromkeys(hosts)), tuple(dict.fromkeys(origins)),
                str(booking) if booking is not None else None, phone, country, content), []


def _list(value: Any, where: str, errors: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append(f"{where} must be a list of strings")
        return []
    if len(value) > MAX_LIST:
        errors.append(f"{where}: at most {MAX_LIST}")
    return value


def parse_sites(data: Any) -> dict[str, Site]:
    """The sites of a `sites.json` document; SiteError listing every problem."""
    if not isinstance(data, dict) or not isinstance(data.get("sites", {}), dict):
        raise SiteError([f'{SITES_FILE} must be an object {{"sites": {{ID: settings}}}}'])
    sites: dict[str, Site] = {}
    errors: list[str] = []
    for site_id, raw in data.get("sites", {}).items():
        site, problems = _checked(str(site_id), raw)
        errors += problems
        if site is not None:
            sites[site.id] = site
    seen: dict[str, str] = {}
    for site in sites.values():
        for host in site.hosts:
            if host in seen:
                errors.append(f"host {host!r} is given to both {seen[host]!r} and {site.id!r}")
            seen.setdefault(host, site.id)
    if errors:
        raise SiteError(errors)
    return sites


def read_sites(root: Path) -> dict[str, Site]:
    """The sites configured in the data directory `root` (none without a `sites.json`); SiteError when invalid."""
    file = root / SITES_FILE
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise SiteError([f"{SITES_FILE} is unreadable: {type(exc).__name__}"]) from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise SiteError([f"{SITES_FILE} is not valid JSON: {exc}"]) from exc
    return parse_sites(data)


def write_sites(root: Path, sites: dict[str, Site]) -> None:
    """Replace `sites.json` atomically (a server reading it mid-write sees the old file or the new one)."""
    root.mkdir(parents=True, exist_ok=True)
    doc = {"sites": {s.id: s.to_json() for s in sorted(sites.values(), key=lambda s: s.id)}}
    parse_sites(json.loads(json.dumps(doc)))  # never write what would not read back
    fd, tmp = tempfile.mkstemp(prefix=".sites-", suffix=".json", dir=root)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(doc, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        os.replace(tmp, root / SITES_FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def set_site(root: Path, site_id: str, **changes: Any) -> Site:
    """Create site `site_id` or change the settings given (None leaves one as it is; lists replace); SiteError."""
    sites = read_sites(root)
    current = sites.get(site_id) or Site(site_id)
    given = {k: v for k, v in changes.items() if v is not None}
    raw = {**current.to_json(), **{k: list(v) if isinstance(v, tuple) else v for k, v in given.items()}}
    site, errors = _checked(site_id, raw)
    if site is None:
        raise SiteError(errors)
    sites[site_id] = site
    write_sites(root, sites)
    return site


@dataclass
class SiteRegistry:
    """The data directory's sites as a server sees them: read again when the file's size or time changes."""

    root: Path
    _seen: tuple[int, int] | None = None
    _sites: dict[str, Site] = field(default_factory=dict)
    _error: SiteError | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def sites(self) -> dict[str, Site]:
        """The configured sites; SiteError while the file is invalid (every request says why)."""
        try:
            st = (self.root / SITES_FILE).stat()
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        with self._lock:
            if stamp != self._seen or (stamp is None and self._sites):
                self._seen = stamp
                try:
                    self._sites, self._error = read_sites(self.root), None
                except SiteError as exc:
                    self._sites, self._error = {}, exc
            if self._error is not None:
                raise self._error
            return self._sites


def bare_site(site_id: str) -> Site:
    """A site that has content but no settings: its own articles, no calls to action."""
    return replace(Site(site_id), name=site_id)
