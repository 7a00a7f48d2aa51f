"""One pydantic model per record kind, and the table that ties kind, folder and model."""

from __future__ import annotations

from dataclasses import dataclass

from generator.models.award import Award
from generator.models.bid import Bid
from generator.models.call import Call
from generator.models.common import Finding, Record, Source
from generator.models.listing import ChallengeList
from generator.models.milestone import Milestone
from generator.models.need import Need
from generator.models.program import Policy, Program
from generator.models.project import Project
from generator.models.redaction import Redaction, Redactions
from generator.models.review import Review


@dataclass(frozen=True)
class Kind:
    name: str
    folder: str  # under records/; "" for a kind of one file, records/<kind>.yaml (program, redactions)
    model: type[Record]
    label: str  # Chinese name shown to officials and on the portal


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("program", "", Program, "方案"),
        Kind("need", "needs", Need, "需求"),
        Kind("list", "lists", ChallengeList, "榜单"),
        Kind("call", "calls", Call, "申报指南"),
        Kind("bid", "bids", Bid, "揭榜申报"),
        Kind("review", "reviews", Review, "评审"),
        Kind("project", "projects", Project, "项目"),
        Kind("milestone", "milestones", Milestone, "里程碑"),
        Kind("award", "awards", Award, "资金拨付"),
        Kind("redactions", "", Redactions, "隐去记录"),
    )
}
FOLDER_KIND: dict[str, str] = {k.folder: k.name for k in KINDS.values() if k.folder}
SINGLE_FILES: dict[str, str] = {f"{k.name}.yaml": k.name for k in KINDS.values() if not k.folder}  # records/<name> → kind

__all__ = [
    "FOLDER_KIND",
    "KINDS",
    "SINGLE_FILES",
    "Award",
    "Bid",
    "Call",
    "ChallengeList",
    "Finding",
    "Kind",
    "Milestone",
    "Need",
    "Policy",
    "Program",
    "Project",
    "Record",
    "Redaction",
    "Redactions",
    "Review",
    "Source",
]
