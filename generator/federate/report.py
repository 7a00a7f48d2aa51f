"""What ``jiebang federate`` and ``jiebang similar`` print (Chinese, one line per item)."""

from __future__ import annotations

from generator.federate.advice import Advice
from generator.federate.build import Federated
from generator.federate.harvest import Harvested

STATE = {"new": "已更新", "unchanged": "未变化，沿用缓存", "failed": "未能汇总"}


def harvest_lines(harvested: list[Harvested]) -> list[str]:
    return [f"{h.programme}：{STATE[h.state]}{'：' + h.message if h.message else ''}" for h in harvested]


def federated_text(result: Federated) -> str:
    lines = harvest_lines(result.harvested)
    done = len(result.harvested) - len(result.failed)
    if result.site is None:
        lines.append(f"没有方案汇总成功，未生成汇总门户（{len(result.failed)} 个方案未能汇总）。")
    else:
        lines.append(f"汇总门户已生成：{result.site}（{done} 个方案，{result.lists} 项榜单，同质化榜单 {result.groups} 组）。")
        if result.failed:
            lines.append(f"{len(result.failed)} 个方案未能汇总：{'、'.join(h.programme for h in result.failed)}；汇总门户不含这些方案。")
    return "\n".join(lines)


def advice_text(advice: Advice) -> str:
    lines = [h for h in harvest_lines(advice.harvested) if "未能汇总" in h]
    head = f"榜单 {advice.list_id}“{advice.title}”与 {advice.compared} 项已发布榜单比较（相似度阈值 {advice.threshold}）："
    if not advice.matches:
        return "\n".join([*lines, head + "未发现相似的榜单。"])
    lines.append(head + f"发现 {len(advice.matches)} 项相似榜单（仅供榜单论证参考）：")
    for m in advice.matches:
        lines.append(f"  {m.score:.2f}  {m.id}  {m.title}（{m.programme}）{'  ' + m.url if m.url else ''}")
    return "\n".join(lines)
