"""Which site a request is for: the site whose hosts include its `Host`, else its `site` parameter, else none (the
whole knowledge base). Resolved once per request, before any view; an unknown site or host is a 404."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, current_app, g, has_app_context, request
from markupsafe import Markup

from index.errors import NotFound
from index.store import StoreError
from kb.config import DEFAULT_SITE
from kb.sites import SITE_ID, Site, SiteError, SiteRegistry, bare_site, normalise_host

MAX_SITE_CHARS = 40


def registry() -> SiteRegistry:
    """The app's view of the data directory's `sites.json`."""
    found: SiteRegistry = current_app.extensions["kb_sites"]
    return found


def network_hosts() -> set[str]:
    """The HOSTS setting: the hosts that serve the whole knowledge base (empty: any host no site names)."""
    value = current_app.config.get("HOSTS") or ""
    items = value.split(",") if isinstance(value, str) else list(value)
    return {normalise_host(str(h)) for h in items if str(h).strip()}


def _host_site(sites: dict[str, Site], host: str) -> Site | None:
    bare = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    for site in sites.values():
        if host in site.hosts or bare in site.hosts:
            return site
    return None


def _has_content(site_id: str) -> bool:
    """Whether the live version holds articles of `site_id` (a site with content needs no settings to be served)."""
    from web import knowledge_base

    try:
        snap = knowledge_base().handle.snapshot()
    except StoreError:
        return site_id == DEFAULT_SITE  # no index: the request gets its 503 from the view
    return site_id in snap.site_index


def served_sites() -> list[str]:
    """The sites a request may name: this request's alone in a site's scope, else every configured site and every
    site with content in the live version."""
    site = current_site()
    if site is not None:
        return [site.id]
    from web import knowledge_base

    try:
        content = set(knowledge_base().handle.snapshot().site_index)
    except StoreError:
        content = set()
    return sorted(set(registry().sites()) | content)


def resolve() -> Site | None:
    """The request's site (None: the whole knowledge base); NotFound for an unknown site or host; SiteError (503)
    while `sites.json` is invalid."""
    try:
        sites = registry().sites()
    except SiteError as exc:
        raise StoreError(f"sites.json is invalid: {exc}") from exc
    host = normalise_host(request.host)
    by_host = _host_site(sites, host)
    wanted = request.args.get("site", "")
    if by_host is not None:
        if wanted and wanted != by_host.id:
            raise NotFound(f"this host serves site {by_host.id!r}, not {wanted[:MAX_SITE_CHARS]!r}")
        return by_host
    hosts = network_hosts()
    if hosts and host not in hosts and host.rsplit(":", 1)[0] not in hosts:
        raise NotFound(f"no site is served on host {host[:80]!r}")
    if not wanted:
        return None
    if wanted in sites:
        return sites[wanted]
    if SITE_ID.match(wanted) and _has_content(wanted):
        return bare_site(wanted)
    raise NotFound(f"no site {wanted[:MAX_SITE_CHARS]!r}")


def current_site() -> Site | None:
    """The site this request is for (resolved before the view ran); None outside a request."""
    if not has_app_context():
        return None
    site: Site | None = g.get("kb_site")
    return site


def site_query(joiner: str) -> str:
    """`?site=ID` (or `&site=ID`) for a link that must stay in this request's site; "" outside any site."""
    site = current_site()
    return f"{joiner}{urlencode({'site': site.id})}" if site is not None else ""


def init_app(app: Flask) -> None:
    """Resolve each request's site before its view, and give templates the site and scoped links."""
    app.extensions["kb_sites"] = SiteRegistry(app.extensions["kb"].root)

    @app.before_request
    def resolve_site() -> None:
        g.kb_site = None
        # A request no route takes (404) or no method of its route takes (405) gets that answer, not the site's.
        if request.endpoint != "static" and request.routing_exception is None:
            g.kb_site = resolve()

    @app.context_processor
    def site_context() -> dict[str, object]:
        site = current_site()
        return {"site": site.public() if site is not None else None}

    # Globals, not context: the macros of _macros.html are imported without the context and need them too.
    app.jinja_env.globals["site_qs"] = site_query
    app.jinja_env.globals["site_field"] = site_field
    app.jinja_env.globals["site_id"] = lambda: (current_site() or Site("")).id


def site_field() -> Markup:
    """A hidden `site` field for a form that must stay in this request's site."""
    site = current_site()
    return Markup('<input type="hidden" name="site" value="{}">').format(site.id) if site is not None else Markup("")
