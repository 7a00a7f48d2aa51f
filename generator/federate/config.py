"""``federation.yaml``: which programmes a national view gathers, and from where.

```yaml
kind: federation
id: cn
title: 全国科技攻关“揭榜挂帅”榜单汇总
base_url: https://example.org/national/     # optional: where the national portal is served
similarity: {threshold: 0.5}                 # optional: the 同质化 report's score threshold
programmes:
  - {id: shapingba, source: https://example.org/jiebang/data/records.json}   # URL
  - {id: hainan-jbgs, source: ../hainan/public/data/records.json}            # file
  - {id: demo, source: ../demo-records}                                      # a records repository
```

A source is an ``http(s)`` address, a ``records.json`` file, or a records repository (a
folder holding ``records/``), whose open data is made here by ``jiebang export``'s code.
Relative paths are read from the folder of ``federation.yaml``. A programme's ``id`` is
its namespace in the national view (``shapingba/L-2024-001``) and must equal the
``program.id`` its open data names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from generator.errors import CannotRun
from generator.records.load import parse, to_json
from generator.schemas import violations

PROGRAMME_ID = r"^[a-z][a-z0-9-]{1,39}$"
DEFAULT_THRESHOLD = 0.5


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Similarity(_Strict):
    threshold: float = Field(DEFAULT_THRESHOLD, ge=0.2, le=1.0, title="同质化判定阈值", description="估计的词集合 Jaccard 相似度，0.2–1")


class Member(_Strict):
    id: str = Field(pattern=PROGRAMME_ID, title="方案代码", description="即该方案 program.yaml 的 id，用作编号前缀")
    source: str = Field(min_length=1, title="开放数据来源", description="records.json 的网址或文件路径，或记录仓库的目录")


class Federation(_Strict):
    kind: Literal["federation"]
    id: str = Field(pattern=PROGRAMME_ID, title="汇总代码")
    title: str = Field(min_length=1, title="汇总门户标题")
    base_url: str | None = Field(None, pattern=r"^https?://\S+/$", title="汇总门户地址", description="以 / 结尾")
    similarity: Similarity = Similarity(threshold=DEFAULT_THRESHOLD)
    programmes: list[Member] = Field(min_length=1, title="参加汇总的方案")


@dataclass(frozen=True)
class Source:
    """Where one programme's open data is read from."""

    programme: str
    location: str  # as written in federation.yaml
    kind: Literal["url", "file", "repo"]
    path: Path | None = None  # file or repository, resolved


@dataclass(frozen=True)
class Config:
    federation: Federation
    sources: tuple[Source, ...]
    folder: Path  # where federation.yaml lives


def load_config(path: Path) -> Config:
    """Read and check ``federation.yaml``; every problem in one Chinese message (exit 2)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CannotRun(f"无法读取汇总配置 {path}：{exc.strerror or exc}。") from exc
    doc, problems = parse(path.name, raw)
    if problems or doc is None or not isinstance(doc.data, dict):
        found = "；".join(f"第 {d.line} 行：{d.message}" for d in problems) or "内容应为键值映射。"
        raise CannotRun(f"汇总配置 {path} 无法读取：{found}")
    data = to_json(doc.data)
    errors = [f"{'.'.join(map(str, where)) or '（根）'}：{message}" for where, message in violations(Federation.model_json_schema(), data)]
    if errors:
        raise CannotRun(f"汇总配置 {path} 有误：\n" + "\n".join(f"  {e}" for e in errors))
    federation = Federation.model_validate(data)
    ids = [m.id for m in federation.programmes]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise CannotRun(f"汇总配置 {path} 有误：方案代码 {'、'.join(twice)} 出现了不止一次。")
    folder = path.resolve().parent
    try:
        return Config(federation, tuple(source_of(m, folder) for m in federation.programmes), folder)
    except ValueError as exc:
        raise CannotRun(f"汇总配置 {path} 有误：{exc}") from exc


def source_of(member: Member, folder: Path) -> Source:
    if member.source.startswith(("https://", "http://")):
        return Source(member.id, member.source, "url")
    if "://" in member.source:
        raise ValueError(f"方案 {member.id} 的来源 {member.source} 不受支持：只接受 http(s) 网址、文件路径或记录仓库目录。")
    path = (folder / member.source).resolve()
    return Source(member.id, member.source, "repo" if (path / "records").is_dir() else "file", path)
