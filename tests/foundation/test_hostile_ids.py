"""Ids, offsets and case numbers the database cannot hold: 404 or 400, never a 500.

SQLite raises OverflowError beyond 2**63 - 1 and PostgreSQL a DataError beyond its
column's range (2**31 - 1 for an integer id), so these must be refused at the edge.
"""
from __future__ import annotations

import re

import pytest

BEYOND_64_BITS = "99999999999999999999"
HOSTILE_IDS = [BEYOND_64_BITS, str(2**63), str(2**63 - 1), str(2**31), "0", "-1", "abc", "1e3", "%00"]
API_PATHS = ["/api/v1/children/{}", "/api/v1/cases/{}"]


@pytest.fixture
def app(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug answers 500 here instead of raising
    return app


@pytest.fixture
def token(jurisdiction, make_staff, make_token):
    make_staff("county", "civil_affairs")
    return make_token("county")


def api(client, path, token):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


# Loops rather than parametrize: one database and one token for many requests.
def test_api_ids_beyond_the_database_are_json_404(client, token):
    for path in API_PATHS:
        for value in HOSTILE_IDS:
            resp = api(client, path.format(value), token)
            assert resp.status_code == 404, (path, value)
            assert resp.is_json and resp.get_json()["error"], (path, value)


def test_api_offsets_beyond_the_database_are_json_400(client, token):
    for value in (BEYOND_64_BITS, str(2**63), "-" + BEYOND_64_BITS, "abc", "1.5", "１２", "9" * 5000,
                  "0x10", "-1", str(2**31)):
        resp = api(client, f"/api/v1/cases?offset={value}", token)
        assert resp.status_code == 400, value
        assert resp.get_json() == {"error": "offset must be a whole number from 0 to 2147483647"}
    for value in ("abc", "1.5", "１２", "0x10"):
        resp = api(client, f"/api/v1/cases?limit={value}", token)
        assert resp.status_code == 400, value
        assert resp.get_json() == {"error": "limit must be a whole number from 1 to 500"}


def test_api_limit_is_clamped_and_offsets_in_range_work(client, token):
    """limit has always been clamped into 1..500, however large or small."""
    for query in ("limit=0", "limit=100000", "limit=-5", f"limit={BEYOND_64_BITS}",
                  f"limit={'9' * 5000}", "offset=2147483647", "limit=5&offset=0"):
        resp = api(client, f"/api/v1/cases?{query}", token)
        assert resp.status_code == 200 and resp.get_json() == {"cases": [], "count": 0}, query


def _login(client, username):
    page = client.get("/admin/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/admin/login", data={"username": username, "password": "correct horse battery",
                                      "csrf_token": csrf})
    # A login starts a new session, with a new CSRF token: take the one of the signed-in page.
    page = client.get("/admin/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_admin_ids_beyond_the_database_are_404(client, token):
    csrf = _login(client, "county")
    for value in HOSTILE_IDS:
        for path in ("/admin/attachments/{}", "/admin/cases/{}", "/admin/children/{}"):
            assert client.get(path.format(value)).status_code == 404, (path, value)
        for path in ("/admin/tasks/{}/done", "/admin/cases/{}/steps/accept"):
            resp = client.post(path.format(value), data={"csrf_token": csrf})
            assert resp.status_code == 404, (path, value)


def test_unknown_api_paths_answer_json(client, token):
    resp = api(client, "/api/v1/nothing-here", token)
    assert resp.status_code == 404 and resp.get_json() == {"error": "not found"}
    resp = client.post("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 405 and resp.get_json() == {"error": "method not allowed"}
    assert "<html" in client.get("/admin/nothing-here").get_data(as_text=True).lower()
