"""Every console and sidebar page read as a Chinese-speaking guide or operator reads it: no raw enum values,
no ``{}`` or ``None``, no English outside a short list of words Chinese retail staff use as they are, and no
traditional characters. Walks the route table (as ``test_route_table`` does), so a new page is read the day
it is added; fragments are read too (as htmx asks for them)."""

from __future__ import annotations

import gc
import re
import warnings
from html.parser import HTMLParser

import pytest
import zhconv

from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import qr_sign_in
from tests.web.test_route_table import rules, url_for_rule, world  # noqa: F401  (a fixture)

with warnings.catch_warnings():  # zhconv reads its dictionary without closing the file
    warnings.simplefilter("ignore", ResourceWarning)
    zhconv.convert("", "zh-cn")
    gc.collect()

# Words that stay in Latin letters in Chinese retail software, and the demo's own Latin text.
ALLOWED = {
    # product and standard names
    "beside", "wecom", "rfm", "sop", "vip", "id", "api", "url", "sku", "csv", "xlsx", "excel", "pdf",
    "json", "pos", "h5", "https", "http", "openapi", "ip", "qr", "oauth", "userid", "unionid", "openid",
    "spf", "ml", "g", "tmall", "jd", "utc", "gmt", "x", "v1", "kb", "mb", "jpg", "png", "mp4", "html",
    "post", "put", "get", "crm", "erp", "appid", "pop", "skuid", "ceo", "kpi", "ai",
    # WeCom's own names for an app's settings, as its admin shows them
    "agentid", "encodingaeskey", "token", "secret", "js", "sdk",
    # the demo brand's customers' nicknames and products
    "amy", "coco", "lily", "lucy", "mia", "anna", "emma", "grace", "vicky", "cathy", "abby", "sunny",
}  # fmt: skip
# Text a page may show as data, not as our words: codes, ids, urls, e-mail, amounts.
DATA = re.compile(
    r"https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+"  # links, e-mail
    r"|\b[\w-]+\.(png|jpe?g|mp4|pdf|csv|xlsx|docx?)\b"  # file names
    r"|(?<![\w/])/?[\w.{}?=-]+(/[\w.{}?=-]+)+"  # paths: pages/coupon/detail?code={code}
    r"|\b[0-9A-Za-z-]*\d[0-9A-Za-z-]*\b"  # codes and numbers
    r"|\b(w[mr]|ww)[0-9a-zA-Z_-]{10,}\b"  # WeCom ids
    r"|\{[\w\u4e00-\u9fff]+\}"  # variables: {code}, {客户称呼}
)
WORD = re.compile(r"[A-Za-z]{2,}")
SKIP_TAGS = {"script", "style", "code", "pre", "textarea", "template"}
READ_ATTRS = {"placeholder", "title", "aria-label", "alt"}


class Visible(HTMLParser):
    """The text a person sees (and hears from a screen reader): text nodes and labelling attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIP_TAGS:
            self.skipping += 1
        attrs = dict(attrs)
        if "data-raw" in attrs:  # raw data shown on purpose (an audit entry's JSON behind 详情)
            self.skipping += 1 if tag not in ("input", "br", "img") else 0
        for name in READ_ATTRS & attrs.keys():
            self.parts.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.parts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def problems(html: str, data_words: set[str]) -> list[str]:
    parser = Visible()
    parser.feed(html)
    found = []
    for part in parser.parts:
        text = " ".join(part.split())
        if not text:
            continue
        if "{}" in text or re.search(r"\bNone\b|\bnull\b|\bundefined\b", text):
            found.append(f"placeholder in {text!r}")
        cleaned = DATA.sub(" ", text)
        for word in WORD.findall(cleaned):
            if word.lower() not in ALLOWED and word not in data_words:
                found.append(f"English {word!r} in {text[:80]!r}")
        simplified = zhconv.convert(text, "zh-cn")
        if simplified != text:
            changed = {a for a, b in zip(text, simplified, strict=False) if a != b}
            found.append(f"traditional {''.join(sorted(changed))!r} in {text[:80]!r}")
    return found


def read_all(app, client, prefixes, values, data_words) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with app.app_context():
        routes = list(rules(prefixes))
    for rule, method in routes:
        if method != "GET" or "<fmt>" in rule.rule or rule.endpoint.endswith(("_image", "file", "download")):
            continue
        if rule.endpoint == "sidebar.set_language":  # switches the session to English
            continue
        path = url_for_rule(rule, values)
        for headers in ({}, {"HX-Request": "true"}):
            res = client.get(path, headers=headers)
            if res.status_code != 200 or res.mimetype != "text/html":
                res.close()  # a streamed file (a picture) is closed here, not left to the collector
                continue
            found = problems(res.get_data(as_text=True), data_words)
            if found:
                out[f"{path} {'(htmx)' if headers else ''}"] = sorted(set(found))
    return out


def demo_words(app) -> set[str]:
    """Latin words in the demo's own data (nicknames like 雷萱Amy, product names, coupon codes — random
    letters now and then without a digit): data, not our copy."""
    from sqlalchemy import select

    from sidebar.extensions import db
    from sidebar.models import Coupon, Customer, Material, OrderItem, Script, Staff, Tag

    words: set[str] = set()
    with app.app_context():
        for column in (
            Customer.name,
            Staff.name,
            Tag.name,
            Material.title,
            Script.body,
            OrderItem.title,
            Coupon.code,
        ):
            for value in db.session.scalars(select(column).distinct()):
                words.update(WORD.findall(value or ""))
    return words


@pytest.mark.slow
def test_the_sidebar_reads_in_chinese(seeded, client, world):  # noqa: F811
    sign_in(client, "chenjing")
    found = read_all(seeded, client, ("/sidebar",), world.mine, demo_words(seeded))
    assert not found, "\n".join(f"{page}: {p}" for page, ps in found.items() for p in ps)


@pytest.mark.slow
def test_the_console_reads_in_chinese(seeded, client, world):  # noqa: F811
    qr_sign_in(client, "zhangwei")
    found = read_all(seeded, client, ("/admin",), world.mine, demo_words(seeded))
    assert not found, "\n".join(f"{page}: {p}" for page, ps in found.items() for p in ps)
