"""JS-SDK signatures: WeCom's worked example, and the endpoint the sidebar calls."""

from __future__ import annotations

import hashlib
import time

from sidebar.extensions import db
from sidebar.models import Staff
from sidebar.wecom import jssdk


def test_signature_reproduces_the_worked_example_in_wecom_doc_96909():
    signature = jssdk.signature(
        ticket="sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
        noncestr="Wm3WZYTPz0wzccnW",
        timestamp=1414587457,
        url="http://mp.weixin.qq.com?params=value",
    )
    assert signature == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"


def test_sign_url_drops_the_fragment_and_keeps_the_query_byte_for_byte():
    signed = jssdk.sign_url("T", "https://beside.example/sidebar/?a=1&b=%E4#/x", now=1700000000)
    expected = jssdk.signature(
        "T", signed["nonceStr"], 1700000000, "https://beside.example/sidebar/?a=1&b=%E4"
    )
    assert signed == {"timestamp": 1700000000, "nonceStr": signed["nonceStr"], "signature": expected}


def _sign_in(client, app, userid="chenjing"):
    with app.app_context():
        staff = Staff(userid=userid, name="陈静")
        db.session.add(staff)
        db.session.commit()
        staff_id = staff.id
    with client.session_transaction() as session:
        session["staff_id"] = staff_id
        session["signed_in_at"] = time.time()


def test_signature_endpoint_needs_a_session(client):
    res = client.get("/api/v1/jssdk/signature", query_string={"url": "http://x/sidebar/"})
    assert res.status_code == 401
    assert res.json["error"]["code"] == "unauthorized"


def test_signature_endpoint_signs_with_the_agent_ticket_from_wecom(app, client, emulator):
    _sign_in(client, app)
    url = "http://127.0.0.1:5000/sidebar/?entry=single_chat_tools"
    res = client.get("/api/v1/jssdk/signature", query_string={"url": url, "type": "agent"})
    assert res.status_code == 200
    body = res.json
    tickets = [t for t in emulator.state.tickets if t.startswith("emu-agent-")]
    assert len(tickets) == 1
    plain = f"jsapi_ticket={tickets[0]}&noncestr={body['nonceStr']}&timestamp={body['timestamp']}&url={url}"
    assert body["signature"] == hashlib.sha1(plain.encode()).hexdigest()


def test_signature_endpoint_uses_the_corp_ticket_for_config(app, client, emulator):
    _sign_in(client, app)
    client.get("/api/v1/jssdk/signature", query_string={"url": "http://x/", "type": "corp"})
    assert len(emulator.calls("get_jsapi_ticket")) == 1
    assert emulator.calls("ticket/get") == []


def test_signature_endpoint_rejects_bad_input(app, client):
    _sign_in(client, app)
    assert client.get("/api/v1/jssdk/signature", query_string={"url": "javascript:x"}).status_code == 400
    res = client.get("/api/v1/jssdk/signature", query_string={"url": "http://x/", "type": "other"})
    assert res.status_code == 400
    assert res.json["error"]["code"] == "bad_type"


def test_signature_endpoint_says_when_wecom_is_down(app, client, emulator):
    _sign_in(client, app)
    emulator.configure(always_error={"ticket/get": 60020})
    res = client.get("/api/v1/jssdk/signature", query_string={"url": "http://x/"})
    assert res.status_code == 502
    assert res.json["error"]["code"] == "wecom_unavailable"


def test_a_slow_wecom_is_given_up_on_while_someone_waits_but_not_in_a_job(app, another_app, emulator):
    # WeCom answers, but only after 1.5 s: longer than the wait a person gets, shorter than a job's.
    app = another_app(WECOM_INTERACTIVE_TIMEOUT=0.5, WECOM_HTTP_TIMEOUT=10.0)  # on the same, empty tables
    client = app.test_client()
    _sign_in(client, app)
    emulator.configure(latency=1.5)
    res = client.get("/api/v1/jssdk/signature", query_string={"url": "http://x/sidebar/"})
    assert res.status_code == 503
    assert res.json["error"]["code"] == "wecom_unreachable"
    # A job (no request waiting on it) keeps the long timeout and gets its answer.
    from sidebar.wecom.gateway import wecom

    with app.app_context():
        assert wecom().agent_ticket().startswith("emu-agent-")


def _embedded(res) -> dict:
    import html
    import json
    import re

    raw = re.search(r'data-signatures="([^"]*)"', res.get_data(as_text=True)).group(1)
    return json.loads(html.unescape(raw))


def test_the_entry_page_carries_signatures_for_its_own_url(app, client, emulator):
    _sign_in(client, app)
    res = client.get("/sidebar/?from=wecom")
    assert res.status_code == 200
    signed = _embedded(res)
    url = "http://localhost/sidebar/?from=wecom"  # as the page's own address, query kept
    tickets = {
        "agent": next(t for t in emulator.state.tickets if t.startswith("emu-agent-")),
        "corp": next(t for t in emulator.state.tickets if not t.startswith("emu-agent-")),
    }
    for kind, ticket in tickets.items():
        s = signed[kind]
        assert s["url"] == url
        assert s["signature"] == jssdk.signature(ticket, s["nonceStr"], s["timestamp"], url)


def test_without_a_ticket_the_entry_page_still_opens_and_leaves_the_signature_to_the_page(
    app, client, emulator
):
    _sign_in(client, app)
    emulator.configure(always_error={"ticket/get": 60020, "get_jsapi_ticket": 60020})
    res = client.get("/sidebar/")
    assert res.status_code == 200 and _embedded(res) == {}
