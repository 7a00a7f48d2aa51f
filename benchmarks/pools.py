"""Names, units and wording for the synthetic programme.

Every unit has a unique name and a unique 统一社会信用代码 with a correct GB 32100-2015
check digit, derived from its index, so the same index always gives the same unit.
Units come from disjoint pools (end users, bidders, experts' bodies), which keeps the
set clear of B001 (an end user bids) and E003 (an expert from a bidder).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from generator.models.codes import CREDIT_ALPHABET, credit_check_digit

INDUSTRIES = ("智能科技", "生命健康", "绿色低碳", "新材料", "高端装备")

# (object, indicator name, indicator target) per industry, combined with an action.
SUBJECTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "智能科技": (
        ("伺服电机绝对值编码器", "单圈分辨率", "≥23 位"),
        ("工业机器人精密减速器", "传动回差", "≤1 弧分"),
        ("车规级激光雷达", "测距精度", "≤2 cm"),
        ("边缘计算视觉检测模组", "缺陷检出率", "≥99.5%"),
        ("智能网联汽车域控制器", "功能安全等级", "ASIL-D"),
        ("工业实时以太网芯片", "时钟同步误差", "≤100 ns"),
    ),
    "生命健康": (
        ("高通量基因测序仪光学系统", "单次通量", "≥1.5 Tb"),
        ("医用植入级钛合金粉末", "氧含量", "≤0.13%"),
        ("国产化超声探头", "中心频率", "≥12 MHz"),
        ("细胞治疗自动化制备设备", "批间差异", "≤5%"),
        ("疫苗佐剂关键原料", "纯度", "≥99.9%"),
    ),
    "绿色低碳": (
        ("钠离子电池正极材料", "比容量", "≥150 mAh/g"),
        ("工业余热有机朗肯循环机组", "发电效率", "≥12%"),
        ("氢燃料电池膜电极", "功率密度", "≥1.2 W/cm²"),
        ("光伏组件回收工艺", "硅回收率", "≥95%"),
        ("污泥低碳干化装备", "单位能耗", "≤0.8 kWh/kg"),
    ),
    "新材料": (
        ("高纯电子级多晶硅", "纯度", "≥11N"),
        ("碳纤维复合材料汽车构件", "减重比例", "≥30%"),
        ("高导热氮化铝陶瓷基板", "热导率", "≥170 W/(m·K)"),
        ("特种工程塑料 PEEK", "拉伸强度", "≥95 MPa"),
    ),
    "高端装备": (
        ("五轴联动数控系统", "定位精度", "≤3 μm"),
        ("大型风电主轴轴承", "设计寿命", "≥25 年"),
        ("轨道交通牵引变流器", "效率", "≥98.5%"),
        ("航空发动机叶片检测装备", "检测节拍", "≤90 s/件"),
    ),
}
ACTIONS = ("研制", "关键技术攻关", "国产化研发", "工程化验证", "产业化示范")
VERIFICATIONS = ("第三方检测报告", "用户试用报告", "专家现场测试", "型式试验报告")
SECOND_INDICATORS = (("连续无故障运行", "≥2000 小时"), ("国产化率", "≥90%"), ("成本较进口下降", "≥30%"), ("通过行业认证", "1 项"))

CITIES = ("重庆", "成都", "西安", "武汉", "长沙", "合肥", "苏州", "杭州", "深圳", "天津")
REGIONS = ("500106", "510107", "610113", "420111", "430104", "340104", "320505", "330106", "440305", "120116")
WORD_A = "星衡锐拓川仪博远华创中科天成恒信瑞达金石长江智航宏图云启明德正泰"
WORD_B = "精密传感智能装备电子材料生物能源动力光电数控微纳新能"
SUFFIXES = {
    "end-user": ("制造有限公司", "集团有限公司", "实业有限公司"),
    "enterprise": ("科技有限公司", "股份有限公司", "技术有限公司"),
    "university": ("理工大学", "科技学院", "工业大学"),
    "institute": ("技术研究院", "研究所", "产业技术研究院"),
    "new-rd-institution": ("新型研发中心", "创新研究院"),
}
# Bodies the experts come from: (name pattern, registration prefix of the credit code).
EXPERT_BODIES = {
    "management": ("{city}市{a}{b}产业管理办公室", "11"),
    "industry": ("{city}{a}{b}行业协会", "51"),
    "peer-tech": ("{city}{a}{b}科学研究院", "12"),
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文斌宁晨玉兰"


@dataclass(frozen=True)
class Unit:
    name: str
    credit_code: str
    type: str = "enterprise"

    def as_end_user(self) -> dict[str, str]:
        return {"name": self.name, "credit_code": self.credit_code}

    def as_bidder(self) -> dict[str, str]:
        return {"name": self.name, "type": self.type, "credit_code": self.credit_code}


def credit_code(prefix: str, region: str, pool: int, index: int) -> str:
    """A valid code whose organisation part encodes (pool, index): unique per unit.

    The organisation part always starts with letters, so no code reads as a phone or
    resident ID number.
    """
    digits = []
    value = index
    for _ in range(7):
        value, rest = divmod(value, len(CREDIT_ALPHABET))
        digits.append(CREDIT_ALPHABET[rest])
    first17 = f"{prefix}{region}M{'ABCDEFGH'[pool]}{''.join(reversed(digits))}"
    return first17 + credit_check_digit(first17)


def _unique_words(index: int) -> tuple[str, str, int, int]:
    """index → (two-character word, two-character word, city, serial): a bijection."""
    na, nb = len(WORD_A) // 2, len(WORD_B) // 2
    rest, b = divmod(index, nb)
    rest, city = divmod(rest, len(CITIES))
    rest, a1 = divmod(rest, na)
    serial, a2 = divmod(rest, na)
    return WORD_A[2 * a1] + WORD_A[2 * a2 + 1], WORD_B[2 * b : 2 * b + 2], city, serial


class Units:
    """Deterministic unit pools: end users, bidders, and the bodies experts come from."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], Unit] = {}

    def end_user(self, index: int) -> Unit:
        return self._unit("end-user", index, 0)

    def bidder(self, index: int) -> Unit:
        return self._unit("bidder", index, 1)

    def expert_body(self, role: str, index: int) -> Unit:
        return self._unit(role, index, 2 + tuple(EXPERT_BODIES).index(role))

    def _unit(self, pool: str, index: int, pool_no: int) -> Unit:
        key = (pool, index)
        unit = self._cache.get(key)
        if unit is None:
            a, b, city, number = _unique_words(index)
            town, region = CITIES[city], REGIONS[city]
            serial = str(number + 1) if number else ""  # past the word combinations: a branch number
            if pool in EXPERT_BODIES:
                pattern, prefix = EXPERT_BODIES[pool]
                name, kind = pattern.format(city=town, a=a, b=b) + serial, "other"
            else:
                kind = "enterprise" if pool == "end-user" else ("enterprise", "university", "institute", "new-rd-institution")[index % 4]
                suffixes = SUFFIXES[pool if pool == "end-user" else kind]
                suffix = suffixes[index % len(suffixes)]
                name = f"{town}{a}{b}{serial}{suffix}"
                prefix = "91" if kind == "enterprise" else ("12" if kind in ("university", "institute") else "52")
            unit = Unit(name, credit_code(prefix, region, pool_no, index), kind)
            self._cache[key] = unit
        return unit


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
