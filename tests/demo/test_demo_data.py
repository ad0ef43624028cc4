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
