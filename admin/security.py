"""Login throttling (Flask-Limiter), security headers, and cookies that follow TLS."""
from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse

# Scripts and styles only from our own static files: no inline code, no other origin.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")
DEFAULTS = {
    "storage_uri": "memory://",
    "account_failures": "5 per 15 minutes",
    "ip_failures": "30 per 15 minutes",
    "ip_attempts": "60 per minute",
}


def login_settings(admin_cfg: dict) -> dict:
    return {**DEFAULTS, **{k: v for k, v in (admin_cfg.get("login") or {}).items() if v}}


def make_limiter(app: Flask, cfg: dict) -> Limiter:
    """One limiter per app. Its storage (memory:// by default, redis://... in production so
    that every worker process shares the counts) also holds the login-failure counters."""
    return Limiter(get_remote_address, app=app, storage_uri=cfg["storage_uri"],
                   strategy="moving-window", headers_enabled=False)


THROTTLE_EXTENSION = "shouhu_login_throttle"


class LoginThrottle:
    """Failed logins counted per account and per client address in a moving window; once
    either is over its limit, logins are refused (even with the right password) until the
    window has moved on. Unknown usernames are counted too, so a lock says nothing about
    whether an account exists."""

    def __init__(self, limiter: Limiter, cfg: dict):
        self.limiter = limiter
        self.account = parse(cfg["account_failures"])
        self.ip = parse(cfg["ip_failures"])

    @staticmethod
    def _account_key(username: str) -> str:
        return (username or "").strip().lower()[:64]

    def blocked(self, username: str, address: str | None) -> str | None:
        """'account' or 'ip' when that counter is full, else None."""
        strategy = self.limiter.limiter
        if not strategy.test(self.account, "login-account", self._account_key(username)):
            return "account"
        if not strategy.test(self.ip, "login-ip", address or "-"):
            return "ip"
        return None

    def failed(self, username: str, address: str | None) -> None:
        self.limiter.limiter.hit(self.account, "login-account", self._account_key(username))
        self.limiter.limiter.hit(self.ip, "login-ip", address or "-")

    def succeeded(self, username: str) -> None:
        self.limiter.limiter.clear(self.account, "login-account", self._account_key(username))

    def unlock(self, username: str) -> None:
        """An administrator's password reset lifts the account's lock-out (not the address's)."""
        self.succeeded(username)

    @property
    def minutes(self) -> int:
        return max(1, self.account.get_expiry() // 60)


class TLSAwareSessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure when configured, and always when this request came over
    HTTPS (directly, or via a trusted proxy's X-Forwarded-Proto through ProxyFix)."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def _is_static(endpoint: str | None) -> bool:
    return bool(endpoint) and (endpoint == "static" or endpoint.endswith(".static"))


def install_headers(app: Flask) -> None:
    app.session_interface = TLSAwareSessionInterface()

    @app.after_request
    def headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "no-referrer")
        if request.is_secure:
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        if not _is_static(request.endpoint):
            # Pages and API answers carry personal data: never kept by a browser or a proxy.
            h["Cache-Control"] = "no-store"
            h["Pragma"] = "no-cache"
        return response
