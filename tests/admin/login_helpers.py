"""Helpers shared by the login and session tests (a form post with its CSRF token)."""
from __future__ import annotations

import re

CSRF_LOGIN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CSRF_PAGE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_of(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return (CSRF_LOGIN.search(page) or CSRF_PAGE.search(page)).group(1)


def post_login(client, username: str, password: str, **kwargs):
    csrf = csrf_of(client, "/admin/login")
    return client.post("/admin/login", data={"username": username, "password": password,
                                             "csrf_token": csrf}, **kwargs)


def signed_in(client) -> bool:
    resp = client.get("/admin/")
    return resp.status_code == 200 and "open-count" in resp.get_data(as_text=True)


def logout(client):
    csrf = csrf_of(client, "/admin/")
    return client.post("/admin/logout", data={"csrf_token": csrf})
