"""Structure and references: S001–S006, S008, R001–R002."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import PurePosixPath

from generator.diagnostics import ERROR
from generator.models import FOLDER_KIND, KINDS, Finding, Policy
from generator.models.codes import credit_code_valid
from generator.models.corpus import Corpus
from generator.models.refs import references
from generator.rules.base import UNCITED, declare, rule
from generator.rules.texts import record_texts

declare(
    "S001",
    level=ERROR,
    cites=UNCITED,
    stage="parse",
    doc="""YAML 文件必须能解析：语法正确、空格缩进、UTF-8 编码且不带 BOM。
Fails: 缩进中用了 Tab；文件以 BOM 开头；GBK 编码。
Passes: UTF-8（无 BOM）、两个空格缩进的 YAML。""",
)
declare(
    "S002",
    level=ERROR,
    cites=UNCITED,
    stage="parse",
    doc="""同一映射中不得出现重复的键。
Why: PyYAML 会静默保留后一个值，前一个值就此丢失。
Fails: 一个文件里写了两次 title:。
Passes: 每个键只出现一次。""",
)
declare(
    "S003",
    level=ERROR,
    cites=UNCITED,
    stage="schema",
    doc="""记录必须符合其类型的 JSON Schema（schemas/<kind>.schema.json）。
Why: 类型、必填字段、枚举取值、编号格式、未知字段都在这里把关；编辑器依据同一模式给出提示。
Fails: grade: important；缺少 funding；拼错的字段名 titel；金额写成 100000.5。
Passes: 字段齐全、取值在枚举之内的记录。""",
)
declare(
    "S005",
    level=ERROR,
    cites=UNCITED,
    stage="parse",
    doc="""拒绝不安全或超大的输入。
Why: 记录来自外部提交；YAML 标签可执行代码，别名可指数膨胀（“亿万笑声”）；符号链接可指向仓库之外的文件，命名管道会让检查一直等待。
Fails: !!python/object 标签；别名展开超过 1000 个节点；文件超过 1 MiB；嵌套超过 32 层；records/ 下的符号链接、命名管道、设备文件、套接字或 git 子模块（不打开、不跟随）。
Passes: 只用 YAML 核心类型、放在 records/ 下的普通记录文件。""",
)

declare(
    "S008",
    level=ERROR,
    cites="YAML 1.2.2 核心模式（10.3.2）",
    stage="parse",
    doc="""取值须与 YAML 1.2 编辑器所见一致：不用 YAML 1.1 独有的写法，字符串中不含控制字符。
Why: 记录的含义以 YAML 1.2 编辑器所见为准，而 PyYAML 按 YAML 1.1 解读：on、yes、no、off 成了布尔值，030 成了八进制数 24，1:30 成了 90，100_000 成了 100000；1e5、09 在 YAML 1.2 中却是数。同一文件两种读法，审核所见与系统所用就会不同。控制字符（换行、制表符除外，也包括行分隔符 U+2028、段分隔符 U+2029）在编辑器中看不见，在网页、日历和数据文件中却会断行或改变显示。
Fails: joint_bids: on；months: 030；subsidy_cny: 100_000；title: "\\e[31m红"；文件中夹有 U+2028。
Passes: joint_bids: true；months: 24；subsidy_cny: 100000；要写成文本时加引号，如 code: "030"。""",
)

declare(
    "S007",
    level=ERROR,
    cites=UNCITED,
    stage="parse",
    doc="""记录中不得留有占位内容（待填写、待补充、TODO 等）。
