"""The archive in the console: an admin sees where the pull stands and who has no licence; a manager
reads the conversations of the members they oversee and nothing else; a customer who refused is
never shown; every read is in the audit log."""

from __future__ import annotations

import requests
from sqlalchemy import select

from sidebar import demo
from sidebar.archive import pull, read
from sidebar.extensions import db
from sidebar.models import AdminAccount, AuditLog, utcnow
from tests.archive.test_pull import say, text
from tests.web.admin.test_console import qr_sign_in
from tests.web.sidebar.test_customers import customer_of


def _south_customer() -> str:
    return next(
        c.external_userid
        for c in (demo.customer(i) for i in range(demo.DEFAULT_CUSTOMERS))
        if c.serving and {f.userid for f in c.serving} == {"huangli"}
    )


def test_a_manager_reads_her_region_only_and_a_refusal_hides_the_customer(seeded, client, emulator):
    ours, south = customer_of("chenjing").external_userid, _south_customer()
    say(emulator, "customer", text("敏感肌可以用精华吗"), ext=ours)
    say(emulator, "member", text("可以先试用小样"), ext=ours)
    say(emulator, "customer", text("华南的敏感肌问题"), userid="huangli", ext=south)
    with seeded.app_context():
        assert pull.pull(now=utcnow()).stored == 3

    admin = seeded.test_client()
    qr_sign_in(admin, "zhangwei")
    status = admin.get("/admin/archive").get_data(as_text=True)
    assert 'data-testid="archive-stored">3<' in status
    found = admin.get("/admin/archive/search?q=敏感").get_data(as_text=True)
    assert found.count('data-testid="archive-message"') == 2  # two characters, both regions

    qr_sign_in(client, "lina")
    threads = client.get("/admin/archive/members/chenjing").get_data(as_text=True)
    assert threads.count('data-testid="archive-thread"') == 1
    chat = client.get(f"/admin/archive/members/chenjing/customers/{ours}")
    assert chat.status_code == 200
    page = chat.get_data(as_text=True)
    assert page.index("敏感肌可以用精华吗") < page.index("可以先试用小样")  # as the chat reads
    assert client.get("/admin/archive/members/huangli").status_code == 404
    assert client.get(f"/admin/archive/members/huangli/customers/{south}").status_code == 404
    assert client.get(f"/admin/archive/customers/{south}").status_code == 404
    mine = client.get("/admin/archive/search?q=敏感").get_data(as_text=True)
    assert mine.count('data-testid="archive-message"') == 1 and "华南的敏感肌问题" not in mine
    with seeded.app_context():
        reads = db.session.scalars(
            select(AuditLog).where(AuditLog.action.in_(["archive_read", "archive_search"]))
        )
        assert {(a.actor, a.action) for a in reads} >= {("lina", "archive_read"), ("lina", "archive_search")}

    # The customer refuses in WeCom: from the next pull on, nowhere to be read.
    requests.post(emulator.url + "/_emulator/archive/consent",
                  json={"userid": "chenjing", "external_userid": ours, "agree": False}, timeout=5)  # fmt: skip
    with seeded.app_context():
        pull.pull(now=utcnow())
    assert client.get(f"/admin/archive/members/chenjing/customers/{ours}").status_code == 404
    assert client.get(f"/admin/archive/customers/{ours}").status_code == 404
    assert 'data-testid="archive-thread"' not in client.get("/admin/archive/members/chenjing").get_data(
        as_text=True
    )
    assert "敏感肌可以用精华吗" not in admin.get("/admin/archive/search?q=敏感").get_data(as_text=True)


def test_the_status_page_says_what_stops_the_pull_and_who_has_no_licence(seeded, client, emulator):
    emulator.configure(archive_members=["chenjing", "wangfang"])
    seeded.config["WECOM_ARCHIVE_SECRET"] = seeded.config["WECOM_SECRET"]
    with seeded.app_context():
        pull.pull(now=utcnow())
    seeded.config["WECOM_ARCHIVE_SECRET"] = "demo-archive-secret-not-for-production"
    qr_sign_in(client, "zhangwei")
    page = client.get("/admin/archive").get_data(as_text=True)
    assert 'data-testid="archive-error"' in page and "48002" in page
    unlicensed = page[page.index('data-testid="archive-unlicensed"') :]
    unlicensed = unlicensed[: unlicensed.index("</p>")]
    assert "陈静" not in unlicensed and "黄丽" in unlicensed


def test_search_pages_through_every_match_newest_first_whether_common_or_rare(seeded, emulator, monkeypatch):
    """A word among the newest messages and one only in older ones are both found whole, a page at a
    time, each message once (on PostgreSQL the first is read from the newest messages, the second through
    the grams index: ``read.found``)."""
    ext = customer_of("chenjing").external_userid
    words = ["想给礼盒刻字", "门店几点关门", "刻字要几天", "门店在哪", "门店有小样吗", "刻字收费吗",
             "门店停车方便吗", "门店周末开吗", "门店可以自提吗"]  # fmt: skip
    for said in words:
        say(emulator, "customer", text(said), ext=ext)
    monkeypatch.setattr(read, "PAGE", 2)
    monkeypatch.setattr(read, "RECENT", 4)  # the four newest: every one about 门店, none about 刻字
    with seeded.app_context():
        assert pull.pull(now=utcnow()).stored == len(words)
        admin = AdminAccount(username="zhangwei", password_hash="-")  # noqa: S106 (never saved)
        for word in ("门店", "刻字"):
            seen, cursor = [], None
            while True:
                page = read.found(admin, word, cursor)
                seen += [m.summary for m in reversed(page.messages)]  # each page reads oldest first
                if not (cursor := page.older):
                    break
            assert seen == [w for w in reversed(words) if word in w]
