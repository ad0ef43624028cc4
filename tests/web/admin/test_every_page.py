"""Every console page, walked from the URL map as an admin and as a manager (ids from the demo), held to
what the console promises everywhere: the layout with its navigation and the viewer's name, Chinese
error pages inside it, no Python value or raw JSON printed, no English word outside an allow-list, and
every form that deletes, retires, revokes or acts on many asking first, every checkbox in one row with
its words.

A page added later is walked too: the guard needs no list of pages, only ids for its URL's parts."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from sidebar.extensions import db
from sidebar.models import (
    BackgroundJob,
    Campaign,
    ChannelCode,
    CommissionStatement,
    GroupCode,
    Material,
    MomentTask,
    SopRule,
    Staff,
    utcnow,
)
from tests.web.admin.test_console import qr_sign_in
from tests.web.sidebar.test_customers import customer_of

# Not pages: sign-in steps, and files (their own tests read them).
NOT_PAGES = {
    "admin.login",
    "admin.login_callback",
    "admin.login_wecom",
    "admin.channel_code_export",
    "admin.channel_code_qr",
    "admin.group_code_qr",
    "admin.job_download",
    "admin.import_refused",
    "admin.red_packets_export",
    "admin.commission_export",
    "admin.scripts_export",
    "admin.customers_count",
    "admin.campaign_csv",
}
# Words a Chinese console may show as they are: names of things, units, formats.
ENGLISH_ALLOWED = {
    "Beside", "WeCom", "SOP", "RFM", "csv", "CSV", "xlsx", "Excel", "API", "ID", "id", "QR", "POS", "VIP",
    "KB", "MB", "GB", "PNG", "JPG", "PDF", "MP4", "WebP", "Token", "EncodingAESKey", "URL", "IP", "OAuth",
    "HTTPS", "JSON", "UTC", "CPU", "Pay", "AppID", "openid", "OneID", "ml", "g", "AM", "PM", "SKU", "sku",
    "UnionID", "CRM", "AgentId", "SDK", "POP", "Secret",
}  # fmt: skip
# Buttons and actions that change something for good or for many: each asks first.
DESTRUCTIVE = re.compile(r"删除|停用|吊销|撤销|应用到全部|离职继承|批量|全部转移|转移给|结束活动")


# Shown as they are, not words of the page: codes, file names, userids, commands (<code>, <pre>, <kbd>).
LITERAL = {"code", "pre", "kbd", "samp"}
VOID = {"br", "img", "input", "hr", "meta", "link"}
# A checkbox or radio sits in one row with its words: a label of one of these classes (or, in a table, it
# carries its own aria-label).
TICK_ROWS = {"check", "inline", "picker__option"}
# Printable pages (a channel code's poster): the poster, not the console around it.
PRINTABLE = {"admin.channel_code_poster", "admin.group_code_poster"}


class Page(HTMLParser):
    """The text a person reads (not scripts, styles or attributes) and the forms with their buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.forms: list[dict] = []
        self._skip = 0
        self._form: dict | None = None
        self._button: list[str] | None = None
        self._labels: list[str] = []  # the classes of the labels we are inside
        self.loose_ticks: list[str] = []  # checkboxes and radios not laid out as one row with their words

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "style", "template") or (tag in LITERAL and tag not in VOID):
            self._skip += 1
        elif tag == "form":
            self._form = {"attrs": a, "buttons": [], "confirm": "data-confirm" in a or "hx-confirm" in a}
            self.forms.append(self._form)
        elif tag == "button" and self._form is not None:
            self._button = []
            if "data-confirm" in a or "hx-confirm" in a:
                self._form["confirm"] = True
        elif tag == "label":
            self._labels.append(a.get("class") or "")
        elif tag == "input" and a.get("type") in ("checkbox", "radio") and "aria-label" not in a:
            classes = set((self._labels[-1] if self._labels else "").split())
            if not classes & TICK_ROWS:
                self.loose_ticks.append(a.get("name") or "?")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") or (tag in LITERAL and tag not in VOID):
            self._skip -= 1
        elif tag == "form":
            self._form = None
        elif tag == "label" and self._labels:
            self._labels.pop()
        elif tag == "button" and self._button is not None and self._form is not None:
            self._form["buttons"].append("".join(self._button).strip())
            self._button = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._button is not None:
            self._button.append(data)


