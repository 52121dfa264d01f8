"""Ingest from a live website: robots.txt, sitemaps, the WordPress REST API and links, fetched politely and
incrementally (`read_site` in `site.py` is the entry point; the rest are its small parts)."""
