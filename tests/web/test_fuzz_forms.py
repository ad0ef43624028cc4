"""Guard: every console and sidebar route, fed generated hostile input — control characters and NUL, RTL
marks, 100 KB strings, emoji, SQL and HTML fragments, numbers far past any column and exponent forms,
dates at the calendar's ends — in its form fields and query string, never answers with a 5xx. Generated
by Hypothesis, derandomised (the same examples on every run) and bounded (a few per route), on the
database the suite runs on. The API has its own run (``tests/api/test_openapi.py``, schemathesis, and
``tests/web/test_hostile_input.py``)."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import qr_sign_in
from tests.web.test_route_table import FIXED, rules, world  # noqa: F401  (world: a fixture)

HOSTILE = [
    "\x00",
    "a\x00b",
    "\x1b[31m\x07",
    "\u202e\u202dRTL",
    "😀" * 10,
    "x" * 100_000,
    "' OR 1=1 --",
    "'; DROP TABLE customers; --",
    '<script>alert("x")</script>',
    '=HYPERLINK("http://x")',
    "1e30",
    "1e99",
    "-1",
    "99999999999999999999999999999",
    "-99999999999999999999",
    "NaN",
    "Infinity",
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59:59-12:00",
    "",
    " ",
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
FIELDS = [
    "q", "name", "title", "body", "text", "code", "city", "address", "team", "status", "phone", "points",
    "birthday", "days", "month", "from", "to", "amount", "quantity", "order_no", "per_page", "page",
    "value", "threshold", "valid_days", "total_stock", "mp_page", "mp_appid", "link", "state", "remark",
    "description", "reason", "tag_id", "template_id", "ref_id", "kind", "piece", "total", "key",
    "monthly_amount", "role", "team_id", "store_id", "skin_type", "first_tag", "direction", "weekday",
    "window_days", "trigger", "group_name", "scope", "order", "after", "sort", "rule", "touch_days",
]  # fmt: skip
FORMS = st.dictionaries(st.sampled_from(FIELDS), VALUES, min_size=1, max_size=8)
# Routes that end the session or replace the person under test: not what this guard is about.
SKIP = re.compile(r"/(logout|login)")


def _url(rule, world_ids: dict[str, str]) -> str:
    values = {arg: FIXED.get(arg) or world_ids.get(arg) or "1" for arg in rule.arguments}
    url = rule.rule
    for arg, value in values.items():
        url = re.sub(rf"<(?:[^:<>]+:)?{arg}>", value, url)
    return url


def _token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page) or re.search(
        r'"X-CSRFToken": "([^"]+)"', page
    )
    assert found, path
    return found.group(1)


@pytest.mark.slow
@pytest.mark.parametrize("surface", ["/admin", "/sidebar"])
def test_no_route_answers_5xx_to_hostile_input(seeded, world, client, surface):  # noqa: F811
    with seeded.test_request_context():
        routes = [(r, m) for r, m in rules((surface + "/",)) if not SKIP.search(r.rule)]
    if surface == "/admin":
        qr_sign_in(client, "zhangwei")
        token = _token(client, "/admin/")
    else:
        sign_in(client, "chenjing")
        token = _token(client, "/sidebar/")
    assert len(routes) > 40  # the route table really was read
    failures: list[str] = []
    for rule, method in routes:
        failure = _probe(client, method, _url(rule, world.mine), token)
        if failure:
            failures.append(failure)
    assert failures == [], "\n".join(failures)


def _probe(client, method: str, url: str, token: str) -> str | None:
    """A few generated forms (or query strings) against one route: what failed, or None."""
    seen: list[str] = []

    @settings(
        max_examples=4,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(form=FORMS)
    @example(form=dict.fromkeys(FIELDS, "a\x00b"))  # every field at once: each class of defect meets
    @example(form=dict.fromkeys(FIELDS, "1e30"))  # every field at least once, whatever is generated
    @example(form=dict.fromkeys(FIELDS, "99999999999999999999999999999"))
    @example(form=dict.fromkeys(FIELDS, "9999-12-31T23:59:59-12:00"))
    @example(form=dict.fromkeys(FIELDS, "x" * 100_000))
    def probe(form: dict[str, str]) -> None:
        headers = {"X-CSRFToken": token, "HX-Request": "true"}
        try:
            if method == "GET":
                res = client.get(url, query_string=form, headers=headers)
            else:
                res = client.open(url, method=method, data={**form, "csrf_token": token}, headers=headers)
            res.close()
        except Exception as exc:  # the test app raises what a deployed one answers 500 with
            seen.append(f"{method} {url}: {type(exc).__name__}: {str(exc)[:160]} <- {str(form)[:120]}")
            raise
        if res.status_code >= 500:
            seen.append(f"{method} {url}: {res.status_code} <- {str(form)[:120]}")
            raise AssertionError(seen[-1])

    try:
        probe()
    except Exception:  # noqa: BLE001 - reported below, with the smallest example found
        return seen[-1] if seen else f"{method} {url}: failed"
    return None


# A valid record per endpoint; the fuzz puts a hostile value into one or more of its fields.
RECORDS = {
    "/api/v1/orders": {
        "platform": "tmall", "order_no": "FZ-1", "status": "paid", "paid_at": "2026-11-20T10:00:00+08:00",
        "total_amount": "399.00", "refund_amount": "0.00", "updated_at": "2026-11-20T10:00:00+08:00",
        "store_code": "SH01",
        "items": [{"sku": "S", "name": "n", "category": "c", "quantity": 1, "price": "399.00"}],
        "buyer": {"phone": "13800138000", "unionid": "u", "member_no": "m", "platform_buyer_id": "b"},
    },
    "/api/v1/members": {
        "member_no": "FZ-M1", "phone": "13800138000", "unionid": "u", "name": "n", "level": "金卡",
        "points": 1, "birthday": "1990-01-01", "store_code": "SH01", "updated_at": "2026-11-20T10:00:00+08:00",
    },
    "/api/v1/events": {
        "source": "mall", "event_id": "fz-1", "kind": "viewed", "occurred_at": "2026-11-20T10:00:00+08:00",
        "sku": "S", "product_name": "n", "quantity": 1, "amount": "1.00", "customer": {"phone": "13800138000"},
    },
    "/api/v1/products": {
        "sku": "FZ-P1", "name": "n", "price": "1.00", "link": "https://mall.example.com/p", "category": "c",
    },
}  # fmt: skip
API_VALUES = st.one_of(
    VALUES,
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _set(record: dict, path: tuple, value: object) -> dict:
    """A copy of ``record`` with ``value`` at ``path`` (a key, or key then index then key)."""
    out = json.loads(json.dumps(record))
    where = out
    for step in path[:-1]:
        where = where[step]
    where[path[-1]] = value
    return out


def _paths(record: dict, prefix: tuple = ()) -> list[tuple]:
    found: list[tuple] = []
    for key, value in record.items():
        if isinstance(value, dict):
            found += _paths(value, (*prefix, key))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            found += _paths(value[0], (*prefix, key, 0))
        else:
            found.append((*prefix, key))
    return found


@pytest.mark.slow
def test_no_api_record_with_a_hostile_field_answers_5xx(app, client):
    from tests.data.test_orders_api import make_key

    key = make_key(app, "orders:write", "members:write", "events:write", "products:write")
    failures: list[str] = []
    for path, record in RECORDS.items():
        _fuzz_records(client, key, path, record, failures)
    assert failures == [], "\n".join(sorted(set(failures)))


def _fuzz_records(client, key: dict, path: str, record: dict, failures: list[str]) -> None:
    paths = _paths(record)
    field = path.rsplit("/", 1)[1]
    sent: list[int] = []

    @settings(max_examples=60, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(where=st.sampled_from(paths), value=API_VALUES)
    @example(where=paths[0], value="1e30")
    def probe(where: tuple, value: object) -> None:
        body = _set(record, where, value)
        sent.append(1)
        try:
            res = client.post(path, json={field: [body]}, headers=key)
        except Exception as exc:  # the test app raises what a deployed one answers 500 with
            failures.append(f"{path} {where}={value!r:.80}: {type(exc).__name__}: {str(exc)[:120]}")
            raise
        if res.status_code >= 500:
            failures.append(f"{path} {where}={value!r:.80}: {res.status_code}")
            raise AssertionError(failures[-1])

    try:
        probe()
    except Exception:
        if not failures:  # a failure of the test itself, not of the app
            raise
    assert len(sent) >= 60, path  # the examples really ran
