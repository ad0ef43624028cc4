"""The console's customer filter (``customers.query``): parsing refuses nonsense, and every filter
returns exactly the customers a person would pick by hand, within the viewer's scope."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from sidebar import demo
from sidebar.customers import query
from sidebar.extensions import db
from sidebar.models import Customer, CustomerStats, Staff


def staff(userid: str) -> Staff:
    return db.session.scalar(select(Staff).where(Staff.userid == userid))


def tag(group: str, name: str) -> int:
    """Our id of a demo tag."""
    from sidebar.models import Tag

    return db.session.scalar(select(Tag.id).where(Tag.wecom_tag_id == demo.tag_id(group, name)))


def found(viewer: str, **params: str | list[str]) -> set[str]:
    f = query.parse(
        MultiDict([(k, v) for k, vs in params.items() for v in (vs if isinstance(vs, list) else [vs])])
    )
    rows = db.session.scalars(query.matching(staff(viewer), f).with_only_columns(Customer.external_userid))
    return set(rows)


def everyone() -> list[demo.DemoCustomer]:
    return [demo.customer(i) for i in range(demo.DEFAULT_CUSTOMERS)]


@pytest.fixture()
def world(seeded, ctx):
    return seeded


@pytest.mark.parametrize(
    "params",
    [
        {"skin_type": "purple"},
        {"lifecycle_stage": "immortal"},
        {"sort": "DROP TABLE customers"},
        {"after": "not-a-cursor"},
        {"sort": "name", "before": "WzEsMl0"},  # [1,2]: a number where the name sort needs text
        {"per_page": "101"},
        {"per_page": "-1"},
        {"tags_any": "1,x"},
        {"added_from": "2026-13-01"},
        {"spent_min": "lots"},
        {"birthday_within": "400"},
        {"rfm_segment": "vip"},
    ],
)
def test_nonsense_is_refused_with_a_reason(params):
    with pytest.raises(query.BadFilter) as refused:
        query.parse(MultiDict(params))
    assert str(refused.value)


def test_defaults_and_bounds():
    f = query.parse(MultiDict({"q": "  王  ", "spent_min": "300", "per_page": "100"}))
    assert (f.q, f.spent_min, f.per_page, f.after, f.sort) == ("王", 30000, 100, None, "added")


def test_skin_type_and_tags_any_all_none_match_the_data(world):
    dry = {c.external_userid for c in everyone() if c.skin_type == "dry"}
    assert found("zhangwei", skin_type="dry") == dry

    sensitive, perfume = tag("肤质", "敏感肌"), tag("兴趣", "香水")
    has = {
        t: {c.external_userid for c in everyone() if demo.tag_id(*name) in c.tag_ids}
        for t, name in ((sensitive, ("肤质", "敏感肌")), (perfume, ("兴趣", "香水")))
    }
    assert found("zhangwei", tags_any=f"{sensitive},{perfume}") == has[sensitive] | has[perfume]
    assert found("zhangwei", tags_all=[str(sensitive), str(perfume)]) == has[sensitive] & has[perfume]
    assert (
        found("zhangwei", tags_none=str(sensitive))
        == {c.external_userid for c in everyone()} - has[sensitive]
    )


def test_filters_stay_inside_the_viewers_scope(world):
    mine = {c.external_userid for c in everyone() if "chenjing" in {f.userid for f in c.follows}}
    assert found("chenjing") == mine
    assert found("chenjing", skin_type="oily") == {
        c.external_userid for c in everyone() if c.external_userid in mine and c.skin_type == "oily"
    }
    # A manager filtering by another region's guide finds only the customers their own team shares.
    huangli = str(staff("huangli").id)
    south = {"huangli", "zhaomin", "sunhao"}
    shared = {
        c.external_userid
        for c in everyone()
        if "huangli" in {f.userid for f in c.follows} and {f.userid for f in c.follows} - south - {"zhangwei"}
    }
    assert found("lina", follower_id=huangli) == shared
    assert found("zhaomin", follower_id=huangli) == {
        c.external_userid for c in everyone() if "huangli" in {f.userid for f in c.follows}
    }


def test_search_finds_by_name_phone_and_remark_and_treats_wildcards_as_text(world):
    person = demo.customer(7)
    assert person.external_userid in found("zhangwei", q=person.name)
    assert found("zhangwei", q=person.phone) == {person.external_userid}
    assert found("zhangwei", q="%") == set()  # a literal percent sign, not "everything"
    assert found("zhangwei", q="_") == set()


def _walk(viewer: Staff, params: dict[str, str]) -> tuple[list[int], list[int]]:
    """Every row the list shows, page by page with its Next links, then back with Previous."""
    forward, pages = [], []
    cursor: dict[str, str] = {}
    while True:
        result = query.page(db.session, viewer, query.parse(MultiDict({**params, **cursor})))
        pages.append([c.id for c in result.rows])
        forward += pages[-1]
        if result.next is None:
            break
        cursor = {"after": result.next}
    backward = []
    while True:
        result = query.page(db.session, viewer, query.parse(MultiDict({**params, **cursor})))
        backward = [c.id for c in result.rows] + backward
        if result.previous is None:
            break
        cursor = {"before": result.previous}
    return forward, backward


@pytest.mark.parametrize("sort", ["added", "last_order", "spent", "name"])
def test_keyset_pages_walk_every_match_once_in_order_both_ways(world, sort):
    params = {"skin_type": "combination", "per_page": "7", "sort": sort}
    f = query.parse(MultiDict(params))
    # Customers not computed yet (no stats row) sort last by spend and by last order, as NULLs.
    some = list(db.session.scalars(query.ids(staff("zhangwei"), f).order_by(Customer.id).limit(9)))
    db.session.execute(delete(CustomerStats).where(CustomerStats.customer_id.in_(some[::3])))
    everything = [
        c.id
        for c in db.session.scalars(
            query.matching(staff("zhangwei"), f).order_by(*query.SORTS[sort].order_by())
        )
    ]
    assert len(everything) > 14  # several pages, and customers without orders (NULLs) among them
    forward, backward = _walk(staff("zhangwei"), params)
    assert forward == everything
    # Back from the last page: every page but the last again, in the same order.
    assert backward == everything[: len(backward)] and len(backward) >= len(everything) - 7


def test_the_count_stops_at_its_bound_and_says_so(world):
    f = query.parse(MultiDict({"skin_type": "combination"}))
    exact = query.count(db.session, staff("zhangwei"), f)
    assert exact == sum(1 for c in everyone() if c.skin_type == "combination")
    assert query.count_upto(db.session, staff("zhangwei"), f, bound=exact) == query.Count(exact, True)
    capped = query.count_upto(db.session, staff("zhangwei"), f, bound=exact - 1)
    assert (capped.exact, str(capped)) == (False, f"{exact - 1:,}+")


def test_rfm_segment_and_lifecycle_filters_match_the_computed_columns(world):
    computed = {
        c.external_userid: (c.rfm_segment, c.lifecycle_stage) for c in db.session.scalars(select(Customer))
    }
    wanted = {ext for ext, (segment, _) in computed.items() if segment == "important_value"}
    assert wanted and found("zhangwei", rfm_segment="important_value") == wanted
    dormant = {ext for ext, (_, stage) in computed.items() if stage == "dormant"}
    assert found("zhangwei", lifecycle_stage="dormant") == dormant
