"""The console's customer filter (``customers.query``): parsing refuses nonsense, and every filter
returns exactly the customers a person would pick by hand, within the viewer's scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from sidebar import demo
from sidebar.customers import query
from sidebar.extensions import db
from sidebar.models import Customer, Staff


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
        {"page": "0"},
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
    assert (f.q, f.spent_min, f.per_page, f.page, f.sort) == ("王", 30000, 100, 1, "added")


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


def test_count_and_page_agree_with_matching(world):
    f = query.parse(MultiDict({"skin_type": "combination", "per_page": "7", "page": "2"}))
    total = query.count(db.session, staff("zhangwei"), f)
    assert total == sum(1 for c in everyone() if c.skin_type == "combination")
    page = query.page(db.session, staff("zhangwei"), f)
    assert len(page) == min(7, max(0, total - 7))
    assert all(c.skin_type == "combination" for c in page)


def test_rfm_segment_and_lifecycle_filters_match_the_computed_columns(world):
    computed = {
        c.external_userid: (c.rfm_segment, c.lifecycle_stage) for c in db.session.scalars(select(Customer))
    }
    wanted = {ext for ext, (segment, _) in computed.items() if segment == "important_value"}
    assert wanted and found("zhangwei", rfm_segment="important_value") == wanted
    dormant = {ext for ext, (_, stage) in computed.items() if stage == "dormant"}
    assert found("zhangwei", lifecycle_stage="dormant") == dormant
