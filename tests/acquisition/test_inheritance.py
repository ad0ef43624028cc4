"""离职继承 through the emulator over HTTP: what WeCom holds for a leaver, a colleague chosen by rule,
requests of at most 100, results followed until done, and the follow and open tasks moved here."""

from __future__ import annotations

import re

from sqlalchemy import select

from sidebar.acquisition import inheritance
from sidebar.extensions import db
from sidebar.models import Customer, Follow, Handover, Staff, StaffStatus


def test_a_leavers_customers_go_to_a_colleague_and_arrive_when_wecom_says_done(seeded, emulator):
    with emulator.state.lock:
        emulator.state.users["wangfang"]["status"] = 5  # she left
    emulator.configure(transfer_delay=60.0)  # WeCom takes its time: waiting first
    with seeded.app_context():
        leaver = db.session.scalar(select(Staff).where(Staff.userid == "wangfang"))
        leaver.status = StaffStatus.RESIGNED.value
        db.session.commit()
        held = inheritance.unassigned()
        mine = held["wangfang"]
        assert mine and all(isinstance(e, str) for e in mine)
        takeover = inheritance.choose_takeover(leaver)
        assert takeover is not None and takeover.userid != "wangfang"
        if leaver.store_id:
            assert takeover.store_id == leaver.store_id  # the same store first
        counts = inheritance.request("wangfang", takeover, mine)
        db.session.commit()
        assert counts == {"requested": len(mine), "refused": 0, "already": 0}
        # Asked again while WeCom is still moving them: none is requested twice.
        again = inheritance.request("wangfang", takeover, mine)
        assert again == {"requested": 0, "refused": 0, "already": len(mine)}
        calls = [c for c in emulator.calls("externalcontact/resigned/transfer_customer")]
        assert all(len(c["json"]["external_userid"]) <= 100 for c in calls)
        waiting = inheritance.follow_up()
        assert waiting["done"] == 0 and waiting["waiting"] == len(mine)
        emulator.configure(transfer_delay=0.0)
        done = inheritance.follow_up()
        db.session.commit()
        assert done["done"] == len(mine)
        statuses = set(db.session.scalars(select(Handover.status)))
        assert statuses == {"done"}
        first = db.session.scalar(select(Customer).where(Customer.external_userid == mine[0]))
        live = {
            f.staff_id
            for f in db.session.scalars(
                select(Follow).where(Follow.customer_id == first.id, Follow.deleted_at.is_(None))
            )
        }
        assert takeover.id in live and leaver.id not in live


def test_an_admin_hands_a_leavers_customers_over_in_the_console(seeded, client, emulator):
    from tests.web.admin.test_console import csrf_token, qr_sign_in

    with emulator.state.lock:
        emulator.state.users["wangfang"]["status"] = 5
    qr_sign_in(client, "zhangwei")
    page = client.get("/admin/inheritance").get_data(as_text=True)
    # Her customers, and the demo's 孙浩 (who left before): both wait to be handed over.
    assert sorted(re.findall(r'data-testid="leaver-row"><td>([^<]+)<', page)) == sorted(["孙浩", "王芳"])
    token = csrf_token(client, "/admin/inheritance")
    with seeded.app_context():
        colleague = db.session.scalar(select(Staff.id).where(Staff.userid == "chenjing"))
    res = client.post(
        "/admin/inheritance",
        data={"csrf_token": token, "handover_userid": "wangfang", "takeover_id": str(colleague)},
    )
    assert res.status_code == 303
    with seeded.app_context():
        rows = db.session.scalars(select(Handover)).all()
        assert (
            rows
            and {r.status for r in rows} == {"waiting"}
            and {r.takeover_staff_id for r in rows} == {colleague}
        )
    # WeCom moved them: nothing of hers is left to hand over; his still wait.
    page = client.get("/admin/inheritance").get_data(as_text=True)
    assert re.findall(r'data-testid="leaver-row"><td>([^<]+)<', page) == ["孙浩"]
    # A manager may not hand customers over.
    other = seeded.test_client()
    qr_sign_in(other, "lina")
    assert other.get("/admin/inheritance").status_code == 403


def test_a_console_hand_over_that_wecom_stops_says_so_and_a_second_one_finishes(seeded, client, emulator):
    """WeCom refuses the hand-over (no permission): the page shows the run stopped and why; handing over
    again asks for the customers and the page shows it done, with how many were asked for."""
    from tests.web.admin.test_console import csrf_token, qr_sign_in

    with emulator.state.lock:
        emulator.state.users["wangfang"]["status"] = 5
    qr_sign_in(client, "zhangwei")
    with seeded.app_context():
        colleague = db.session.scalar(select(Staff.id).where(Staff.userid == "chenjing"))
    emulator.configure(queued_errors={"externalcontact/resigned/transfer_customer": [48002]})
    form = {"handover_userid": "wangfang", "takeover_id": str(colleague)}
    res = client.post(
        "/admin/inheritance", data={"csrf_token": csrf_token(client, "/admin/inheritance"), **form}
    )
    assert res.status_code == 303
    page = client.get("/admin/inheritance").get_data(as_text=True)
    assert page.count('data-testid="hand-over-row"') == 1 and 'data-status="failed"' in page
    assert "48002" in page and 'data-testid="leaver-row"' in page  # why, and her customers still there
    with seeded.app_context():
        assert db.session.scalars(select(Handover)).all() == []

    res = client.post(
        "/admin/inheritance", data={"csrf_token": csrf_token(client, "/admin/inheritance"), **form}
    )
    page = client.get("/admin/inheritance").get_data(as_text=True)
    with seeded.app_context():
        asked = len(db.session.scalars(select(Handover)).all())
    assert asked > 0 and page.count('data-testid="hand-over-row"') == 2
    newest = page.split('data-testid="hand-over-row"')[1]
    assert (
        'data-status="done"' in newest
        and f"{asked} 已申请" in newest
        and "王芳" in newest
        and "陈静" in newest
    )


def test_a_stop_half_way_keeps_what_wecom_accepted_and_asks_only_for_the_rest(seeded, emulator):
    """WeCom rate-limits the second batch: the first 100 stay recorded; the next run asks only for the
    others, and no customer reaches WeCom in two accepted calls."""
    import pytest

    from sidebar.wecom.errors import WeComError

    st = emulator.state
    with st.lock:
        st.users["wangfang"]["status"] = 5
        for follows in st.follows.values():  # she held every customer, so there are several batches
            some = next(iter(follows.values()), None)
            if some is not None and "wangfang" not in follows:
                follows["wangfang"] = {**some, "userid": "wangfang", "tags": set()}
    with seeded.app_context():
        held = inheritance.unassigned()["wangfang"]
        assert len(held) > 200
        takeover = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))
        with st.lock:
            st.config["rate_limit"] = st.window_calls + 1  # one more call in this minute, then 45009
        with pytest.raises(WeComError):
            inheritance.request("wangfang", takeover, held)
        db.session.rollback()
        assert len(db.session.scalars(select(Handover)).all()) == 100  # the accepted batch is kept
        emulator.configure(rate_limit=10000)
        counts = inheritance.request("wangfang", takeover, held)
        db.session.commit()
        assert counts["already"] == 100
        assert counts["requested"] + counts["refused"] == len(held) - 100
    accepted = [
        ext
        for call in emulator.calls("externalcontact/resigned/transfer_customer")
        if call["errcode"] == 0
        for ext in call["json"]["external_userid"]
    ]
    assert len(accepted) == len(set(accepted)) == len(held)
