"""The demo brand: a cosmetics company, its teams, stores, staff, tags and customers.

Deterministic: customer ``i`` is the same person every time, in the app's ``flask demo seed`` and in
the emulator's WeCom state, so the two agree without talking. Generated per index, so a million
customers stream out in chunks for set-based inserts.
"""

from __future__ import annotations

import hashlib
import random
import struct
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

CORP_NAME = "澜序美妆"
SEED = "beside-demo-2026"
DEFAULT_CUSTOMERS = 300

# WeCom departments: 1 is the corp itself.
DEPARTMENTS: list[dict[str, Any]] = [
    {"id": 1, "name": CORP_NAME, "parentid": 0},
    {"id": 2, "name": "华东大区", "parentid": 1},
    {"id": 3, "name": "华南大区", "parentid": 1},
]
STORES: list[dict[str, Any]] = [
    {"code": "SH01", "name": "上海静安嘉里店", "city": "上海", "department": 2},
    {"code": "HZ01", "name": "杭州湖滨银泰店", "city": "杭州", "department": 2},
    {"code": "GZ01", "name": "广州天河太古汇店", "city": "广州", "department": 3},
]


@dataclass(frozen=True)
class DemoStaff:
    userid: str
    name: str
    department: int
    role: str
    store: str | None = None
    position: str = "导购"
    tier: str = "B"
    active: bool = True


STAFF = [
    DemoStaff("zhangwei", "张伟", 1, "admin", position="私域运营负责人", tier="A"),
    DemoStaff("lina", "李娜", 2, "manager", "SH01", position="华东区域经理", tier="A"),
    DemoStaff("chenjing", "陈静", 2, "guide", "SH01", tier="A"),
    DemoStaff("wangfang", "王芳", 2, "guide", "SH01"),
    DemoStaff("liuyang", "刘洋", 2, "guide", "HZ01"),
    DemoStaff("zhaomin", "赵敏", 3, "manager", "GZ01", position="华南区域经理", tier="A"),
    DemoStaff("huangli", "黄丽", 3, "guide", "GZ01", tier="C"),
    DemoStaff("sunhao", "孙浩", 3, "guide", "GZ01", active=False),
]
GUIDES = [s for s in STAFF if s.role == "guide" and s.active]
LEAVER = "sunhao"  # the guide who left (离职): every LEAVER_EVERY-th customer still counts him as a follower
LEAVER_EVERY = 25


def _valid_prefix(national: str) -> str:
    """Keep a generated mobile number inside prefixes China's numbering plan allocates (154, 174 and 179
    are not), without drawing again: the demo stays the same person for person."""
    second, third = national[1], national[2]
    if second == "5" and third == "4":
        third = "5"
    elif second == "7":
        third = "3678"[int(third) % 4]
    return national[:2] + third + national[3:]


def _wecom_id(prefix: str, name: str, length: int = 22) -> str:
    return prefix + hashlib.sha1(f"{SEED}:{name}".encode()).hexdigest()[:length]  # noqa: S324


# Tag groups as WeCom corp tags; the skin-type tags line up with the profile's skin_type.
TAG_GROUPS: list[dict] = [
    {
        "name": "肤质",
        "tags": [
            ("干性肌", "dry"),
            ("油性肌", "oily"),
            ("混合肌", "combination"),
            ("中性肌", "normal"),
            ("敏感肌", "sensitive"),
        ],
    },
    {
        "name": "兴趣",
        "tags": [("护肤", None), ("彩妆", None), ("香水", None), ("身体护理", None), ("防晒", None)],
    },
    {
        "name": "会员等级",
        "tags": [("普通会员", "普通"), ("银卡会员", "银卡"), ("金卡会员", "金卡"), ("黑金会员", "黑金")],
    },
    {"name": "购买意向", "tags": [("高意向", None), ("观望中", None), ("价格敏感", None)]},
]
for _index, _group in enumerate(TAG_GROUPS):
    _group["group_id"] = _wecom_id("etgroup", _group["name"])
    _group["order"] = len(TAG_GROUPS) - _index  # WeCom shows larger orders first
    _group["tag_ids"] = [_wecom_id("ettag", f"{_group['name']}/{name}") for name, _ in _group["tags"]]


def tag_id(group: str, name: str) -> str:
    g = next(g for g in TAG_GROUPS if g["name"] == group)
    return g["tag_ids"][[n for n, _ in g["tags"]].index(name)]


