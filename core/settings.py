"""Settings: read config.yaml once, expand ${VAR:-default} from the environment, validate.

Nothing here reads the environment at import time; `load_settings` is called by the
composition root (bot/app.py, bot/cli.py) and the result is passed down.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from core import categories, localtime, permissions

REPO_ROOT = Path(__file__).resolve().parents[1]
_VAR = re.compile(r"\$\{([A-Z0-9_]+)(?::-([^}]*))?\}")


class SettingsError(ValueError):
    """The configuration file is missing, malformed or inconsistent."""


def _expand(value: Any, env: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        def repl(m: re.Match) -> str:
            return env.get(m.group(1)) or (m.group(2) or "")
        return _VAR.sub(repl, value)
    if isinstance(value, dict):
        return {k: _expand(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, env) for v in value]
    return value


@dataclass
class Settings:
    """Validated settings. `raw` keeps every section for the modules that own them."""

    database_url: str
    instance_dir: Path
    field_key: str = ""
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    raw: dict = field(default_factory=dict)
    config_path: Path | None = None

    def section(self, name: str) -> dict:
        value = self.raw.get(name) or {}
        if not isinstance(value, dict):
            raise SettingsError(f"config section '{name}' must be a mapping")
        return value

    def resolve(self, value: str | Path) -> Path:
        """A path from the config, relative to the config file's folder."""
        path = Path(value)
        if path.is_absolute():
            return path
        base = self.config_path.resolve().parent if self.config_path else REPO_ROOT
        return (base / path).resolve()

    @property
    def profile(self) -> str:
        """embedded (one process, SQLite) or production (PostgreSQL, Redis, workers)."""
        return str(self.raw.get("profile") or "embedded")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _resolve_sqlite(url: str, base: Path) -> str:
    """Make a relative sqlite path relative to the config file's folder."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + str((base / url[len(prefix):]).resolve())
    return url


def _check_cases(cases: Any, path: Path) -> None:
    """Routing and urgency overrides must name known categories and staffed units."""
    if cases is not None and not isinstance(cases, dict):
        raise SettingsError(f"{path}: config section 'cases' must be a mapping")
    try:
        categories.check_overrides(cases)
        permissions.check_routing(categories.routing((cases or {}).get("routing")))
    except ValueError as exc:
        raise SettingsError(f"{path}: {exc}") from exc


def _merge(base: dict, over: dict) -> dict:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _apply_profile(data: dict, path: Path) -> dict:
    """The chosen profile's sections (`profiles.<name>`) laid over the top-level ones."""
    name = data.get("profile") or "embedded"
    profiles = data.get("profiles") or {}
    if name not in profiles:
        raise SettingsError(f"{path}: profile '{name}' is not one of: {', '.join(profiles) or 'none'}")
    if not isinstance(profiles[name] or {}, dict):
        raise SettingsError(f"{path}: profiles.{name} must be a mapping")
    return _merge(data, profiles[name] or {}) | {"profile": name}


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None,
                  overrides: dict | None = None) -> Settings:
    env = os.environ if env is None else env
    path = Path(path or env.get("SHOUHU_CONFIG") or REPO_ROOT / "config.yaml")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"cannot read config file {path}: {exc.strerror}") from exc
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise SettingsError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: the top level must be a mapping")
    data = _expand(data, env)
    if "profiles" in data:
        data = _apply_profile(data, path)
    for key, value in (overrides or {}).items():
        data[key] = value
    _check_cases(data.get("cases"), path)
    try:
        localtime.zone(data.get("timezone"))
    except ValueError as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    base = path.resolve().parent
    instance_dir = Path(data.get("instance_dir") or "instance")
    if not instance_dir.is_absolute():
        instance_dir = (base / instance_dir).resolve()
    db = data.get("database") or {}
    url = env.get("SHOUHU_DATABASE_URL") or db.get("url") or f"sqlite:///{instance_dir}/shouhu.db"
    secrets = data.get("secrets") or {}
    server = data.get("server") or {}
    try:
        port = int(server.get("port", 8000))
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{path}: server.port must be a number") from exc
    return Settings(
        database_url=_resolve_sqlite(url, base),
        instance_dir=instance_dir,
        field_key=secrets.get("field_key") or "",
        secret_key=secrets.get("secret_key") or "",
        host=str(server.get("host", "127.0.0.1")),
        port=port,
        raw=data,
        config_path=path,
    )
