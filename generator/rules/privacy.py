"""What must never be in a record: P001–P003 (personal data, classification markings, active markup).

Every text field of every record is scanned (``texts``), since any of them may reach the
portal, the open data or a pull request's annotations.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from generator.diagnostics import ERROR
from generator.models import Finding, Policy
from generator.models.codes import resident_id_valid
from generator.models.corpus import Corpus
from generator.rules.base import rule
from generator.rules.texts import record_texts

# A mainland mobile number, optionally with +86 and - or space separators, not inside a longer digit run.
MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4})(?![0-9])")
# An 18-character resident ID: region, birth date 18xx–20xx, sequence, check character.
RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{5}(?:18|19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
_DIGIT_RUN = re.compile(r"[0-9]{3}")
# 密级标志 (GB/T 9704): 绝密 and 机密 wherever they stand, 秘密 with its ★; not 商业机密 and the like, nor 机密性.
MARKING = re.compile(r"绝密|(?<!商业)(?<!企业)(?<!技术)机密(?!性)|秘密\s*[★☆*]|秘密级")
ACTIVE_MARKUP = (
    (re.compile(r"<\s*script", re.IGNORECASE), "<script"),
    (re.compile(r"<\s*iframe", re.IGNORECASE), "<iframe"),
    (re.compile(r"<\s*(?:object|embed)\b", re.IGNORECASE), "<object/<embed"),
    (re.compile(r"(?:java|vb)script\s*:", re.IGNORECASE), "javascript: 链接"),
    (re.compile(r"<[a-z][^>]*[\s/\"']on[a-z]+\s*=", re.IGNORECASE), "on…= 事件处理属性"),
)


def _mask(value: str) -> str:
    """Enough to find the place, not enough to spread the data further (CI logs are public)."""
    digits = re.sub(r"[^0-9Xx]", "", value)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def personal_numbers(text: str) -> list[str]:
    """Mobile numbers and valid resident ID numbers in ``text``, masked."""
    if not _DIGIT_RUN.search(text):
        return []  # the common case, decided without the two patterns below
    found = [f"手机号 {_mask(m.group(1))}" for m in MOBILE.finditer(text)]
    for m in RESIDENT_ID.finditer(text):
        number = m.group(1)
        if resident_id_valid(number) and _is_date(number[6:14]):
            found.append(f"身份证号 {_mask(number)}")
    return found


def _is_date(yyyymmdd: str) -> bool:
    try:
        dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return False
    return True


@rule("P001", level=ERROR, cites="个人信息保护")
def no_personal_numbers(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """记录中不得出现手机号码或居民身份证号码。

    Why: 记录会公开在门户、开放数据和合并请求的检查结果中；个人信息不得公开。联系电话只填办公固定电话
    （如 023-65311234）。身份证号按 GB 11643 校验位和出生日期识别，统一社会信用代码等其他 18 位代码不会误报；
    credit_code 字段不检查。报告中的号码已打码。
    Fails: contacts 的 phone: "13800138000"；opinion 中出现一个校验位正确的身份证号码。
    Passes: phone: "023-65311234"。
    """
    for rec, leaves in record_texts(corpus):
        for parent, key, text in leaves:
            found = personal_numbers(text) if key != "credit_code" else []
            if found:
                advice = "请删除；联系电话只填办公电话。" if any(f.startswith("手机号") for f in found) else "请删除。"
                yield rec.finding((*parent, key), f"出现个人信息：{'、'.join(found)}。{advice}")


@rule("P002", level=ERROR, cites="第八条（七） 涉密")
def no_classification_markings(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """记录中不得出现密级标志（绝密、机密、秘密★）。

    Why: 涉密内容不得进入记录仓库。涉密项目按第八条（七）不公示，只以 restricted: true 登记不涉密的最少信息。
    “商业机密”“技术机密”“机密性”不是密级标志，不报告。
    Fails: title: 某型装备配套传感器研制（机密★5年）。
    Passes: notes: 申报材料涉及商业秘密的，请予标注。
    """
    for rec, leaves in record_texts(corpus):
        for parent, key, text in leaves:
            marks = sorted({m.group(0) for m in MARKING.finditer(text)}) if "密" in text else []
            if marks:
                yield rec.finding((*parent, key), f"出现密级标志“{'”“'.join(marks)}”：涉密内容不得进入记录仓库。")


@rule("P003", level=ERROR, cites="网页安全")
def no_active_markup(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """文本中不得含有可执行的网页标记：<script、<iframe、on…= 事件处理属性、javascript: 链接。

    Why: 记录的文本会显示在门户上；即使渲染时会净化，可执行标记出现在记录里本身就是攻击或误贴，应当拒绝。
    Fails: how_to_apply 中有 <script>alert(1)</script>；<img src=x onerror=alert(1)>；[申报](javascript:alert(1))。
    Passes: 普通 Markdown 文本、https 链接。
    """
    for rec, leaves in record_texts(corpus):
        for parent, key, text in leaves:
            hits = [label for pattern, label in ACTIVE_MARKUP if pattern.search(text)] if "<" in text or ":" in text else []
            if hits:
                yield rec.finding((*parent, key), f"含有可执行的网页标记：{'、'.join(hits)}。")
