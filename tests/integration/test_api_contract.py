"""Every route of the contract through Flask's test client, with the contract's shapes and error body."""

from __future__ import annotations

SEARCH_KEYS = ["query", "corrected_query", "total", "page", "per_page", "results", "facets", "answer", "notice",
               "topics", "site"]
RESULT_KEYS = {"id", "kind", "name", "summary", "snippet", "score", "url", "facets", "sources", "source_count"}
SOURCE_KEYS = {"article_id", "title", "path", "url", "clinic", "section", "sentence"}
FACETS = {"kind", "condition", "technique", "benefit", "body_region", "clinic"}


def test_search_object(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/search?q=sciatica&per_page=3").get_json()
    assert list(body) == SEARCH_KEYS
    assert (body["query"], body["page"], body["per_page"]) == ("sciatica", 1, 3)
    assert len(body["results"]) == 3 and body["total"] >= 3
    for result in body["results"]:
        assert set(result) >= RESULT_KEYS
        assert len(result["sources"]) <= 5 and result["source_count"] >= len(result["sources"])
        assert all(set(s) == SOURCE_KEYS for s in result["sources"])
        page = "articles" if result["kind"] == "article" else "entries"
        assert result["url"].split("#")[0] == f"/{page}/{result['id']}"
    assert set(body["facets"]) == FACETS
    assert all(set(v) == {"value", "count", "selected"} for vs in body["facets"].values() for v in vs)
    assert {"entry_id", "text", "sources"} <= set(body["answer"])


def test_repeatable_filters(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/search?q=massage&kind=condition&kind=technique").get_json()
    assert {r["kind"] for r in body["results"]} == {"condition", "technique"}
    kinds = {v["value"]: (v["count"], v["selected"]) for v in body["facets"]["kind"]}
    assert kinds["condition"][1] and kinds["technique"][1] and not kinds["clinic"][1]
    assert body["total"] == kinds["condition"][0] + kinds["technique"][0]


def test_entry_suggest_openapi_health(client) -> None:  # type: ignore[no-untyped-def]
    entry = client.get("/api/entries/condition-sciatica").get_json()
    assert entry["id"] == "condition-sciatica" and entry["kind"] == "condition"
    assert len(entry["sources"]) >= 2 and entry["related"]
    assert entry["icd10"] == {"code": "M54.3", "title": "Sciatica"}
    suggest = client.get("/api/suggest?q=plant").get_json()
    assert suggest["query"] == "plant" and suggest["suggestions"][0]["id"] == "condition-plantar-fasciitis"
    assert client.get("/api/openapi.json").get_json()["openapi"].startswith("3.1")
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["entries"] > 100 and health["index_version"]


def test_error_shape(client) -> None:  # type: ignore[no-untyped-def]
    for url, status in [("/api/search?per_page=99", 400), ("/api/search?page=x", 400),
                        ("/api/search?q=" + "a" * 201, 400), ("/api/entries/nope", 404),
                        ("/api/search?q=sciatica&page=50", 404), ("/api/nothing-here", 404)]:
        response = client.get(url)
        body = response.get_json()
        assert response.status_code == status, url
        assert set(body) == {"ok", "status", "error", "errors"} and body["ok"] is False and body["status"] == status
        assert body["errors"] and all(isinstance(e, str) for e in body["errors"])
    assert client.post("/api/search").status_code == 405


def test_html_pages_exist(client) -> None:  # type: ignore[no-untyped-def]
    for url in ["/", "/search?q=sciatica", "/entries/condition-sciatica", "/conditions", "/staff",
                "/staff?q=everett+phone"]:
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "text/html", url
    assert client.get("/entries/nope").status_code == 404
