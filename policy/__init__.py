"""Shouhu's policy knowledge base: official documents in, grounded answers out.

Standalone: imports neither Flask nor any channel SDK nor bot/handlers/core.

    kb = open_kb("instance/kb")
    kb.ingest(["../shared/policy-docs/001_....txt"])   # idempotent
    answerer = Answerer(kb, region={"civil_affairs_phone": "...", "hotlines": {...}})
    a = answerer.ask("孩子14岁，我们出去打工能让他一个人在家吗?")
    a.answer, a.found, a.sources, a.passage, a.context, a.looks_like_report
"""
from policy.answer import Answer, Answerer
from policy.ingest import IngestResult
from policy.kb import KnowledgeBase, open_kb

__all__ = ["Answer", "Answerer", "IngestResult", "KnowledgeBase", "open_kb"]
