"""The OCDS 1.1 codes this export uses, each chosen by the codelist's own definition
(``schema/codelists/*.csv`` of the standard; the tests read the official 1.1.5 files).

A list that was never published (draft, argued, approved) has no release at all: the public
never saw it, and a release would disclose it.
"""

from __future__ import annotations

VERSION = "1.1"
CURRENCY = "CNY"
LANGUAGE = "zh"
# org-id.guide's list for the 统一社会信用代码 (Unified Social Credit Identifier), issued by the
# State Administration for Market Regulation under GB 32100-2015 to companies, institutions and
# government bodies alike.
SCHEME = "CN-USCI"

# tenderStatus: "active: A tender process is currently taking place"; "complete: The tender
# process is complete"; "unsuccessful: The tender process was unsuccessful"; "cancelled: The
# tender process has been cancelled"; "withdrawn: No further information on this process is
# available under this ocid" (a publisher retracting the ocid, not the buyer cancelling).
TENDER_STATUS = {
    "published": "active",  # 征集中: bids are invited
    "closed": "active",  # 已截止: bidding is over but the bids are not yet judged; tenderPeriod.endDate says bidding closed
    "awarded": "complete",  # 已揭榜: the review selected a winner and its 公示 is under way or over
    "unclaimed": "unsuccessful",  # 无人揭榜 / 流榜: no bid, or none was selected
    "withdrawn": "cancelled",  # 撤榜: the issuer cancelled the list; its history stays under the ocid
}
# awardStatus: "pending: proposed, not yet in force … due to a cooling off period"; "active: made,
# and currently in force"; "unsuccessful: could not be successfully made". A selection whose 公示
# upheld an objection never came into force: unsuccessful, not cancelled (which an award in force becomes).
AWARD_STATUS = {
    "pending": "pending",
    "no-objection": "active",
    "objections-dismissed": "active",
    "upheld": "unsuccessful",
}
# contractStatus: "active: signed by all the parties, and now legally in force"; "terminated: signed
# and in force, and has now come to a close … successful completion, or early termination". A
# project record exists only once its 任务书 is signed, so pending and cancelled never apply.
CONTRACT_STATUS = {"in-progress": "active", "succeeded": "terminated", "failed": "terminated", "terminated": "terminated"}
# milestoneStatus: scheduled until its check; met / notMet by the check's result.
MILESTONE_STATUS = {"passed": "met", "failed": "notMet"}

# releaseTag, in the codelist's order: a release's tags name what it brings (tags.py).
TAG_ORDER = (
    "planning",
    "planningUpdate",
    "tender",
    "tenderAmendment",
    "tenderUpdate",
    "tenderCancellation",
    "award",
    "awardUpdate",
    "awardCancellation",
    "contract",
    "contractUpdate",
    "contractAmendment",
    "implementation",
    "implementationUpdate",
    "contractTermination",
)

# OCDS merging (standard.open-contracting.org/1.1/en/schema/merging/): the rules ocdsmerge
# derives from the 1.1.5 release schema (``omitWhenMerged`` and ``wholeListMerge``), written out
# so that compiling needs no schema download; a test derives them again from the official schema.
MERGE_RULES: dict[tuple[str, ...], str] = {
    ("id",): "omitWhenMerged",
    ("date",): "omitWhenMerged",
    ("tag",): "omitWhenMerged",
    ("parties", "additionalIdentifiers"): "wholeListMerge",
    ("parties", "roles"): "wholeListMerge",
    ("buyer", "additionalIdentifiers"): "wholeListMerge",
    ("tender", "procuringEntity", "additionalIdentifiers"): "wholeListMerge",
    ("tender", "items", "additionalClassifications"): "wholeListMerge",
    ("tender", "additionalProcurementCategories"): "wholeListMerge",
    ("tender", "submissionMethod"): "wholeListMerge",
    ("tender", "tenderers", "additionalIdentifiers"): "wholeListMerge",
    ("tender", "amendments", "changes"): "wholeListMerge",
    ("tender", "amendment", "changes"): "wholeListMerge",
    ("awards", "suppliers", "additionalIdentifiers"): "wholeListMerge",
    ("awards", "items", "additionalClassifications"): "wholeListMerge",
    ("awards", "amendments", "changes"): "wholeListMerge",
    ("awards", "amendment", "changes"): "wholeListMerge",
    ("contracts", "items", "additionalClassifications"): "wholeListMerge",
    ("contracts", "implementation", "transactions", "payer", "additionalIdentifiers"): "wholeListMerge",
    ("contracts", "implementation", "transactions", "payee", "additionalIdentifiers"): "wholeListMerge",
    ("contracts", "relatedProcesses", "relationship"): "wholeListMerge",
    ("contracts", "amendments", "changes"): "wholeListMerge",
    ("contracts", "amendment", "changes"): "wholeListMerge",
    ("relatedProcesses", "relationship"): "wholeListMerge",
}
