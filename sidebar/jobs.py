"""Background jobs (huey). Thin: each opens the app context and calls services inside a unit of work
(``core.uow.unit``: one commit, or a rollback if it raises) per step.

Run a consumer with ``huey_consumer wsgi.huey`` (``make run`` starts one). Retries of callback events
are driven by ``wecom_events.next_attempt_at`` and the sweeper, so a lost enqueue or a dead consumer
delays an event but never drops it.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from flask import current_app
from huey import crontab, signals

from sidebar import logs
from sidebar.acquisition import deletions, inheritance, reports
from sidebar.archive import compliance as archive_compliance
from sidebar.archive import consent as archive_consent
from sidebar.archive import pull as archive_pull
from sidebar.archive import quality as archive_quality
from sidebar.archive import retention as archive_retention
from sidebar.archive import source as archive_source
from sidebar.campaigns import moments as campaign_moments
from sidebar.campaigns import results as campaign_results
from sidebar.campaigns import send as campaign_send
from sidebar.core import slots, uow
from sidebar.core.analyze import analyze
from sidebar.customers import bulk, rule_tags
from sidebar.customers import tags as customer_tags
from sidebar.data import imports, profile
from sidebar.events import callbacks as events
from sidebar.extensions import db, huey, job_app
from sidebar.growth import invites as referral_invites
from sidebar.growth import pool as growth_pool
from sidebar.growth import rewards as referral_rewards
from sidebar.guides import attribution, metrics, tiers
from sidebar.metrics import job_failures, job_seconds
from sidebar.models import MomentTask, WecomEvent, utcnow
from sidebar.money import group_coupons, red_packets
from sidebar.signals import behaviour, radar, recommend
from sidebar.signals import rules as signal_rules
from sidebar.sop import engine as sop_engine
from sidebar.sop import reminders as sop_reminders

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])
MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


@huey.signal(signals.SIGNAL_ENQUEUED)
def _carry_request_id(_signal: str, task: Any) -> None:
    """A job enqueued while a request is served carries the request's id (``sidebar.logs``)."""
    task.id = logs.task_id_with_request(task.id)


@huey.pre_execute()
def _job_starts(task: Any) -> None:
    _started[task.id] = (time.monotonic(), logs.enter(logs.request_of_task(task.id)))


@huey.post_execute()
def _job_ends(task: Any, _value: Any, exc: BaseException | None) -> None:
    began = _started.pop(task.id, None)
    if began is None:
        return
    took = time.monotonic() - began[0]
    job_seconds.labels(task.name).observe(took)
    if exc is not None:
        job_failures.labels(task.name).inc()
    log.info(
        "job %s %s in %.3fs",
        task.name,
        "failed" if exc is not None else "done",
        took,
        extra={
            "fields": {"job": task.name, "outcome": "failed" if exc else "done", "seconds": round(took, 3)}
        },
    )
    logs.leave(began[1])


# When each running job started, and the log context it runs in, by task id (a consumer runs several
# threads; each job's entry is its own).
_started: dict[str, tuple[float, Any]] = {}