SKIN_TAG = {key: tag_id("肤质", name) for name, key in TAG_GROUPS[0]["tags"]}
LEVEL_TAG = {key: tag_id("会员等级", name) for name, key in TAG_GROUPS[2]["tags"]}
INTEREST_TAGS = TAG_GROUPS[1]["tag_ids"]
INTENT_TAGS = TAG_GROUPS[3]["tag_ids"]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武"
GIVEN = "静敏丽娟艳娜秀英慧婷雪琳晶燕玲芳颖佳欣怡悦诗涵梦瑶雅琪思雨晨曦可馨若兰子萱紫嫣一诺欣妍婉清语桐心怡浩宇子轩俊杰博文"
NICK_SUFFIX = ["", "", "", "🌸", "～", "Lily", "Coco", "小鹿", "Amy", "大橙子"]
CITIES = ["上海", "杭州", "苏州", "南京", "宁波", "广州", "深圳", "佛山", "东莞", "厦门", "北京", "成都"]
CONCERNS = ["痘痘", "暗沉", "毛孔粗大", "细纹", "干燥起皮", "泛红", "色斑", "黑眼圈", "出油", "敏感刺痛"]
AGE_RANGES = ["18-24", "25-29", "30-34", "35-39", "40-49", "50+"]
LEVELS = ["普通", "普通", "普通", "银卡", "银卡", "金卡", "黑金"]
ADD_STATES = [None, None, "store_qr_sh01", "store_qr_gz01", "live_1111", "moments_ad", "mall_order_card"]
# The channel codes those states belong to: (state, name, kind, store code or None, member userids).
CHANNEL_CODES = [
    ("store_qr_sh01", "静安嘉里店 · 柜台码", "store", "SH01", []),
    ("store_qr_gz01", "天河太古汇店 · 柜台码", "store", "GZ01", []),
    ("live_1111", "双 11 直播间", "multi", None, ["chenjing", "wangfang"]),
    ("moments_ad", "朋友圈广告 · 秋冬修护", "multi", None, ["chenjing", "liuyang", "huangli"]),
    ("mall_order_card", "商城订单页 · 加导购", "single", None, ["chenjing"]),
]

CATALOGUE = [
    ("LX-SER-01", "澜序 玻色因紧致精华 30ml", "精华", 58000),
    ("LX-SER-02", "澜序 烟酰胺焕亮精华 50ml", "精华", 42000),
    ("LX-CRM-01", "澜序 神经酰胺修护面霜 50g", "面霜", 46000),
    ("LX-CRM-02", "澜序 清透控油乳液 100ml", "乳液", 26000),
    ("LX-TON-01", "澜序 积雪草舒缓爽肤水 200ml", "化妆水", 22000),
    ("LX-CLN-01", "澜序 氨基酸温和洁面 120g", "洁面", 15800),
    ("LX-SUN-01", "澜序 轻薄防晒乳 SPF50+ 50ml", "防晒", 29800),
    ("LX-MSK-01", "澜序 玻尿酸补水面膜 5片装", "面膜", 19900),
    ("LX-EYE-01", "澜序 多肽淡纹眼霜 15g", "眼霜", 49800),
    ("LX-LIP-01", "澜序 丝绒雾面唇釉 #02 豆沙", "彩妆", 23000),
    ("LX-FDN-01", "澜序 持妆粉底液 30ml", "彩妆", 36000),
    ("LX-SET-01", "澜序 修护旅行套装", "套装", 9900),
]
BY_SKU = {row[0]: row for row in CATALOGUE}
# The pattern the demo's orders carry, for recommendations to find: each skin type has a routine, and a
# customer buys its products one order after another (starting anywhere in it), often with the
# product's companion and now and then with something else.
ROUTINES = {
    "dry": ["LX-CLN-01", "LX-CRM-01", "LX-SER-01", "LX-MSK-01", "LX-EYE-01"],
    "oily": ["LX-CLN-01", "LX-CRM-02", "LX-SER-02", "LX-SUN-01", "LX-TON-01"],
    "combination": ["LX-TON-01", "LX-SER-02", "LX-CRM-02", "LX-SUN-01", "LX-FDN-01"],
    "normal": ["LX-SER-01", "LX-SUN-01", "LX-LIP-01", "LX-FDN-01", "LX-EYE-01"],
    "sensitive": ["LX-TON-01", "LX-CRM-01", "LX-SET-01", "LX-MSK-01", "LX-SUN-01"],
}
COMPANIONS = {
    "LX-SER-01": "LX-EYE-01",
    "LX-SER-02": "LX-CRM-02",
    "LX-CLN-01": "LX-TON-01",
    "LX-TON-01": "LX-MSK-01",
    "LX-CRM-01": "LX-SET-01",
    "LX-CRM-02": "LX-SUN-01",
    "LX-SUN-01": "LX-CLN-01",
    "LX-MSK-01": "LX-CRM-01",
    "LX-EYE-01": "LX-SER-01",
    "LX-FDN-01": "LX-LIP-01",
    "LX-LIP-01": "LX-FDN-01",
    "LX-SET-01": "LX-TON-01",
}
# What each product is for (the catalogue's suitable skin types follow from the routines).
PRODUCT_CONCERNS = {
    "LX-SER-01": ["细纹", "暗沉"],
    "LX-SER-02": ["暗沉", "色斑"],
    "LX-CRM-01": ["干燥起皮", "泛红", "敏感刺痛"],
    "LX-CRM-02": ["出油", "毛孔粗大"],
    "LX-TON-01": ["泛红", "痘痘"],
    "LX-CLN-01": ["出油", "痘痘"],
    "LX-SUN-01": ["色斑"],
    "LX-MSK-01": ["干燥起皮"],
    "LX-EYE-01": ["细纹", "黑眼圈"],
}


