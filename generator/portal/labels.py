"""Chinese labels for the codes records use, as the portal shows them."""

from __future__ import annotations

from generator.models import ChallengeList
from generator.models.common import BIDDER_KIND_LABELS, BIDDER_TYPE_LABELS
from generator.models.review import TYPE_LABELS

LIST_STATUS = {
    "draft": "草拟",
    "argued": "已论证",
    "approved": "已确定",
    "published": "征集中",
    "closed": "已截止",
    "awarded": "已揭榜",
    "unclaimed": "无人揭榜",
    "withdrawn": "已撤回",
}
PROJECT_STATUS = {"in-progress": "实施中", "succeeded": "验收通过", "failed": "未通过验收", "terminated": "已终止"}
UNIT_TYPE = BIDDER_TYPE_LABELS
SCOPE = {"district": "区内", "municipal": "市内", "provincial": "省内", "national": "全国", "global": "全球"}
MODE = {"government-led": "政府主导型", "enterprise-led": "企业主导型", "collaborative": "政产学合作型"}
PUBLICITY_OUTCOME = {
    "pending": "公示中",
    "no-objection": "公示期满无异议",
    "objections-dismissed": "公示期满，异议经核查不成立",
    "upheld": "异议成立",
}
OBJECTION_OUTCOME = {"dismissed": "经核查不成立", "upheld": "经核查成立", "pending": "正在核查"}
AWARD_BASIS = {"agreement": "任务书签订", "milestone": "节点检查通过", "acceptance": "结题验收通过"}
CATEGORY = {"basic": "基础研究类", "applied": "应用研究类", "public-welfare": "社会公益类"}
CHECK_RESULT = {"passed": "通过", "failed": "未通过", None: "待检查"}
APPROVAL_RESULT = {"approved": "同意立项", "rejected": "不予立项"}
TRACK = {"tackle": "技术攻关类", "transfer": "成果转化类"}
PAYER_KIND = {
    "government": "政府部门",
    "enterprise": "企业",
    "fund": "产业基金",
    "venture": "创业投资",
    "insurance": "保险",
    "other": "其他",
}
BIDDER_KIND = BIDDER_KIND_LABELS
REVIEW_ROLE = {"management": "管理专家", "industry": "产业专家", "peer-tech": "同行技术专家", "end-user-head": "需求单位负责人"}
REVIEW_TYPE = TYPE_LABELS
LEVEL = {"national": "国家级", "provincial": "省级", "municipal": "市级", "county": "县（区）级"}
CHINESE_NUMERALS = "一二三四五六七八九十"


def field_title(name: str) -> str:
    """A list field's Chinese name, for 更正公告 (``amendments[].fields``)."""
    info = ChallengeList.model_fields.get(name)
    return info.title if info and info.title else name


# Codes open data publishes that the pages did not name yet (the data dictionary names every code).
ISSUER_TYPE = {
    "enterprise": "企业",
    "government": "政府部门",
    "university": "高校",
    "institute": "科研院所",
    "new-rd-institution": "新型研发机构",
    "hospital": "医疗机构",
    "other": "其他",
}
BID_STATUS = {"submitted": "已提交", "withdrawn": "已撤回"}
AWARD_SOURCE = {"subsidy": "财政资助", "end-user": "需求单位投入", "other": "其他出资方"}