def in_app_context(fn: F) -> F:
    """Run the task body inside the app (its own database session), whatever process runs it."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with job_app().app_context():
            try:
                return fn(*args, **kwargs)
            finally:
                db.session.remove()

    return wrapper  # type: ignore[return-value]


def periodic(schedule: Any, *, every: timedelta) -> Callable[[F], Any]:
    """A periodic task that every consumer runs on its schedule and that runs once per slot of ``every``
    (``core.slots``): any number of consumers, none special; a slot whose runner died is taken over."""

    def decorate(fn: F) -> Any:
        name = fn.__name__
        slots.PERIODIC[name] = (fn, every)

        @huey.periodic_task(schedule, name=name)
        @functools.wraps(fn)
        def task() -> Any:
            with job_app().app_context():
                try:
                    return slots.once_per_slot(name, fn, every)
                finally:
                    db.session.remove()

        return task

    return decorate


@huey.periodic_task(crontab(minute="*"))
@in_app_context
def take_over_slots() -> list[str]:
    """Every consumer, every minute: run again the periodic slots whose runner stopped (its lease ran out)."""
    return slots.take_over()


def process_event_now(event_id: int, now: datetime | None = None) -> str:
    """One attempt at one callback event; returns its status afterwards."""
    now = now or utcnow()
    with uow.unit():
        event = db.session.get(WecomEvent, event_id, with_for_update=True)
        if event is None:
            return "missing"
        if events.is_finished(event):
            return event.status
        try:
            events.handle(event, now=now)
            db.session.flush()
        except Exception as exc:
            log.warning("callback event %s failed: %s", event_id, exc, exc_info=True)
            uow.discard()  # nothing of the failed attempt stays, except that it failed
            event = db.session.get(WecomEvent, event_id)
            assert event is not None
            soon = events.retry_soon(exc, event.attempts)
            wait = events.mark_failed(event, f"{type(exc).__name__}: {exc}", now=now, soon=soon)
            if soon and wait is not None:
                # Seconds, not the sweeper's next minute: WeCom is only catching up with its own event.
                uow.after_commit(lambda: process_event.schedule((event_id,), delay=wait))
        return event.status


def _each(ids: list[int], step: Callable[[int, datetime | None], object], now: datetime | None) -> int:
    """A sweeper's shape: ``step`` for every due id, each its own unit of work (one failing does not
    hold up the rest, which the next sweep retries)."""
    for item_id in ids:
        step(item_id, now)
    return len(ids)


def run_due_events(now: datetime | None = None) -> int:
    """Attempt every event whose time has come (new ones past their grace, failed ones past backoff)."""
    return _each(events.due(now), process_event_now, now)


@huey.task()
@in_app_context
def process_event(event_id: int) -> str:
    return process_event_now(event_id)


@periodic(crontab(minute="*"), every=MINUTE)
def sweep_events() -> int:
    return run_due_events()


def push_tags_now(customer_id: int, now: datetime | None = None) -> dict[str, int]:
    """Push one customer's due tag changes to WeCom and commit the outcome."""
    with uow.unit():
        return customer_tags.push(customer_id, now=now)


def run_due_tag_pushes(now: datetime | None = None) -> int:
    """Push every customer's tag changes that are due (new, or past their backoff)."""
    return _each(customer_tags.pending_customer_ids(now), push_tags_now, now)


@huey.task()
@in_app_context
def push_tags(customer_id: int) -> dict[str, int]:
    return push_tags_now(customer_id)


@periodic(crontab(minute="*"), every=MINUTE)
def sweep_tag_pushes() -> int:
    return run_due_tag_pushes()


def notify_reader_now(notice_id: int, now: datetime | None = None) -> str:
    """Tell a guide their customer is reading what they sent (one radar notice); keep the outcome."""
    with uow.unit():
        return radar.send_notice(notice_id, agent_id=str(current_app.config["WECOM_AGENT_ID"]), now=now)


def run_due_radar_notices(now: datetime | None = None) -> int:
    return _each(radar.due_notice_ids(now), notify_reader_now, now)


@huey.task()
@in_app_context
def notify_reader(notice_id: int) -> str:
    return notify_reader_now(notice_id)


@periodic(crontab(minute="*"), every=MINUTE)
def sweep_radar_notices() -> int:
    return run_due_radar_notices()


def evaluate_signals_now(now: datetime | None = None) -> dict[str, int]:
    """Fire the signal rules over recent mall behaviour, then send the app messages due."""
    with uow.unit():
        fired = signal_rules.evaluate(now=now)
    with uow.unit():
        sent = signal_rules.send_due(agent_id=str(current_app.config["WECOM_AGENT_ID"]))
    return {"fired": len(fired), **sent}


@huey.task()
@in_app_context
def evaluate_signals() -> dict[str, int]:
    return evaluate_signals_now()


@periodic(crontab(minute="*"), every=MINUTE)
def signals_every_minute() -> dict[str, int]:
    return evaluate_signals_now()


def match_behaviour_now(now: datetime | None = None) -> dict[str, int]:
    """Match mall events kept unmatched, and delete raw events past their retention."""
    with uow.unit():
        matched = behaviour.match_unmatched()
    with uow.unit():
        pruned = behaviour.prune(now)
    return {"customers": len(matched), "pruned": pruned}


@periodic(crontab(minute="20"), every=HOUR)
def match_behaviour() -> dict[str, int]:
    return match_behaviour_now()


@periodic(crontab(hour="18", minute="50"), every=DAY)  # 02:50 in Beijing
def recompute_pairs() -> dict[str, float]:
    """Which products are bought together, from every order, for recommendations."""
    with uow.unit():
        return recommend.recompute_pairs()


@huey.task()
@in_app_context
def run_console_job(job_id: int) -> None:
    """Bulk tagging or an export started in the console."""
    with uow.unit():
        bulk.run(job_id, pace=current_app.config["BULK_PUSH_PACE"])


