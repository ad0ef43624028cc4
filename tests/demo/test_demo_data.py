"""The demo brand does not contradict itself: what a person sees in the demo could be true."""

from __future__ import annotations

from datetime import date

from sidebar import demo


def test_an_age_range_agrees_with_the_birthday():
    today = demo.today()
    for person in map(demo.customer, range(demo.DEFAULT_CUSTOMERS)):
        if person.birthday is None:
            continue
        b: date = person.birthday
        age = today.year - b.year - ((today.month, today.day) < (b.month, b.day))
        low, _, high = person.age_range.partition("-")
        assert int(low.rstrip("+")) <= age <= (int(high) if high else 200), (person.name, b, person.age_range)


def test_a_follow_came_through_a_code_only_if_the_code_routes_to_that_member():
    by_state = {state: (kind, store, members) for state, _n, kind, store, members in demo.CHANNEL_CODES}
    staff = {s.userid: s for s in demo.STAFF}
    for person in map(demo.customer, range(demo.DEFAULT_CUSTOMERS)):
        for f in person.follows:
            if f.state is None:
                continue
            kind, store, members = by_state[f.state]
            on_code = staff[f.userid].store == store if kind == "store" else f.userid in members
            assert on_code, (person.name, f.userid, f.state)
