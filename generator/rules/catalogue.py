"""The rule catalogue rendered for people: terminal, Markdown (the portal's 规则说明 page), JSON.

``docs/rules.md`` is ``render("markdown")``; regenerate it with
``jiebang rules --format markdown > docs/rules.md`` (a test fails while it is stale).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace

from generator.rules.base import Rule, catalogue

LEVELS = {"error": "错误", "warning": "警告", "info": "提示"}
# Rule families in the order of SPEC §4, with the heading each gets on the rules page.
GROUPS = {
    "S": "文件与结构",
    "R": "引用",
    "F": "资金",
    "T": "周期与日期",
    "E": "评审专家组",
    "B": "揭榜单位",
    "L": "流程环节",
    "P": "隐私与安全",
    "C": "变更",
}
SECTIONS = (("Why", "说明"), ("Fails", "违规示例"), ("Passes", "合规示例"))
INTRO = """\
每次提交和合并请求都按以下规则检查 `records/` 中的记录。**错误**使检查失败、不能合并；**警告**只作提醒。
每条检查结果都写明文件、行号、规则编号和依据，例如：

    records/lists/L-2024-003.yaml:14:3: error F001 资助强度 120000 元超过重点项目上限 100000 元（{f001}）

资助上限、实施周期、专家组人数、公示工作日数和最小发布范围都取自 `records/program.yaml` 的 `policy`，
换一个地区或企业主导型项目只需修改该文件。依据中的条款编号指{basis}。"""
REFERENCE_BASIS = "《重庆市沙坪坝区科技攻关“揭榜挂帅”项目实施方案》"
# A programme with its own regulation: the examples in the rule texts still come from the reference plan.
OWN_BASIS = "各规则的说明以参考方案沙坪坝区实施方案为例；本方案的条款以每条规则的“依据”为准。"


def ordered() -> list[Rule]:
    """Every rule, by family in SPEC order, then by ID."""
    families = list(GROUPS)
    return sorted(catalogue(), key=lambda r: (families.index(r.id[0]), r.id))


def render(fmt: str = "text", citations: Mapping[str, str] | None = None, basis: str | None = None) -> str:
    """The catalogue as text, Markdown or JSON; ``citations`` are a programme's own articles and
    ``basis`` its regulation (the Markdown page names it; the reference plan when None)."""
    rules = [replace(r, cites=(citations or {}).get(r.id, r.cites)) for r in ordered()]
    if fmt == "json":
        return json.dumps(
            [{"id": r.id, "level": str(r.level), "cites": r.cites, "title": r.title, "doc": r.doc, "stage": r.stage} for r in rules],
            ensure_ascii=False,
            indent=2,
        )
    if fmt == "markdown":
        return _markdown(rules, basis)
    return "\n".join(f"{r.id}  {LEVELS[str(r.level)]}  {r.title}  〔{r.cites}〕" for r in rules)


def sections(doc: str) -> dict[str, str]:
    """A rule docstring's ``Why:``, ``Fails:`` and ``Passes:`` paragraphs; continuation lines
    join the paragraph above, text before any label counts as ``Why``."""
    out: dict[str, list[str]] = {}
    current = "Why"
    for line in doc.splitlines():
        label, sep, rest = line.strip().partition(":")
        if sep and label in dict(SECTIONS):
            current, line = label, rest
        if line.strip():
            out.setdefault(current, []).append(line.strip())
    return {k: "".join(v) for k, v in out.items()}


def _markdown(rules: list[Rule], basis: str | None = None) -> str:
    own = basis is not None and REFERENCE_BASIS not in basis
    f001 = next((r.cites for r in rules if r.id == "F001"), "")
    intro = INTRO.format(basis=_escape(basis) if own and basis else REFERENCE_BASIS, f001=f001)
    lines = ["# 规则说明", "", intro + (OWN_BASIS if own else "")]
    family = ""
    for r in rules:
        if r.id[0] != family:
            family = r.id[0]
            lines += ["", f"## {GROUPS[family]}（{family}）"]
        lines += ["", f"### {r.id} {_escape(r.title.rstrip('。'))}", "", f"- 级别：{LEVELS[str(r.level)]}", f"- 依据：{_escape(r.cites)}"]
        parts = sections(r.doc)
        lines += [f"- {name}：{_escape(parts[key])}" for key, name in SECTIONS if key in parts]
    return "\n".join(lines)


def _escape(text: str) -> str:
    """Rule texts quote markup (``<script``, ``[x](javascript:…)``): show it, never let it act."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]])", r"\\\1", text)