def basket(rng: random.Random, primary: str) -> list[str]:
    """One order's skus: the routine's next product, often its companion, sometimes one more."""
    skus = [primary]
    if rng.random() < 0.6:
        skus.append(COMPANIONS[primary])
    if rng.random() < 0.25:
        extra = rng.choice(CATALOGUE)[0]
        if extra not in skus:
            skus.append(extra)
    return skus


def products() -> list[dict[str, Any]]:
    """The catalogue as the products API takes it."""
    return [
        {
            "sku": sku,
            "name": title,
            "category": category,
            "price": f"{price / 100:.2f}",
            "image_url": "",  # the demo has no pictures to show offline; a brand sends its CDN URLs
            "link": f"https://mall.example.com/p/{sku}",
            "skin_types": [skin for skin, routine in ROUTINES.items() if sku in routine],
            "concerns": PRODUCT_CONCERNS.get(sku, []),
        }
        for sku, title, category, price in CATALOGUE
    ]


# A colour per category: the demo's product pictures are small solid squares, made here (no binary files).
CATEGORY_COLOURS = {
    "精华": (214, 170, 120), "面霜": (236, 214, 196), "乳液": (200, 226, 236), "化妆水": (190, 222, 200),
    "洁面": (222, 236, 246), "防晒": (250, 220, 150), "面膜": (246, 200, 214), "眼霜": (214, 200, 236),
}  # fmt: skip


def product_png(category: str) -> bytes:
    """The demo picture of a product of this category."""
    return poster_png(96, 96, CATEGORY_COLOURS.get(category, (230, 230, 230)))


PLATFORM_WEIGHTS = [("mall", 5), ("tmall", 3), ("jd", 1), ("douyin", 2), ("pos", 4)]
NOTES = [
    "客户反馈上次的面霜用完了，想试试新款精华，约了周末到店体验。",
    "肤质偏干，秋冬换季容易起皮，推荐了修护系列。",
    "对价格比较敏感，等大促再下单，已加入活动提醒名单。",
    "生日在下个月，记得提前准备生日礼和券。",
    "到店做了皮肤测试，T区出油明显，两颊偏干，属于混合肌。",
    "咨询了防晒怎么选，发了防晒对比图。",
    "老客户，黑金会员，喜欢新品首发，上新第一时间通知。",
]


def wecom_tag_list() -> list[dict[str, Any]]:
    """The demo tags in the shape of WeCom's ``get_corp_tag_list`` answer."""
    return [
        {
            "group_id": g["group_id"],
            "group_name": g["name"],
            "order": g["order"],
            "tag": [
                {"id": tid, "name": name, "order": len(g["tags"]) - n}
                for n, ((name, _), tid) in enumerate(zip(g["tags"], g["tag_ids"], strict=True))
            ],
        }
        for g in TAG_GROUPS
    ]


def wecom_members() -> list[dict[str, Any]]:
    """The demo staff in the shape of WeCom's ``user/list`` answer."""
    return [
        {
            "userid": s.userid,
            "name": s.name,
            "department": [s.department],
            "main_department": s.department,
            "position": s.position,
            "status": 1 if s.active else 5,
            "avatar": avatar(n, s.name),
        }
        for n, s in enumerate(STAFF)
    ]


def today() -> date:
    """The demo's 'today' in UTC; dates in the data are relative to it."""
    return datetime.now(UTC).date()


@dataclass
class DemoFollow:
    userid: str
    remark: str
    description: str
    add_way: int
    state: str | None
    createtime: int
    tag_ids: list[str]


@dataclass
class DemoOrder:
    platform: str
    order_no: str
    paid_at: datetime
    status: str
    staff_userid: str | None
    items: list[tuple[str, str, str, int, int]]  # sku, title, category, quantity, unit_price

    @property
    def total(self) -> int:
        return sum(q * p for _, _, _, q, p in self.items)


