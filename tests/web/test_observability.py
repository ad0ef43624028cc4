"""What an operator sees of the running system: ``/metrics`` in Prometheus' format (request latency by
route, WeCom calls by API and errcode, callback lag, the queue's depth, connections in use), only from the
addresses allowed; every request answered with its id, and with ``LOG_FORMAT=json`` one JSON line per
request whose id the jobs it enqueued log too."""

from __future__ import annotations

import json
import logging
import re

import pytest

from sidebar import demo, logs
from sidebar.config import ConfigError
from tests.conftest import make_app
from tests.sidebar_helpers import sign_in
from tests.web.sidebar.test_customers import customer_of


def sample(text: str, name: str, **labels: str) -> float | None:
    """One sample's value from Prometheus' text format (labels in any order)."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0])) if "{" in line else {}
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_metrics_show_requests_by_route_wecom_calls_and_the_queue(seeded, client):
    sign_in(client, "chenjing")
    person = customer_of("chenjing")
    assert client.get(f"/sidebar/customers/{person.external_userid}").status_code == 200
    page = client.get("/metrics")
    assert page.status_code == 200 and page.mimetype == "text/plain"
    text = page.get_data(as_text=True)
    route = "/sidebar/customers/<external_userid>"
    assert sample(text, "beside_http_request_duration_seconds_count", route=route, method="GET", status="200")
    assert person.external_userid not in text  # routes, not URLs: bounded labels, no customer ids
    assert sample(text, "beside_wecom_calls_total", api="auth/getuserinfo", errcode="0")
    assert sample(text, "beside_wecom_calls_total", api="gettoken", errcode="0")
    assert sample(text, "beside_jobs_queued") is not None
    assert sample(text, "beside_db_connections_in_use") is not None


def test_metrics_are_not_there_for_other_addresses(app, client):
    outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert outside.status_code == 404 and b"beside_" not in outside.data
    inside = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert inside.status_code == 404


def test_a_scraper_on_an_allowed_network_reads_them(app, another_app):
    app = another_app(METRICS_ALLOW="10.0.0.0/8, 127.0.0.1")  # its connections closed afterwards
    scraper = app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert scraper.status_code == 200 and b"beside_http_request_duration_seconds" in scraper.data


def test_a_wecom_error_is_counted_by_its_errcode(seeded, client, emulator):
    from sidebar.wecom.errors import WeComError
    from sidebar.wecom.gateway import wecom

    def refused() -> float:
        text = client.get("/metrics").get_data(as_text=True)
        return sample(text, "beside_wecom_calls_total", api="externalcontact/get", errcode="84061") or 0

    before = refused()
    with seeded.app_context(), pytest.raises(WeComError):
        wecom().get("externalcontact/get", params={"external_userid": "wm-nobody-at-all"})
    assert refused() == before + 1  # 84061: not a contact (doc 90313)


def test_a_callback_applied_is_timed_from_its_arrival(seeded, live_app, emulator, client):
    person = customer_of("chenjing")
    emulator.send_event(
        change_type="edit_external_contact", userid="chenjing", external_userid=person.external_userid
    )
    text = client.get("/metrics").get_data(as_text=True)
    assert (sample(text, "beside_callback_lag_seconds_count") or 0) >= 1


def test_every_answer_names_its_request_and_keeps_a_well_formed_one_given(app, client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["X-Request-Id"])
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]
    given = client.get("/healthz", headers={"X-Request-Id": "proxy-abc12345"})
    assert given.headers["X-Request-Id"] == "proxy-abc12345"
    forged = client.get("/healthz", headers={"X-Request-Id": 'x" {"level":"error"}'})
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-Id"])  # never echoed into logs


@pytest.fixture()
def json_logs():
    """Logging as LOG_FORMAT=json sets it for the process, put back afterwards."""
    root = logging.getLogger()
    level = root.level
    yield
    logs.unconfigure()
    root.setLevel(level)


def test_json_logs_a_line_per_request_and_the_jobs_it_enqueued_share_its_id(
    seeded, another_app, caplog, json_logs
):
    from sqlalchemy import select

    from sidebar.extensions import db
    from sidebar.models import Tag
    from tests.web.sidebar.test_customers import csrf, hx

    app = another_app(LOG_FORMAT="json")  # on the seeded database; its connections closed afterwards
    client = app.test_client()
    formatter = logs.JsonLines()
    caplog.set_level(logging.INFO)
    sign_in(client, "chenjing")
    person = customer_of("chenjing")
    with app.app_context():
        tag = db.session.scalar(
            select(Tag).where(Tag.wecom_tag_id.in_([demo.tag_id("兴趣", n) for n in ("香水", "防晒", "彩妆")]))
            .where(Tag.wecom_tag_id.not_in(person.tag_ids))
        )  # fmt: skip
        tag_id = tag.id
    # Tagging a customer pushes the tag to WeCom in a job, after the request's commit.
    res = client.post(
        f"/sidebar/customers/{person.external_userid}/tags",
        data={"tag_id": tag_id, "action": "add"},
        headers={**hx(csrf(client, "/sidebar/")), "X-Request-Id": "req-0000tagging"},
    )
    assert res.status_code == 200, res.get_data(as_text=True)[:300]
    lines = [json.loads(formatter.format(r)) for r in caplog.records]
    request_line = next(x for x in lines if x["logger"] == "beside.request" and x.get("method") == "POST")
    assert request_line["request_id"] == "req-0000tagging" and request_line["status"] == 200
    assert request_line["route"] == "/sidebar/customers/<external_userid>/tags" and request_line["ms"] >= 0
    jobs = [x for x in lines if x.get("job")]
    assert jobs and all(x["request_id"] == "req-0000tagging" for x in jobs)
    assert not any("code=" in x.get("path", "") for x in lines)  # paths without their queries


@pytest.mark.parametrize(
    ("settings", "words"),
    [({"LOG_FORMAT": "xml"}, "text or json"), ({"METRICS_ALLOW": "everyone"}, "addresses or networks")],
)
def test_logging_and_metrics_settings_that_cannot_work_stop_the_app(tmp_path, emulator, settings, words):
    with pytest.raises(ConfigError, match=words):
        make_app(tmp_path, emulator, **settings)