Why: jiebang new 为每个须填写的字段写入“待填写”；整个取值仍是占位内容的字段说明记录尚未填完。
占位内容在 JSON Schema 之前检查，因此日期、金额字段中的“待填写”报告为 S007，而不是类型错误。
Fails: title: 待填写；submitted: 待填写；indicators 中 target: TODO。
Passes: 所有字段都填写了实际内容（“待填写事项说明”这样只包含占位词的正文不算）。""",
)


@rule("S004", level=ERROR, cites=UNCITED, needs_policy=False)
def id_matches_file_and_kind_matches_folder(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """记录的 id 必须等于文件名，kind 必须与所在文件夹一致。

    Why: 文件名就是记录的地址；门户、历史与引用都靠它找到记录。
    Fails: records/lists/L-2024-003.yaml 中写 id: L-2024-004；records/bids/ 下放了 kind: review。
    Passes: records/lists/2024/L-2024-003.yaml 中 kind: list、id: L-2024-003。
    """
    for rec in corpus:
        if rec.source is None:
            continue
        path = PurePosixPath(rec.source.path)
        parts = path.parts[1:]  # below records/
        if not KINDS[rec.kind].folder:  # one file of its own: records/program.yaml, records/redactions.yaml
            if parts != (f"{rec.kind}.yaml",):
                yield rec.finding(("kind",), f"{rec.kind} 记录只能是 records/{rec.kind}.yaml，而不是 {rec.source.path}。")
            continue
        folder_kind = FOLDER_KIND.get(parts[0]) if len(parts) > 1 else None
        if folder_kind != rec.kind:
            expected = f"records/{KINDS[rec.kind].folder}/"
            yield rec.finding(("kind",), f"kind 为 {rec.kind} 的记录应放在 {expected} 下，而不是 {rec.source.path}。")
        elif path.stem != rec.id:
            yield rec.finding(("id",), f"id“{rec.id}”与文件名“{path.name}”不一致：文件应命名为 {rec.id}.yaml。")


@rule("S006", level=ERROR, cites="GB 32100-2015", needs_policy=False)
def credit_code_check_digit(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """统一社会信用代码的第 18 位校验码必须正确。

    Why: “同一单位”按代码而不是名称判定；错一位就会让回避审查和最终用户审查失效。
    Fails: credit_code: "91500106MA5U0XXXX1"（校验位不符）。
    Passes: 校验位按 GB 32100-2015 计算正确的代码。
    """
    for rec, leaves in record_texts(corpus):
        for parent, key, value in leaves:
            if key == "credit_code" and not credit_code_valid(value):
                yield rec.finding((*parent, key), f"统一社会信用代码“{value}”校验位不正确，请核对营业执照或登记证书。")


@rule("R001", level=ERROR, cites=UNCITED, needs_policy=False)
def references_resolve(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """引用的记录必须存在，且类型正确。

    Why: 榜单、申报、评审、项目之间的引用构成决策链条；断链即无据可查。
    Fails: bid 的 list: L-2024-099（不存在）；project 的 review 指向一个 bid。
    Passes: 所有引用都指向存在且类型正确的记录。
    """
    for rec in corpus:
        for path, target, kind in references(rec):
            found = corpus.by_id.get(target)
            if found is None:
                if target not in corpus.broken:  # the target's own file already has a finding
                    yield rec.finding(path, f"引用的{KINDS[kind].label}“{target}”不存在。")
            elif found.kind != kind:
                yield rec.finding(path, f"“{target}”是{KINDS[found.kind].label}（{found.kind}），此处应引用{KINDS[kind].label}（{kind}）。")


@rule("R002", level=ERROR, cites=UNCITED, needs_policy=False)
def ids_unique(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """同一个 id 只能出现在一个文件中。

    Why: 两个文件同名不同夹（如按年份分子目录）时，引用会指向哪一个无法确定。
    Fails: records/lists/L-2024-003.yaml 与 records/lists/2024/L-2024-003.yaml 同时存在。
    Passes: 每个 id 只有一个文件。
    """
    seen: dict[str, list[str]] = defaultdict(list)
    for rec in corpus:
        if rec.source is not None:
            seen[rec.id].append(rec.source.path)
    for rec in corpus:
        paths = seen.get(rec.id, [])
        if rec.source is not None and len(paths) > 1 and rec.source.path != min(paths):
            yield rec.finding(("id",), f"id“{rec.id}”重复：{min(paths)} 中已有同一 id 的记录。")
