"""Service quality from the archive: response time in working hours, questions answered late or never,
figures per member and day summed into the guides' month, and customers left waiting told to the guide
and then the manager."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from sidebar.archive import pull, quality
from sidebar.core.units import brand_zone
from sidebar.extensions import db
from sidebar.guides import metrics
from sidebar.models import ArchiveMessage, GuideMonth, ServiceDay, Staff, UnansweredAlert, utcnow
from tests.archive.test_pull import say, text
from tests.web.sidebar.test_customers import customer_of


def _at(day: datetime, hh: int, mm: int) -> datetime:
    return day.replace(hour=hh, minute=mm).astimezone(UTC)


def test_working_seconds_skip_the_night(app):
    with app.app_context():
        day = datetime(2026, 12, 1, tzinfo=brand_zone())
        nine_to_nine = (datetime.min.time().replace(hour=9), datetime.min.time().replace(hour=21))
        assert quality.working_seconds(_at(day, 10, 0), _at(day, 10, 5), nine_to_nine) == 300
        # Asked at 22:00, answered at 09:10 the next morning: ten minutes of work.
        assert (
            quality.working_seconds(_at(day, 22, 0), _at(day + timedelta(days=1), 9, 10), nine_to_nine) == 600
        )


def test_a_day_in_figures_and_in_the_guides_month(seeded):
    with seeded.app_context():
        zone = brand_zone()
        day = (
            (utcnow() - timedelta(days=3)).astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
        )
        ext_a, ext_b, ext_c = (customer_of("chenjing").external_userid, "wmquality_b", "wmquality_c")
        script = [  # (customer, from customer?, hh, mm)
            (ext_a, True, 10, 0), (ext_a, True, 10, 1), (ext_a, False, 10, 6),  # one question, 6 min
            (ext_a, True, 11, 0), (ext_a, False, 11, 50),  # late: 50 min
            (ext_b, True, 20, 55), (ext_b, False, 9 + 24, 5),  # 5 + 5 working minutes, next morning
            (ext_c, True, 15, 0),  # never answered
        ]  # fmt: skip
        for n, (ext, mine, hh, mm) in enumerate(script):
            at = (day + timedelta(hours=hh, minutes=mm)).astimezone(UTC)
            db.session.add(ArchiveMessage(seq=1000 + n, msgid=f"q{n}", action="send", msgtype="text",
                                          sender=ext if mine else "chenjing", staff_userid="chenjing",
                                          customer_userid=ext, from_customer=mine, sent_at=at, summary="x"))  # fmt: skip
        db.session.commit()
        quality.compute_day(day.date(), now=utcnow())
        row = db.session.get(ServiceDay, ("chenjing", day.date()))
        assert (row.conversations, row.questions, row.answered, row.late) == (3, 4, 3, 2)
        assert row.response_seconds == (6 + 50 + 10) * 60
        metrics.recompute(metrics.this_month(day) if day.day > 1 else None, now=utcnow())
        staff_id = db.session.scalar(select(Staff.id).where(Staff.userid == "chenjing"))
        month = db.session.get(GuideMonth, (staff_id, metrics.this_month(day)))
        assert (month.conversations, month.questions, month.answered, month.answered_late) == (3, 4, 3, 2)
        assert metrics.rates(month).response_minutes == 22.0 and metrics.rates(month).answered_in_time == 0.5


def test_a_waiting_customer_is_told_to_the_guide_then_the_manager(seeded, emulator):
    seeded.config.update(SERVICE_HOURS="00:00-24:00", UNANSWERED_ALERT_MINUTES=1.0)
    ext = customer_of("chenjing").external_userid
    say(emulator, "customer", text("在吗？想问下发货"), ext=ext)
    with seeded.app_context():
        pull.pull(now=utcnow())
        assert quality.alert(now=utcnow(), agent_id="1000002")["guides"] == 0  # not yet a minute
        later = utcnow() + timedelta(minutes=1, seconds=5)
        assert quality.alert(now=later, agent_id="1000002") == {"guides": 1, "managers": 0, "failed": 0}
        assert quality.alert(now=later, agent_id="1000002")["guides"] == 0  # told once
        much_later = utcnow() + timedelta(minutes=2, seconds=10)
        assert quality.alert(now=much_later, agent_id="1000002")["managers"] == 1
        db.session.commit()
        assert db.session.scalar(select(UnansweredAlert.manager_told_at)) is not None
    sent = {c["json"]["touser"] for c in emulator.calls("message/send")}
    assert sent == {"chenjing", "lina"}
    # The guide answers: nobody is waiting any more.
    say(emulator, "member", text("在的，今天发货"), ext=ext)
    with seeded.app_context():
        pull.pull(now=utcnow())
        assert quality.waiting_now(utcnow() + timedelta(hours=1)) == []
