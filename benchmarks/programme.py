"""The records of a synthetic programme: batches of lists and each list's life.

See ``benchmarks.synth`` for what the programme holds and how it is written to disk.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from benchmarks import pools
from benchmarks.projects import NOW, project_life
from benchmarks.schedule import Batch, Ids, batches, publicity_window

Rec = dict[str, Any]


def program() -> Rec:
    grades = {
        "key": {"label": "重点项目", "subsidy_cap_cny": 100000, "usual_months": [12, 24], "max_months": 36},
        "major": {"label": "重大项目", "subsidy_cap_cny": 300000, "usual_months": [24, 36], "max_months": 60},
    }
    return {
        "kind": "program",
        "id": "synthetic",
        "restricted": False,
        "issuer": "某省科学技术厅",
        "region": "某省",
        "mode": "government-led",
        "basis": "《某省科技攻关“揭榜挂帅”项目实施方案》（合成数据，仅供性能测试）",
        "industries": list(pools.INDUSTRIES),
        "portal": {
            "title": "某省科技攻关“揭榜挂帅”（合成数据）",
            "base_url": "https://example.org/synthetic/",
            "repo_url": "https://github.com/example/synthetic",
        },
        "policy": {
            "grades": grades,
            "months_without_extension": 36,
            "min_panel_size": 5,
            "publicity_working_days": 5,
            "min_release_scope": "national",
        },
    }


class Programme:
    """Generates the records of one synthetic programme, batch by batch."""

    def __init__(self, lists: int, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.units = pools.Units()
        self.ids = Ids()
        self.batches = batches(lists, NOW)
        self.end_users = max(8, lists // 3)
        self.bidders = max(30, lists)
        self.bodies = max(12, lists // 20)

    def records(self) -> Iterator[Rec]:
        yield program()
        for batch in self.batches:
            yield from self._batch(batch)

    def _batch(self, batch: Batch) -> Iterator[Rec]:
        rng = self.rng
        lists = [self._list(batch, n) for n in batch.numbers]
        call_id = f"C-{batch.year}-{batch.half:02d}"
        closes = batch.closes
        yield {
            "kind": "call",
            "id": call_id,
            "restricted": False,
            "title": f"{batch.year}年度某省科技攻关“揭榜挂帅”项目申报指南（第{batch.half}批）",
            "published": batch.opens,
            "opens": batch.opens,
            "closes": closes,
            "lists": [lst["id"] for lst, _ in lists],
            "how_to_apply": "登录省科技厅网站下载申报书，按要求填写后在截止日前报送。",
            "materials": ["项目申报书", "营业执照或法人登记证书复印件", "社会信用承诺书", "知识产权情况说明"],
            "contacts": [{"office": "省科技厅成果转化处", "phone": f"023-6531{rng.randrange(10000):04d}"}],
        }
        for lst, need in lists:
            lst["call"] = call_id
            yield need
            yield from self._list_life(batch, lst)

    def _list(self, batch: Batch, number: int) -> tuple[Rec, Rec]:
        rng = self.rng
        industry = rng.choice(pools.INDUSTRIES)
        subject, ind_name, ind_target = rng.choice(pools.SUBJECTS[industry])
        end_user = self.units.end_user(rng.randrange(self.end_users))
        major = rng.random() < 0.25
        subsidy = rng.randrange(15, 31) * 10000 if major else rng.randrange(5, 11) * 10000
        months = rng.choice((24, 30, 36) if major else (12, 18, 24))
        restricted = rng.random() < 0.02
        lid, nid = f"L-{batch.year}-{number:03d}", f"N-{batch.year}-{number:03d}"
        commitment = subsidy * rng.choice((1, 2, 3))
        title = f"{subject}{rng.choice(pools.ACTIONS)}"
        second = rng.choice(pools.SECOND_INDICATORS)
        need = {
            "kind": "need",
            "id": nid,
            "restricted": restricted,
            "title": f"{subject}国产化需求",
            "end_user": end_user.as_end_user(),
            "industry": industry,
            "channel": rng.choice(("survey", "public-call")),
            "submitted": batch.day(0, rng),
            "problem": f"{subject}依赖进口，交期长、价格高。",
            "impact": f"制约省内{industry}产业整机企业的产能与成本。",
            "commitment_cny": commitment,
            "status": "refined",
            "refined_into": [lid],
        }
        lst: Rec = {
            "kind": "list",
            "id": lid,
            "restricted": restricted,
            "title": title,
            "grade": "major" if major else "key",
            "status": "published",
            "needs": [nid],
            "end_user": end_user.as_end_user(),
            "industry": industry,
            "bottleneck": f"{subject}的核心技术尚未突破，{ind_name}达不到整机要求。",
            "impact": f"影响{industry}产业链的自主可控。",
            "indicators": [
                {"id": "I1", "name": ind_name, "target": ind_target, "verification": rng.choice(pools.VERIFICATIONS)},
                {"id": "I2", "name": second[0], "target": second[1], "verification": rng.choice(pools.VERIFICATIONS)},
            ],
            "benchmark": "对标国外同类先进产品。",
            "funding": {"subsidy_cny": subsidy, "end_user_cny": commitment},
            "period": {
                "months": months,
                "nodes": [{"month": months // 2, "requirement": "完成工程样机"}, {"month": months, "requirement": "通过第三方检测并验收"}],
            },
            "eligibility": {
                "scope": "global" if rng.random() < 0.1 else "national",
                "unit_types": ["university", "institute", "enterprise", "new-rd-institution"],
                "joint_bids": rng.random() < 0.7,
                "notes": "具有良好社会信用，掌握自主知识产权。",
            },
            "argumentation": None,
            "decision": {
                "body": "省科技厅党组会",
                "date": batch.day(2, rng),
                "ref": f"党组会纪要〔{batch.year}〕{batch.half * 10 + rng.randrange(9)}号",
            },
            "call": None,
        }
        if rng.random() < 0.03:
            lst["amendments"] = [{"date": batch.opens + dt.timedelta(days=10), "fields": ["indicators"], "summary": "指标I2考核方式更正"}]
        return lst, need

    def _list_life(self, batch: Batch, lst: Rec) -> Iterator[Rec]:
        rng = self.rng
        flags = {"restricted": lst["restricted"]}
        argumentation = self.review(batch.day(1, rng), "list-argumentation", lst["id"], "pass", flags, "榜单指标明确、可考核，建议发布。")
        lst["argumentation"] = argumentation["id"]
        bids = self._bids(batch, lst, flags)
        fate = batch.fate(rng)
        lst["status"] = {"open": "published", "pending": "closed", "unclaimed": "unclaimed", "awarded": "awarded"}[fate]
        yield lst
        yield argumentation
        yield from bids
        if fate in ("open", "pending"):
            return
        review_day = batch.closes + dt.timedelta(days=rng.randrange(5, 16))
        end_user_head = {"name": pools.person(rng), "role": "end-user-head", **_affiliation(lst["end_user"])}
        if fate == "unclaimed":
            yield self.review(
                review_day, "bid-review", lst["id"], "none", flags, "各申报方案均未达到榜单指标要求，本榜流榜。", end_user_head
            )
            return
        winner = rng.choice([b for b in bids if b["status"] == "submitted"])
        review = self.review(
            review_day, "bid-review", lst["id"], "selected", flags, f"{winner['id']} 方案可行、团队基础扎实。", end_user_head
        )
        start, end = publicity_window(review_day, 5)
        objections = []
        if rng.random() < 0.1:
            objections.append(
                {"received": start + dt.timedelta(days=1), "summary": "对牵头单位的研发基础提出质疑。", "outcome": "dismissed"}
            )
        review["selected"] = [winner["id"]]
        review["publicity"] = {
            "start": start,
            "end": end,
            "channel": "书面异议请寄省科技厅成果转化处。",
            "objections": objections,
            "outcome": "no-objection",
        }
        yield review
        yield from project_life(self, lst, winner, review, end, flags)

    def _bids(self, batch: Batch, lst: Rec, flags: Rec) -> list[Rec]:
        rng = self.rng
        units = [self.units.bidder(i) for i in rng.sample(range(self.bidders), 5)]
        last = min(batch.closes, NOW)
        out = []
        for k in range(3):
            submitted = batch.opens + dt.timedelta(days=rng.randrange(1, (last - batch.opens).days + 1))
            partners = [units[3 + k].as_bidder()] if k < 2 and lst["eligibility"]["joint_bids"] and rng.random() < 0.5 else []
            requested = lst["funding"]["subsidy_cny"] - rng.randrange(0, 3) * 5000
            out.append(
                {
                    "kind": "bid",
                    "id": self.ids.take("B", submitted.year),
                    **flags,
                    "list": lst["id"],
                    "submitted": submitted,
                    "lead": units[k].as_bidder(),
                    "partners": partners,
                    "principal_investigator": {"name": pools.person(rng)},
                    "plan_summary": rng.choice(
                        ("分两阶段完成样机与检测。", "产学研联合攻关，先仿真后试制。", "依托现有中试线开展工程化验证。")
                    ),
                    "requested_cny": requested,
                    "declarations": {"good_credit": True, "own_ip": True},
                    "status": "withdrawn" if k == 2 and rng.random() < 0.05 else "submitted",
                }
            )
        return out

    def review(self, day: dt.date, kind: str, subject: str, result: str, flags: Rec, opinion: str, head: Rec | None = None) -> Rec:
        rng = self.rng
        roles = ["management", "industry", "peer-tech", "peer-tech"] + (["industry"] if head is None else [])
        if rng.random() < 0.2:
            roles += ["industry", "peer-tech"]
        panel = []
        for role in roles:
            body = self.units.expert_body(role, rng.randrange(self.bodies))
            member: Rec = {"name": pools.person(rng), "role": role, **_affiliation(body.as_end_user())}
            if role == "peer-tech":
                member = {**member, "in_district": rng.random() < 0.4}
            panel.append(member)
        if head is not None:
            panel.append(head)
        return {
            "kind": "review",
            "id": self.ids.take("R", day.year),
            **flags,
            "type": kind,
            "subject": subject,
            "date": day,
            "panel": panel,
            "conflicts_declared": True,
            "opinion": opinion,
            "result": result,
        }


def _affiliation(unit: Rec) -> Rec:
    return {"affiliation": unit["name"], "credit_code": unit["credit_code"]}
