"""Fixtures: the real policy documents (skipped when absent) and answerers over them."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from policy import Answerer, open_kb

REPO = Path(__file__).resolve().parents[2]
REGION = {"name": "示例县", "civil_affairs_phone": "0000-1234567",
          "hotlines": {"police": "110", "citizen_service": "12345", "youth": "12355"}}


def policy_docs_dir() -> Path | None:
    env = os.environ.get("SHOUHU_POLICY_DOCS")  # when set, the only place looked at
    for candidate in [Path(env)] if env else [REPO.parent / "shared" / "policy-docs"]:
        if candidate.is_dir() and any(candidate.glob("*.txt")):
            return candidate
    return None


@pytest.fixture(scope="session")
def docs_dir() -> Path:
    found = policy_docs_dir()
    if found is None:
        pytest.skip("the policy documents folder is not available (set SHOUHU_POLICY_DOCS)")
    return found


@pytest.fixture(scope="session")
def real_kb(docs_dir, tmp_path_factory):
    kb = open_kb(tmp_path_factory.mktemp("kb"))
    results = kb.ingest(sorted(docs_dir.glob("*.txt")))
    assert all(r.status == "added" for r in results), results
    return kb


@pytest.fixture(scope="session")
def answerer(real_kb) -> Answerer:
    return Answerer(real_kb, REGION)


@pytest.fixture(scope="session")
def any_answerer() -> Answerer:
    """Over the real documents when they are here, else curated answers only."""
    docs = policy_docs_dir()
    if docs is None:
        return Answerer(None, REGION)
    kb = open_kb(Path(tempfile.mkdtemp(prefix="shouhu-kb-")))
    kb.ingest(sorted(docs.glob("*.txt")))
    return Answerer(kb, REGION)


@pytest.fixture(scope="session")
def curated_only() -> Answerer:
    return Answerer(None, REGION)
