"""`kb site set` and `kb site list`: the sites one knowledge base serves (kb/sites.py), kept in the data directory."""

from __future__ import annotations

import json
import sys

import click

from kb.config import resolve_data_dir
from kb.sites import CONTENT, SITE_ID, Site, SiteError, read_sites, set_site


def site_id_option(value: str | None) -> str | None:
    """A site id given on the command line, checked (a usage error, exit 2, when it is not a slug)."""
    if value is not None and not SITE_ID.match(value):
        raise click.BadParameter(f"{value!r}: a site id is 1-40 lower-case letters, digits and hyphens",
                                 param_hint="--site")
    return value


@click.group(name="site")
def site_command() -> None:
    """The clinic websites this knowledge base serves: hosts, origins, calls to action, country, content."""


_DATA_DIR = click.option("--data-dir", type=click.Path(file_okay=False), default=None,
                         help="Knowledge-base folder (default: $KB_DATA_DIR, else ./kb-data).")


@site_command.command(name="set")
@click.argument("site_id", metavar="ID")
@click.option("--name", default=None, help="The name patients know the site by.")
@click.option("--host", "hosts", multiple=True, help="A host name the site is served on (repeatable; replaces).")
@click.option("--origin", "origins", multiple=True,
              help="An origin whose pages embed the search, e.g. https://www.clinic.example (repeatable; replaces).")
@click.option("--booking", default=None, metavar="URL", help="The booking page (http or https).")
@click.option("--phone", default=None, help="The number to call (national form with --country, or +CC…).")
@click.option("--country", default=None, metavar="CC", help="ISO 3166 code: whose emergency numbers notices give.")
@click.option("--content", type=click.Choice(CONTENT), default=None,
              help="own: the site's own articles (default); all: the whole knowledge base.")
@_DATA_DIR
def set_command(site_id: str, name: str | None, hosts: tuple[str, ...], origins: tuple[str, ...],
                booking: str | None, phone: str | None, country: str | None, content: str | None,
                data_dir: str | None) -> None:
    """Create a site or change its settings (effective for the next request; no restart)."""
    site_id_option(site_id)
    try:
        site = set_site(resolve_data_dir(data_dir), site_id, name=name, hosts=hosts or None,
                        origins=origins or None, booking=booking, phone=phone, country=country, content=content)
    except SiteError as exc:
        for error in exc.errors:
            click.echo(f"kb: {error}", err=True)
        sys.exit(1)
    click.echo(_line(site))


@site_command.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print the sites as JSON: {id: settings}.")
@_DATA_DIR
def list_command(as_json: bool, data_dir: str | None) -> None:
    """The configured sites and their settings."""
    try:
        sites = read_sites(resolve_data_dir(data_dir))
    except SiteError as exc:
        for error in exc.errors:
            click.echo(f"kb: {error}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps({s.id: s.to_json() for s in sites.values()}, indent=2, ensure_ascii=False))
        return
    if not sites:
        click.echo("no sites configured: every request sees the whole knowledge base (`kb site set ID` adds one)")
    for site in sites.values():
        click.echo(_line(site))


def _line(site: Site) -> str:
    parts = [f"{site.id}: {site.title}", f"content {site.content}"]
    parts += [f"hosts {', '.join(site.hosts)}"] if site.hosts else []
    parts += [f"origins {', '.join(site.origins)}"] if site.origins else []
    parts += [f"phone {site.phone}"] if site.phone else []
    parts += [f"booking {site.booking}"] if site.booking else []
    parts += [f"country {site.country}"] if site.country else []
    return "; ".join(parts)
