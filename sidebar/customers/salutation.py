"""How a script addresses a customer (``{客户称呼}``): the salutation a guide set in the profile, else
surname + 女士/先生 by the gender WeCom reports, else nothing — a script then reads "您好…" (``scripts.fill``
drops the empty greeting and the comma after it). Never the WeChat nickname as it is: "张瑶婉大橙子您好"
is not a greeting. Never the guide's remark: remarks are the guide's private notes ("张可-厦门 敏感肌
11/3 到店") and must not reach the customer."""

from __future__ import annotations

from sidebar.models import Customer

MAX = 16
# Two-character surnames common enough to matter; any other name's surname is its first character.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "令狐",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
        "呼延",
    ]
)
TITLES = {1: "先生", 2: "女士"}  # WeCom's gender: 0 unknown, 1 male, 2 female


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def surname(name: str) -> str | None:
    """The surname a Chinese name starts with; None for a name that does not start with one."""
    name = name.strip()
    if not name or not _is_han(name[0]):
        return None
    if name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[0]


def default_for(name: str, gender: int) -> str:
    """王女士 for 王琪 (female), 陈先生 for 陈文～ (male); nothing when the gender is unknown or the name
    does not start with a Chinese surname (a nickname like "Amy🌸" or "大橙子"): the guide may set one."""
    family = surname(name)
    if family and gender in TITLES:
        return family + TITLES[gender]
    return ""


def of(customer: Customer) -> str:
    """What ``{客户称呼}`` becomes for this customer."""
    return (customer.salutation or "").strip() or default_for(customer.name, customer.gender)