@dataclass
class DemoCustomer:
    index: int
    external_userid: str
    name: str
    avatar: str
    type: int
    gender: int
    unionid: str | None
    corp_name: str | None
    phone: str
    birthday: date | None
    skin_type: str
    skin_concerns: str
    age_range: str
    city: str
    member_level: str
    points: int
    follows: list[DemoFollow] = field(default_factory=list)
    orders: list[DemoOrder] = field(default_factory=list)
    notes: list[tuple[str, str, datetime]] = field(default_factory=list)  # userid, body, at

    @property
    def tag_ids(self) -> list[str]:
        return sorted({t for f in self.follows for t in f.tag_ids})

    @property
    def serving(self) -> list[DemoFollow]:
        """The follows of guides still with the brand (not the leaver's): what a sync from WeCom brings
        in and what tasks go to."""
        return [f for f in self.follows if f.userid != LEAVER]

    def remark_mobiles(self, userid: str) -> list[str]:
        """The mobiles a guide typed on this customer in WeCom (follow_user.remark_mobiles), as typed:
        the first guide of every third customer did."""
        first = self.follows[0].userid if self.follows else None
        return [self.phone[3:]] if self.index % 3 == 0 and userid == first else []

    def contact(self) -> dict:
        """The ``external_contact`` object WeCom's API returns for this customer."""
        data = {
            "external_userid": self.external_userid,
            "name": self.name,
            "avatar": self.avatar,
            "type": self.type,
            "gender": self.gender,
        }
        if self.unionid:
            data["unionid"] = self.unionid
        if self.corp_name:
            data["corp_name"] = self.corp_name
        return data


AVATAR_COLOURS = ["#f7b6c2", "#c8b6e2", "#a7d8de", "#f9d29d", "#b5e0b5", "#f4a6a6", "#9fc5e8", "#e6c9a8"]


def avatar(index: int, name: str) -> str:
    """A small SVG with the name's first character, as a data URI: the demo needs no image host."""
    colour = AVATAR_COLOURS[index % len(AVATAR_COLOURS)].replace("#", "%23")
    initial = quote(name[:1] or "?")
    return (
        "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 48 48'%3E"
        f"%3Crect width='48' height='48' rx='6' fill='{colour}'/%3E"
        "%3Ctext x='24' y='31' font-size='20' text-anchor='middle' fill='%23fff' font-family='sans-serif'%3E"
        f"{initial}%3C/text%3E%3C/svg%3E"
    )


def external_userid(index: int) -> str:
    return _wecom_id("wm", f"customer:{index}", 30)


def contact_way_id(state: str) -> str:
    """The WeCom config_id of a demo channel code (the same in the emulator and the seeded database)."""
    return "demo" + hashlib.md5(f"{SEED}:way:{state}".encode()).hexdigest()[:28]  # noqa: S324


def contact_ways() -> list[dict[str, Any]]:
    """The demo's channel codes as WeCom holds them (``externalcontact/get_contact_way``'s shape): a
    store's code lists that store's active guides, a member code its members."""
    out = []
    for state, name, _kind, store, members in CHANNEL_CODES:
        users = (
            [s.userid for s in STAFF if s.active and s.role == "guide" and s.store == store]
            if store
            else members
        )
        out.append(
            {
                "config_id": contact_way_id(state), "type": 1 if len(users) == 1 else 2, "scene": 2,
                "remark": name[:30], "state": state, "skip_verify": True, "user": users, "qr_code": None,
            }
        )  # fmt: skip
    return out


def _state_for(person: DemoStaff, drawn: str | None) -> str | None:
    """The channel code a follow came through, only if that code routes to this member (a store's code
    to the store's guides, a member code to its members): the demo's code pages never list a guide who
    is not on the code. ``drawn`` is drawn either way, so every later draw stays as it was."""
    for state, _name, kind, store, members in CHANNEL_CODES:
        if state == drawn:
            on_code = person.store == store if kind == "store" else person.userid in members
            return drawn if on_code else None
    return drawn


def _age_range(birthday: date | None, today: date, *, drawn: str) -> str:
    """The age range a birthday puts someone in, so the demo never says 50+ of someone born in 2005;
    ``drawn`` (drawn either way, so every later draw stays as it was) when there is no birthday."""
    if birthday is None:
        return drawn
    age = today.year - birthday.year - ((today.month, today.day) < (birthday.month, birthday.day))
    for bound, label in ((24, "18-24"), (29, "25-29"), (34, "30-34"), (39, "35-39"), (49, "40-49")):
        if age <= bound:
            return label
    return "50+"