@huey.task()
@in_app_context
def run_import(job_id: int) -> None:
    """An order or member file an admin uploaded (commits after each chunk: progress), then the
    automatic tags over the profiles it changed."""
    with uow.unit():
        imports.run(job_id)
    with uow.unit():
        rule_tags.evaluate_all()


@huey.task()
@in_app_context
def evaluate_tag_rules() -> dict[str, int]:
    """Every automatic tag rule at once (a rule was made, turned on or off, or its exceptions cleared)."""
    with uow.unit():
        return rule_tags.evaluate_all()


@periodic(crontab(minute="*/15"), every=timedelta(minutes=15))
def run_sop() -> dict[str, int]:
    """Make the SOP tasks that fell due, hand on resigned guides' tasks, expire overdue ones."""
    with uow.unit():
        return sop_engine.run(now=utcnow())


@huey.task()
@in_app_context
def hand_over(job_id: int) -> dict[str, int]:
    """离职继承 of everything WeCom still holds for a member who left, to the colleague chosen (the job
    row says how it went)."""
    with uow.unit():
        return inheritance.run_hand_over(job_id)


@periodic(crontab(minute="*/10"), every=timedelta(minutes=10))
def follow_handovers() -> dict[str, int]:
    """离职继承: ask WeCom how waiting handovers are doing; move the customers that arrived."""
    with uow.unit():
        return inheritance.follow_up()


@periodic(crontab(minute="*"), every=MINUTE)
def hand_over_campaigns() -> int:
    """企业群发: hand the campaigns that are due (or were cut short) to WeCom, batch by batch."""
    due = campaign_send.due(utcnow())
    for campaign_id in due:
        with uow.unit():
            campaign_send.hand_over(campaign_id, now=utcnow())
    return len(due)


@periodic(crontab(minute="*/10"), every=timedelta(minutes=10))
def poll_campaigns() -> int:
    """企业群发: read back which guides sent and what became of each of their customers."""
    followed = campaign_results.followed(utcnow())
    for campaign_id in followed:
        with uow.unit():
            campaign_results.poll(campaign_id, now=utcnow())
    return len(followed)


@periodic(crontab(minute="*/10"), every=timedelta(minutes=10))
def poll_moments() -> int:
    """客户朋友圈: resolve new tasks to their moments, read who posted and customers' likes and comments."""
    followed = campaign_moments.followed(utcnow())
    for task_id in followed:
        with uow.unit():
            task = db.session.get(MomentTask, task_id)
            if task is not None:
                campaign_moments.poll(task, now=utcnow())
    with uow.unit():
        campaign_moments.follow_own_posts(utcnow())
    agent_id = str(current_app.config["WECOM_AGENT_ID"])
    for task in campaign_moments.due_reminders(utcnow()):  # the day before the deadline
        with uow.unit():
            campaign_moments.remind(task, agent_id=agent_id, now=utcnow())
    return len(followed)


@huey.task()
@in_app_context
def send_campaign(campaign_id: int) -> dict[str, int]:
    """A campaign sent now from the console: handed over at once rather than at the next minute."""
    with uow.unit():
        return campaign_send.hand_over(campaign_id, now=utcnow())


@periodic(crontab(minute="5"), every=HOUR)
def deletion_notices() -> dict[str, int]:
    """Every hour: managers hear of the customers their team lost in the last hour (one message each)."""
    with uow.unit():
        return deletions.notify_managers(utcnow(), agent_id=str(current_app.config["WECOM_AGENT_ID"]))


@periodic(crontab(minute="*/5"), every=timedelta(minutes=5))
def send_reports() -> dict[str, int]:
    """The daily and weekly reports whose set time has come, once per person and period."""
    with uow.unit():
        return reports.send_due(utcnow(), agent_id=str(current_app.config["WECOM_AGENT_ID"]))


@periodic(crontab(hour="1", minute="0"), every=DAY)  # 09:00 in Beijing
def sop_morning_reminders() -> dict[str, int]:
    with uow.unit():
        return sop_reminders.send(utcnow(), agent_id=str(current_app.config["WECOM_AGENT_ID"]))


@periodic(crontab(minute="*"), every=MINUTE)
def settle_red_packets() -> dict[str, int]:
    """Resolve payouts whose outcome is unknown (by their mch_billno); expire unopened packets."""
    with uow.unit():
        outcome = red_packets.reconcile(now=utcnow())
        outcome["expired"] = red_packets.expire(now=utcnow())
    return outcome


