"""``jiebang init DIR [--profile …]``: a records repository a bureau can push as it is.

It holds ``records/program.yaml`` from a profile (``shapingba``: the reference district
programme; ``hainan``: an enterprise-led provincial one; ``blank``: every field to fill in,
marked ``待填写``), the JSON Schemas its modelines point at, GitHub workflows that install
jiebang from PyPI at a pinned version and run only jiebang (validate and preview each pull
request; build and deploy on main and every day at 00:10 Beijing time), the files GitHub
reads (CODEOWNERS, a ruleset to import, allowed signers, issue forms, a PR template), a
pre-commit configuration, VS Code settings (the YAML extension reads the modelines),
``.gitignore`` and a README in Chinese. The templates are package
data (``templates/``); ``@NAME@`` marks what is filled in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from generator import __version__, dates
from generator.errors import CannotRun, os_message
from generator.layout import RECORDS
from generator.records.new import modeline, program_template
from generator.schemas import write_schemas

PROFILES = ("shapingba", "hainan", "blank")
TEMPLATES = resources.files("generator.records") / "templates"
# template → place in the repository (template names carry no leading dot: package data)
FILES = {
    "README.md": "README.md",
    "gitignore": ".gitignore",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "github/workflows/validate.yml": ".github/workflows/validate.yml",
    "github/workflows/portal.yml": ".github/workflows/portal.yml",
    "github/CODEOWNERS": ".github/CODEOWNERS",
    "github/rulesets/main.json": ".github/rulesets/main.json",
    "github/allowed_signers": ".github/allowed_signers",
    "github/ISSUE_TEMPLATE/need.yml": ".github/ISSUE_TEMPLATE/need.yml",
    "github/ISSUE_TEMPLATE/config.yml": ".github/ISSUE_TEMPLATE/config.yml",
    "github/pull_request_template.md": ".github/pull_request_template.md",
    "vscode/extensions.json": ".vscode/extensions.json",
    "vscode/settings.json": ".vscode/settings.json",
}
FOLDERS = ("needs", "lists", "calls", "bids", "reviews", "projects", "milestones", "awards")


@dataclass(frozen=True)
class Scaffold:
    """What ``init`` writes: repo-relative path → text."""

    files: dict[str, str]


def requirement() -> str:
    """The pip requirement the generated workflows install: this version of jiebang."""
    return f"jiebang=={__version__}"


def scaffold(profile: str = "shapingba", jiebang: str | None = None, today: dt.date | None = None) -> Scaffold:
    """Every file of a new records repository (schemas apart). ``jiebang``: what the workflows
    and hooks install (default ``jiebang==<this version>``; a test may name a local wheel)."""
    if profile not in PROFILES:
        raise CannotRun(f"未知的方案模板“{profile}”，应为 {' | '.join(PROFILES)}。")
    program = _program(profile, today or dates.today())
    data = yaml.safe_load(program)
    industries = data.get("industries") if isinstance(data.get("industries"), list) else []
    portal = data.get("portal") if isinstance(data.get("portal"), dict) else {}
    values = {
        "JIEBANG": jiebang or requirement(),
        "VERSION": __version__,
        "TITLE": str(portal.get("title", "揭榜挂帅")),
        "ISSUER": str(data.get("issuer", "本单位")),
        "PORTAL_URL": str(portal.get("base_url", "https://example.org/")),
        "INDUSTRY_OPTIONS": "\n".join(f"        - {name}" for name in industries) or "        - 待填写",
    }
    files = {target: _fill((TEMPLATES / source).read_text(encoding="utf-8"), values) for source, target in FILES.items()}
    files[f"{RECORDS}/program.yaml"] = program
    files.update({f"{RECORDS}/{folder}/.gitkeep": "" for folder in FOLDERS})
    return Scaffold(files)


def init(target: Path, profile: str = "shapingba", jiebang: str | None = None) -> list[Path]:
    """Write a new records repository into ``target`` (absent or empty); returns what was written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CannotRun(f"{target} 已存在且不是空目录：jiebang init 只在新目录或空目录中创建记录仓库，不覆盖任何文件。")
    made = scaffold(profile, jiebang)
    written: list[Path] = []
    try:
        for rel, text in sorted(made.files.items()):
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise CannotRun(f"无法写入 {target}：{os_message(exc)}。请检查路径和权限。") from exc
    return written + write_schemas(target / "schemas")


def _program(profile: str, today: dt.date) -> str:
    if profile == "blank":  # the model's own template: every required field 待填写 (as `jiebang new program`)
        return program_template(today)
    text = (TEMPLATES / "program" / f"{profile}.yaml").read_text(encoding="utf-8")
    return modeline("program", 1) + "\n" + text


def _fill(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text