def read(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def ids(app) -> dict[str, dict[str, object]]:
    """A value for each part of a console URL, per endpoint where the same name means different things."""
    with app.app_context():
        first = lambda model: db.session.scalar(select(model.id).order_by(model.id))  # noqa: E731
        job = BackgroundJob(kind="export", status="done", total=0, done=0, params="{}", result="{}")
        db.session.add(job)
        moment = MomentTask(name="每周新品朋友圈", text="新品到店", deadline=utcnow(), status="live")
        db.session.add(moment)
        db.session.commit()
        guide = db.session.scalar(select(Staff.id).where(Staff.userid == "chenjing"))
        return {
            "external_userid": customer_of("chenjing").external_userid,
            "job_id": job.id,
            "material_id": first(Material),
            "staff_id": guide,
            "statement_id": first(CommissionStatement),
            "rule_id": first(SopRule),
            "campaign_id": first(Campaign),
            "task_id": moment.id,
            "channel_code": first(ChannelCode),
            "group_code": first(GroupCode),
        }


def pages(app) -> list[tuple[str, str]]:
    """(endpoint, URL) of every console page, its parts filled from the demo; a part with no demo row
    (a commission statement before any is made) leaves its page out."""
    known = ids(app)
    out = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if (
                not rule.endpoint.startswith("admin.")
                or "GET" not in rule.methods
                or rule.endpoint in NOT_PAGES | PRINTABLE
            ):
                continue
            values = {}
            for name in rule.arguments:
                key = name
                if name == "code_id":
                    key = "group_code" if "group_code" in rule.endpoint else "channel_code"
                values[name] = known.get(key)
            if any(v is None for v in values.values()):
                continue
            out.append((rule.endpoint, url_for(rule.endpoint, **values)))
    return sorted(out)


def problems(html: str, viewer_name: str) -> list[str]:
    found = []
    if 'class="nav__groups"' not in html or viewer_name not in html:
        found.append("no navigation or viewer's name")
    page = read(html)
    text = " ".join(" ".join(page.text).split())
    for pattern, what in (
        (r"\('", "a Python tuple"),
        (r"\bNone\b", "None"),
        (r"\[\]|\{\}", "an empty Python list or dict"),
        (r'\{"\w+":', "raw JSON"),
        (r"\bTrue\b|\bFalse\b", "a Python boolean"),
    ):
        if m := re.search(pattern, text):
            found.append(f"{what}: …{text[max(0, m.start() - 40) : m.end() + 40]}…")
    english = {w for w in re.findall(r"\b[A-Za-z][A-Za-z']{2,}\b", text)} - ENGLISH_ALLOWED
    if english:
        found.append(f"English words: {sorted(english)[:12]}")
    for switch in re.findall(r'<nav class="switch".*?</nav>', html, re.S):
        if switch.count("is-current") != 1:
            found.append("a switch without exactly one choice marked current")
    if 'class="subtabs"' in html:
        found.append("subtabs outside the sidebar: the console's switch is macros/widgets.html")
    for table in re.findall(r"<table\b[^>]*>.*?</table>", html, re.S):
        # admin.js sorts and pages every table in the browser; one the server sorts must say so.
        if 'class="sort' in table and "data-server-sort" not in table.split(">", 1)[0]:
            found.append("a table sorted by the server without data-server-sort")
    if re.search(r'<td colspan="\d+" class="muted">', html):
        found.append("a bare empty state in a table (use empty_row from macros/widgets.html)")
    if page.loose_ticks:
        found.append(f"checkboxes not in a check row (label.check): {page.loose_ticks[:5]}")
    for form in page.forms:
        method = (form["attrs"].get("method") or "get").lower()
        wide = [b for b in form["buttons"] if DESTRUCTIVE.search(b)]
        if method == "post" and wide and not form["confirm"]:
            found.append(f"a form that {wide[0]!r} without asking first ({form['attrs'].get('action')})")
    return found


@pytest.mark.parametrize(("userid", "name"), [("zhangwei", "张伟"), ("lina", "李娜")])
def test_every_console_page_has_the_layout_and_no_raw_values(seeded, client, userid, name):
    qr_sign_in(client, userid)
    failures = {}
    walked = pages(seeded)
    assert len(walked) > 30
    for endpoint, url in walked:
        res = client.get(url)
        if res.status_code >= 500:
            failures[url] = [f"answered {res.status_code}"]
            continue
        if res.status_code in (301, 302, 303):
            continue
        if res.mimetype != "text/html":
            continue
        found = problems(res.get_data(as_text=True), name)
        if res.status_code >= 400 and 'data-testid="error"' not in res.get_data(as_text=True):
            found.append(f"answered {res.status_code} without the console's error page")
        if found:
            failures[f"{endpoint} {url} ({res.status_code})"] = found
    assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())


@pytest.mark.parametrize(
    "path", ["/admin/customers/wm-nobody", "/admin/jobs/99999999", "/admin/sop/99999999"]
)
def test_error_pages_are_chinese_and_inside_the_console(seeded, client, path):
    qr_sign_in(client, "lina")
    res = client.get(path)
    assert res.status_code == 404
    html = res.get_data(as_text=True)
    assert 'data-testid="error"' in html and 'class="nav__groups"' in html and "李娜" in html
    assert "Not Found" not in html and "requested URL" not in html
    assert "找不到" in html or "不存在" in html or "未找到" in html