@periodic(crontab(minute="*/5"), every=timedelta(minutes=5))
def return_unclaimed_coupons() -> int:
    """Coupons nobody claimed from a group drop that ended go back to the stock."""
    with uow.unit():
        return group_coupons.return_unclaimed(now=utcnow())


@periodic(crontab(hour="18", minute="30"), every=DAY)  # 02:30 in Beijing
def recompute_profiles() -> dict[str, int]:
    """Every night: match what is still unmatched, then every profile, lifecycle stage and RFM score,
    then the automatic tags, then what each guide sold and did."""
    return refresh_now()


def refresh_now() -> dict[str, int]:
    """The nightly pass at once: profiles (one unit of work), then the tag rules over them (another)."""
    with uow.unit():
        done = profile.refresh_everything()
    with uow.unit():
        tagged = rule_tags.evaluate_all()
    guides = refresh_guides()
    return done | {"tags_added": tagged["added"], "tags_removed": tagged["removed"]} | guides


def refresh_guides(since: date | None = None) -> dict[str, int]:
    """Every order's guide, then the guides' months from ``since`` (by default last month: late
    refunds and matches still move it), then their tiers for the period that ended last, in one unit
    of work."""
    with uow.unit():
        credited = attribution.recompute()
        months = metrics.recompute(since)
        tiered = tiers.compute()  # the period that ended last (late refunds may still move it)
    return {"orders_credited": credited, "guide_months": months, "guides_tiered": tiered}


@huey.task()
@in_app_context
def recompute_guides_now() -> dict[str, int]:
    """Every order's guide and the guides' months, at once (after the brand changes its rule: every
    month then, as each month's credit may move)."""
    return refresh_guides(metrics.EVERY_MONTH)


@huey.task()
@in_app_context
def recompute_profiles_now() -> dict[str, int]:
    """The nightly recomputation, at once (after the brand changes its lifecycle thresholds)."""
    return refresh_now()


@periodic(crontab(minute="*"), every=timedelta(minutes=1))
def pull_archive() -> int:
    """会话内容存档: follow the archive's seq (seconds behind is fine; a message lost or doubled is not)."""
    if not archive_source.enabled(current_app.config):
        return 0
    with uow.unit():
        stored = archive_pull.pull(now=utcnow()).stored
    with uow.unit():
        archive_consent.check_unknown()
    agent_id = str(current_app.config["WECOM_AGENT_ID"])
    with uow.unit():  # within the minute of the message being stored
        archive_compliance.notify(now=utcnow(), agent_id=agent_id)
    with uow.unit():  # customers waiting past the limit: their guide, then the guide's manager
        archive_quality.alert(now=utcnow(), agent_id=agent_id)
    return stored


@periodic(crontab(minute="*"), every=timedelta(minutes=1))
def referrals() -> dict[str, int]:
    """任务宝: invitations past their hold period counted (or taken back), rewards reached made and issued."""
    now = utcnow()
    with uow.unit():
        done = referral_invites.confirm(now)
    with uow.unit():
        done["rewards_due"] = referral_rewards.make_due(now)
    with uow.unit():  # each reward commits on its own
        done.update(referral_rewards.issue_due(now=now))
    return done


@periodic(crontab(hour="0", minute="30"), every=DAY)  # 08:30 in Beijing
def customer_pool() -> dict[str, int]:
    """客户公海: rebuilt from the night's orders and members, then today's assigned by head office's rule."""
    now = utcnow()
    with uow.unit():
        waiting = growth_pool.refresh(now)
        analyze("pool_customers")
    with uow.unit():
        assigned = growth_pool.assign_by_rule(now) if growth_pool.rule().active else 0
    return {"waiting": waiting, "assigned": assigned}


@periodic(crontab(minute="5"), every=timedelta(hours=1))
def service_quality() -> int:
    """Service figures per member and day from the archive (today and yesterday), for the guides' months."""
    if not archive_source.enabled(current_app.config):
        return 0
    with uow.unit():
        return archive_quality.recompute(now=utcnow())


@periodic(crontab(hour="19", minute="20"), every=DAY)  # 03:20 in Beijing
def expire_archive() -> int:
    """会话内容存档: delete messages (and their files) older than the retention period."""
    if not archive_source.enabled(current_app.config):
        return 0
    with uow.unit():
        return archive_retention.delete_old(now=utcnow())