def customer(index: int, *, anchor: date | None = None) -> DemoCustomer:
    """Demo customer number ``index`` (0-based), the same on every call."""
    rng = random.Random(f"{SEED}:{index}")
    anchor = anchor or today()
    anchor_dt = datetime(anchor.year, anchor.month, anchor.day, 10, tzinfo=UTC)
    gender = rng.choices([2, 1, 0], weights=[8, 2, 1])[0]
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))
    wecom_user = rng.random() < 0.04
    skin = rng.choice(["dry", "oily", "combination", "combination", "normal", "sensitive"])
    level = rng.choice(LEVELS)
    national = "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))
    phone = "+86" + _valid_prefix(national)  # stored as E.164, the form every phone is matched in
    birthday = (
        date(rng.randint(1970, 2005), rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.8 else None
    )
    c = DemoCustomer(
        index=index,
        external_userid=external_userid(index),
        name=name + rng.choice(NICK_SUFFIX),
        avatar="",
        type=2 if wecom_user else 1,
        gender=gender,
        unionid=None if wecom_user else "ozDemo" + hashlib.md5(f"{SEED}:u:{index}".encode()).hexdigest()[:22],  # noqa: S324
        corp_name=rng.choice(["星河科技", "云帆传媒", "晨光设计"]) if wecom_user else None,
        phone=phone,
        birthday=birthday,
        skin_type=skin,
        skin_concerns=",".join(rng.sample(CONCERNS, rng.randint(0, 3))),
        age_range=_age_range(birthday, anchor, drawn=rng.choice(AGE_RANGES)),
        city=rng.choice(CITIES),
        member_level=level,
        points=rng.randint(0, 200) * 10,
    )

    c.avatar = avatar(index, c.name)
    followers = [GUIDES[index % len(GUIDES)]]
    if rng.random() < 0.12:
        other = rng.choice(STAFF[1:])
        if other.userid != followers[0].userid and other.active:
            followers.append(other)
    for n, person in enumerate(followers):
        added = anchor_dt - timedelta(days=rng.randint(1, 720), minutes=rng.randint(0, 600))
        tags = [SKIN_TAG[skin], LEVEL_TAG[level]] if n == 0 else []
        if n == 0:
            tags += rng.sample(INTEREST_TAGS, rng.randint(1, 2))
            if rng.random() < 0.4:
                tags.append(rng.choice(INTENT_TAGS))
        c.follows.append(
            DemoFollow(
                userid=person.userid,
                remark=c.name[:2] + "-" + c.city if rng.random() < 0.5 else "",
                description=f"{c.age_range}岁 {c.city}" if rng.random() < 0.3 else "",
                add_way=rng.choice([1, 1, 2, 3, 201]),
                state=_state_for(person, rng.choice(ADD_STATES)),
                createtime=int(added.timestamp()),
                tag_ids=tags,
            )
        )
    if index % LEAVER_EVERY == LEAVER_EVERY - 1:
        # Some customers also added 孙浩 before he left: WeCom still holds them for him, so the 离职继承
        # page has something to hand over. No random draw here, so every other customer stays as it was.
        c.follows.append(
            DemoFollow(
                userid=LEAVER,
                remark="",
                description="",
                add_way=1,
                state=None,
                createtime=int((anchor_dt - timedelta(days=400 + index % 90)).timestamp()),
                tag_ids=[],
            )
        )

    weights = [w for _, w in PLATFORM_WEIGHTS]
    count = rng.choices([0, 1, 2, 3, 5, 8], weights=[25, 30, 20, 12, 9, 4])[0]
    days_ago = sorted((rng.randint(0, 540) for _ in range(count)), reverse=True)  # oldest first
    routine = ROUTINES[skin]
    start = rng.randrange(len(routine))
    for n in range(count):
        platform = rng.choices([p for p, _ in PLATFORM_WEIGHTS], weights=weights)[0]
        paid = anchor_dt - timedelta(days=days_ago[n], minutes=rng.randint(0, 900))
        items = []
        for sku in basket(rng, routine[(start + n) % len(routine)]):
            _sku, title, category, price = BY_SKU[sku]
            items.append((sku, title, category, rng.choice([1, 1, 2]), price))
        c.orders.append(
            DemoOrder(
                platform=platform,
                order_no=f"{platform.upper()}{index:08d}{n:02d}",
                paid_at=paid,
                status=rng.choice(["done", "done", "done", "shipped", "refunded"])
                if paid < anchor_dt - timedelta(days=7)
                else "paid",
                staff_userid=followers[0].userid if platform in ("pos", "mall") else None,
                items=items,
            )
        )
    c.orders.sort(key=lambda o: o.paid_at, reverse=True)
    for _ in range(rng.choices([0, 1, 2, 3], weights=[5, 3, 2, 1])[0]):
        at = anchor_dt - timedelta(days=rng.randint(0, 300), minutes=rng.randint(0, 600))
        c.notes.append((followers[0].userid, rng.choice(NOTES), at))
    return c


# Quick replies head office and the regions prepared: (scope, team department id or None, group, title, body).
SCRIPTS = [
    (
        "enterprise",
        None,
        "开场白",
        "添加后问候",
        "{客户称呼}您好，我是{门店}的{导购姓名}，以后有任何护肤问题都可以随时找我～",
    ),
    ("enterprise", None, "开场白", "节日问候", "{客户称呼}，节日快乐！最近天气变化大，记得做好保湿哦。"),
    (
        "enterprise",
        None,
        "产品推荐",
        "修护面霜",
        "{客户称呼}，我们的神经酰胺修护面霜很适合换季泛红、干燥起皮，现在{会员等级}会员购买还有礼品。",
    ),
    (
        "enterprise",
        None,
        "产品推荐",
        "防晒",
        "外出一定要涂防晒～推荐轻薄防晒乳 SPF50+，不油不闷，{客户称呼}可以先试试小样。",
    ),
    (
        "enterprise",
        None,
        "售后",
        "使用方法",
        "{客户称呼}，精华建议早晚洁面、爽肤水之后使用，2–3 滴按压至吸收，再用面霜锁水。",
    ),
    (
        "enterprise",
        None,
        "售后",
        "物流查询",
        "{客户称呼}您好，订单已经发出啦，快递单号稍后发您，有问题随时联系{导购姓名}。",
    ),
    (
        "team",
        2,
        "活动",
        "华东周末沙龙",
        "{客户称呼}，这周六下午{门店}有护肤沙龙，一对一皮肤检测，名额有限，要帮您留一个位置吗？",
    ),
    ("team", 3, "活动", "华南新品体验", "{客户称呼}，华南门店本周新品体验日，到店即可领取试用装～"),
    (
        "enterprise",
        None,
        "产品推荐",
        "敏感肌精华",
        "敏感肌可以放心用我们的修护精华，无酒精无香精，建议先在耳后试用两天，没有泛红再上脸～",
    ),
    (
        "enterprise",
        None,
        "产品推荐",
        "孕期护肤",
        "孕期和哺乳期建议用我们的温和保湿系列，不含视黄醇和水杨酸，防晒选物理防晒更安心。",
    ),
    (
        "enterprise",
        None,
        "产品推荐",
        "礼盒推荐",
        "送礼推荐我们的臻享礼盒，含精华、面霜和小样，门店可以免费包装并附贺卡～",
    ),
    (
        "enterprise",
        None,
        "产品推荐",
        "油皮推荐",
        "油皮推荐清爽控油的水乳，夏天用啫喱面霜，每周一次清洁面膜就很好。",
    ),
    (
        "enterprise",
        None,
        "产品推荐",
        "干皮推荐",
        "干皮冬天容易起皮，推荐保湿精华加修护面霜，晚上可以厚涂做睡眠面膜。",
    ),
    (
        "enterprise",
        None,
        "售前",
        "价格优惠",
        "{客户称呼}，现在下单满 300 减 50，{会员等级}会员还能叠加积分抵现，很划算～",
    ),
    (
        "enterprise",
        None,
        "售前",
        "会员日",
        "每月 18 日是会员日，全场 9 折，金卡及以上会员双倍积分，记得来哦。",
    ),
    ("enterprise", None, "售前", "小样申请", "可以的，我帮您申请一份试用小样，留一下收货地址，三天内寄出～"),
    (
        "enterprise",
        None,
        "售后",
        "退换货",
        "未拆封的商品 7 天内可以退换，已拆封如果过敏或有质量问题也可以联系我处理。",
    ),
    ("enterprise", None, "售后", "发票", "可以开电子发票，麻烦发一下抬头和税号，开好后发到您的邮箱。"),
    (
        "enterprise",
        None,
        "门店",
        "营业时间",
        "{门店}每天 10:00–22:00 营业，到店前告诉我，我提前帮您准备试用。",
    ),
]

# Customers' questions, as guides receive them, and the script that answers each (by title): the demo
# archive's conversations and the reply-help measurement (``bench/replies.py``) are made from these.
REPLY_QUESTIONS: dict[str, list[str]] = {
    "修护面霜": [
        "换季脸上干燥起皮用什么面霜",
        "最近脸有点泛红干痒，面霜推荐一个",
        "有没有修护屏障的面霜",
        "冬天脸干得厉害有什么面霜",
        "脸颊起皮刺痛涂什么好",
        "想买一款修护型的霜",
    ],
    "防晒": [
        "夏天出门用哪款防晒",
        "防晒会不会很油很闷",
        "有没有清爽一点的防晒霜",
        "军训要用防晒推荐一下",
        "海边度假防晒选哪个",
        "通勤用的防晒乳有吗",
    ],
    "使用方法": [
        "精华怎么用啊",
        "精华是在水之前还是之后用",
        "这个精华一次用几滴",
        "早晚都要用精华吗",
        "精华和面霜的顺序是什么",
        "买的精华不知道怎么涂",
    ],
    "物流查询": [
        "我的快递到哪了",
        "订单发货了吗",
        "什么时候能收到货",
        "快递单号可以发我吗",
        "下单三天了还没发货",
        "物流一直没更新",
    ],
    "敏感肌精华": [
        "敏感肌能用你们的精华吗",
        "我皮肤很敏感有合适的精华吗",
        "精华会不会刺激",
        "容易过敏的皮肤用哪款精华",
        "敏感皮适合什么精华",
        "精华里有酒精吗我怕刺激",
    ],
    "孕期护肤": [
        "怀孕了还能用护肤品吗",
        "孕妇可以用你们的产品吗",
        "哺乳期用什么护肤",
        "备孕期间护肤要注意什么",
        "孕期能用防晒吗",
        "怀孕能用精华吗会不会有影响",
    ],
    "礼盒推荐": [
        "想送女朋友一套护肤品",
        "有没有适合送礼的礼盒",
        "给妈妈买生日礼物推荐什么",
        "送人的话买哪套好",
        "礼盒可以包装吗",
        "过节想送同事礼物",
    ],
    "油皮推荐": [
        "油皮用什么水乳",
        "我是大油皮夏天用什么",
        "脸上出油多怎么办",
        "混油皮推荐一套",
        "T区总是油光满面",
        "控油的产品有吗",
    ],
    "干皮推荐": [
        "干皮用什么比较滋润",
        "皮肤很干冬天怎么保湿",
        "干皮上妆卡粉怎么办",
        "脸干到起皮怎么护理",
        "保湿效果好的有哪些",
        "干性皮肤适合什么面霜",
    ],
    "价格优惠": [
        "现在有优惠吗",
        "能便宜点吗",
        "有没有满减活动",
        "打折吗这个价格",
        "会员有折扣吗",
        "最近有什么活动",
    ],
    "会员日": [
        "会员日是哪天",
        "每个月什么时候有会员活动",
        "会员日有几折",
        "积分什么时候翻倍",
        "会员日在哪里看",
        "下次会员日是什么时候",
    ],
    "小样申请": [
        "可以先试用吗",
        "有小样可以申请吗",
        "想先拿小样试试",
        "能寄个试用装吗",
        "新品有试用装吗",
        "小样怎么领",
    ],
    "退换货": [
        "可以退货吗",
        "用了过敏能退吗",
        "买错了能换吗",
        "退换货怎么操作",
        "没拆封可以退吗",
        "质量有问题怎么处理",
    ],
    "发票": [
        "可以开发票吗",
        "发票怎么开",
        "能开公司抬头的发票吗",
        "要电子发票",
        "发票什么时候能开好",
        "报销需要发票",
    ],
    "营业时间": [
        "门店几点开门",
        "你们店几点关门",
        "周末营业吗",
        "晚上几点前可以到店",
        "门店营业时间是多少",
        "节假日开门吗",
    ],
}


def reply_pairs() -> list[tuple[str, str]]:
    """(customer question, the title of the script that answers it), in a fixed order."""
    return [(question, title) for title, questions in REPLY_QUESTIONS.items() for question in questions]


def guide_pdf() -> bytes:
    """A one-page PDF (the demo's 秋冬护肤手册), written by hand with correct cross-reference offsets."""
    text = b"BT /F1 18 Tf 72 720 Td (Lanxu autumn and winter care guide) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def clip_mp4() -> bytes:
    """An MP4 container with no frames (ftyp + an empty movie header): the demo's video material is a
    stand-in that the emulator accepts like any upload; a brand uploads real videos."""

    def box(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", 8 + len(body)) + kind + body

    mvhd = box(b"mvhd", bytes(4) + bytes(8) + struct.pack(">II", 1000, 0) + b"\x00\x01\x00\x00\x01\x00" + bytes(10)
               + struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000) + bytes(24) + struct.pack(">I", 2))  # fmt: skip
    return box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2mp41") + box(b"moov", mvhd)


def poster_png(width: int = 64, height: int = 64, rgb: tuple[int, int, int] = (247, 182, 194)) -> bytes:
    """A small solid PNG, made here so the demo ships no binary files."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


# (kind, title, group, fields)
# A mass message (企业群发) the demo brand has scheduled: to its repeat buyers.
CAMPAIGN = {
    "name": "周末新品体验预告",
    "text": "{导购姓名}：本周末门店有新品体验，欢迎来店试用～",
    "audience": {"lifecycle_stage": "active"},
}

# Mall signals reaching guides: (name, kind, parameters).
SIGNAL_RULES: list[tuple[str, str, dict[str, Any]]] = [
    ("加购 30 分钟未下单", "cart_left", {"minutes": 30}),
    ("一天看同一商品 3 次", "viewed_often", {"times": 3}),
    ("VIP 60 天后回访", "vip_returns", {"days": 60, "levels": "金卡,黑金"}),
]

MATERIALS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("text", "会员日活动说明", "活动", {"text": "每月 18 日会员日：全场 9 折，金卡及以上会员再享双倍积分。"}),
    ("image", "秋冬修护系列海报", "海报", {"file_name": "repair-poster.png"}),
    (
        "link",
        "敏感肌护理指南",
        "文章",
        {
            "url": "https://example.com/guide/sensitive-skin",
            "description": "换季泛红怎么办？一文读懂屏障修护",
            "cover_url": "https://example.com/cover/sensitive.png",
            "tracked": True,
            "file_name": "sensitive-cover.png",  # its cover as a file: what moments post (doc 96351)
        },
    ),
    ("video", "精华使用手法（30 秒）", "视频", {"file_name": "serum-howto.mp4"}),
    ("file", "秋冬护肤手册", "文件", {"file_name": "care-guide.pdf", "tracked": True}),
    (
        "article",
        "秋冬新品",
        "文章",
        {
            "description": "玻色因紧致精华焕新上市，会员专享首发礼",
            "text": "入秋以后，皮肤容易干燥、暗沉，细纹也更明显。\n"
            "澜序玻色因紧致精华这次焕新升级，质地更轻薄，早晚 2–3 滴即可。\n"
            "会员首发期间购买正装，赠修护面霜体验装一份，数量有限，送完即止。",
        },
    ),
    (
        "miniprogram",
        "澜序商城 · 新品专区",
        "小程序",
        {
            "mp_appid": "wx1234567890demo",
            "mp_page": "pages/new/index.html",
            "cover_url": "https://example.com/cover/new.png",
            "file_name": "new-cover.png",  # its cover as a file: pic_media_id in mass messages (doc 92135)
        },
    ),
]


@dataclass
class DemoGroup:
    chat_id: str
    name: str
    owner: str
    staff: list[str]
    customers: list[int]  # demo customer indices
    strangers: list[tuple[str, str]]  # (external_userid, name) of members who are nobody's customer here
    notice: str = ""


def group_chats() -> list[DemoGroup]:
    """Customer group chats (客户群) owned by demo guides."""
    specs = [
        ("澜序静安店 VIP 群", "chenjing", ["wangfang", "lina"], "新品试用报名请联系陈静"),
        ("杭州湖滨 · 新品体验群", "liuyang", ["lina"], "每周五晚 8 点直播"),
        ("华南护肤交流群", "huangli", ["zhaomin"], ""),
    ]
    groups = []
    for n, (name, owner, others, notice) in enumerate(specs):
        owner_index = [g.userid for g in GUIDES].index(owner)
        members = [i for i in range(owner_index, 120, len(GUIDES))][:12]
        strangers = [(_wecom_id("wm", f"stranger:{n}:{k}", 30), f"群友{k + 1}") for k in range(3)]
        groups.append(
            DemoGroup(
                _wecom_id("wr", f"group:{n}", 30), name, owner, [owner, *others], members, strangers, notice
            )
        )
    return groups


def group_chat_payload(chat: DemoGroup, joined: int) -> dict[str, Any]:
    """A demo group as WeCom's ``groupchat/get`` describes it (members joined at ``joined``, a Unix time):
    what the emulator answers, and what the demo seed stores."""
    invitor = {"userid": chat.owner}
    members: list[dict[str, Any]] = [
        {"userid": u, "type": 1, "join_time": joined, "join_scene": 1, "invitor": invitor} for u in chat.staff
    ]
    people = [(customer(i).external_userid, customer(i).name) for i in chat.customers]
    for ext, name in [*people, *chat.strangers]:
        members.append(
            {
                "userid": ext,
                "type": 2,
                "join_time": joined,
                "join_scene": 3,
                "invitor": invitor,
                "name": name,
                "group_nickname": "",
            }
        )
    return {
        "chat_id": chat.chat_id,
        "name": chat.name,
        "owner": chat.owner,
        "create_time": joined,
        "notice": chat.notice,
        "member_list": members,
        "admin_list": [],
    }


# Coupon templates: (name, value_kind, value, threshold fen, valid_days, stock, per customer, per guide a
# day, eligible levels, delivery). Values in fen, or percent paid for discounts.
COUPONS = [
    ("新客礼券", "cash", 5000, 30000, 30, 5000, 1, 30, [], "link"),
    ("会员专享 85 折", "discount", 85, 0, 14, 2000, 1, 20, ["金卡", "黑金"], "link"),
    ("精华小样兑换券", "cash", 2000, 0, 7, 30, 2, 5, [], "miniprogram"),
]
MINIPROGRAM_APPID = "wxbeside0demo0mall"

# SOP rules, so the tasks tab and the today page have work on the first open:
# (name, trigger, trigger_days, priority, audience, steps: (text, script title, material title, coupon))
SopStepSpec = tuple[str, str | None, str | None, str | None]
SOP_RULES: list[tuple[str, str, int, int, dict[str, str], list[SopStepSpec]]] = [
    ("新客 7 天回访", "added", 7, 30, {},
     [("{客户称呼}您好，用了一周感觉怎么样？这是精华的使用手法，30 秒就能学会～", None, "精华使用手法（30 秒）", None)]),
    ("老客 30 天复购提醒", "last_order", 30, 20, {},
     [("", "修护面霜", None, "新客礼券")]),
    ("生日前 3 天关怀", "birthday", 3, 40, {},
     [("{客户称呼}，生日快乐将至🎂 送您一张生日礼券，到店或商城都能用。", None, None, "精华小样兑换券")]),
    ("每周护肤手册", "weekly", 0, 10, {"lifecycle_stage": "active"},
     [("{客户称呼}，本周的秋冬护肤手册给您，干燥起皮可以看第 2 页～", None, "秋冬护肤手册", None)]),
]  # fmt: skip

# Group SOP: sent into every demo group by its owner, weekly (on the day the demo is made):
# (name, steps: (text, script title)).
GROUP_SOP_RULES: list[tuple[str, list[tuple[str, str | None]]]] = [
    (
        "每周群内护肤分享",
        [("{客户称呼}晚上好～本周护肤小课堂：换季先修护屏障，再谈功效。", "节日问候")],
    ),
]
