"""The rule catalogue rendered for people: terminal, Markdown (the portal's rules page), JSON."""

from __future__ import annotations

import json

from generator.rules.base import catalogue

LEVELS = {"error": "错误", "warning": "警告", "info": "提示"}


def render(fmt: str = "text") -> str:
    rules = catalogue()
    if fmt == "json":
        return json.dumps(
            [{"id": r.id, "level": str(r.level), "cites": r.cites, "title": r.title, "doc": r.doc, "stage": r.stage} for r in rules],
            ensure_ascii=False,
            indent=2,
        )
    if fmt == "markdown":
        rows = ["| 编号 | 级别 | 规则 | 依据 |", "|---|---|---|---|"]
        rows += [f"| {r.id} | {LEVELS[str(r.level)]} | {r.title} | {r.cites} |" for r in rules]
        return "\n".join(rows)
    return "\n".join(f"{r.id}  {LEVELS[str(r.level)]}  {r.title}  〔{r.cites}〕" for r in rules)
