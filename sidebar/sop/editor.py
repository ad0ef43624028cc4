"""An SOP rule as the console's editor submits it: read, checked field by field (every problem named in
the admin's language, the form kept), and built. A coupon on a step is checked here, when the rule is
saved, rather than failing when a guide sends it: on offer, in stock, and valid through the rule's
period. Times typed in the console are the brand's local time (``DISPLAY_TIMEZONE``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from sidebar.core.errors import DomainError
from sidebar.core.units import brand_zone
from sidebar.customers import query as customer_query
from sidebar.extensions import db
from sidebar.models import GROUP_AUDIENCE, CouponTemplate, Material, Script, SopRule, SopStep, Trigger

MAX_STEPS = 5
AUDIENCE_FIELDS = (
    "tags_any",
    "tags_all",
    "tags_none",
    "skin_type",
    "lifecycle_stage",
    "member_level",
    "team_id",
    "added_days_min",
    "added_days_max",
    "order_days_min",
    "order_days_max",
    "birthday_within",
    "state",
)
MULTI = ("tags_any", "tags_all", "tags_none")  # ticked in a picker: several values


class RuleInvalid(DomainError):
    """The form cannot be saved; ``errors`` maps each field to what is wrong with it."""

    code = "invalid_rule"

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Reader:
    form: Mapping[str, Any]
    errors: dict[str, str] = field(default_factory=dict)

    def text(self, name: str) -> str:
        return (self.form.get(name) or "").strip()

    def number(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.text(name)
        try:
            value = int(raw) if raw else default
        except ValueError:
            self.errors[name] = str(_l("Enter a whole number."))
            return default
        if not low <= value <= high:
            self.errors[name] = str(_l("Enter a number from %(low)s to %(high)s.", low=low, high=high))
        return value

    def local_time(self, name: str) -> datetime | None:
        """A datetime-local value in the brand's time zone, as UTC; None when empty."""
        raw = self.text(name)
        if not raw:
            return None
        try:
            naive = datetime.fromisoformat(raw)
        except ValueError:
            self.errors[name] = str(_l("Enter a date and time."))
            return None
        zone = brand_zone()
        return naive.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))


def audience_of(form: Mapping[str, Any]) -> dict[str, str]:
    getlist = getattr(form, "getlist", None)
    out: dict[str, str] = {}
    for name in AUDIENCE_FIELDS:
        if name in MULTI and getlist is not None:
            value = ",".join(v for v in getlist(name) if v)
        else:
            value = (form.get(name) or "").strip()
        if value:
            out[name] = value
    return out


def coupon_problem(template: CouponTemplate | None, ends_at: datetime | None, now: datetime) -> str | None:
    """Why a step's coupon would be refused when guides send it, or None."""
    if template is None or not template.active:
        return str(_l("This coupon is no longer offered."))
    if template.stock_left <= 0:
        return str(_l("This coupon is out of stock."))
    if template.valid_until is not None:
        if template.valid_until <= now:
            return str(_l("This coupon's validity has ended."))
        if ends_at is None or template.valid_until < ends_at:
            return str(_l("This coupon stops being valid before the rule ends: set the rule to end by then."))
    if template.valid_until is None and template.valid_days is None:
        return str(_l("This coupon has no validity period set; ask your administrator."))
    return None


def build(form: Mapping[str, Any], *, now: datetime) -> SopRule:
    """The rule the form describes (not yet added to the session), or ``RuleInvalid``."""
    r = Reader(form)
    name = r.text("name")
    if not name:
        r.errors["name"] = str(_l("Give the rule a name."))
    elif len(name) > 64:
        r.errors["name"] = str(_l("At most %(n)s characters.", n=64))
    trigger = r.text("trigger")
    if trigger not in {t.value for t in Trigger}:
        r.errors["trigger"] = str(_l("Choose when the rule starts."))
    target = r.text("target") or "customers"
    if target not in ("customers", "groups", "moments"):
        r.errors["target"] = str(_l("Choose customers or group chats."))
    if target == "moments":
        audience: dict[str, Any] = {}
        if trigger not in (Trigger.WEEKLY.value, Trigger.FIXED.value):
            r.errors["trigger"] = str(_l("A posting plan runs every week or at a fixed time."))
    elif target == "groups":
        audience = _group_audience(r)
        if trigger not in GROUP_TRIGGERS:
            r.errors["trigger"] = str(
                _l("A group rule starts every week, at a fixed time or after the group was made.")
            )
    else:
        audience = audience_of(form)
        try:
            customer_query.parse(audience)
        except customer_query.BadFilter:
            r.errors["audience"] = str(_l("The audience has a value that cannot be read."))
    tiers = form.getlist("guide_tiers") if hasattr(form, "getlist") else []
    if any(t not in ("A", "B", "C") for t in tiers):
        r.errors["guide_tiers"] = str(_l("A tier is A, B or C."))
    rule = SopRule(
        target=target,
        guide_tiers="".join(sorted({t for t in tiers if t in ("A", "B", "C")})),
        name=name[:64],
        active=False,
        trigger=trigger,
        trigger_days=r.number("trigger_days", 0, 0, 3650),
        window_days=r.number("window_days", 3, 0, 60),
        priority=r.number("priority", 0, -100, 100),
        audience=json.dumps(audience, ensure_ascii=False),
        starts_at=r.local_time("starts_at"),
        ends_at=r.local_time("ends_at"),
    )
    if rule.starts_at and rule.ends_at and rule.ends_at <= rule.starts_at:
        r.errors["ends_at"] = str(_l("The end must be after the start."))
    if trigger == Trigger.WEEKLY.value:
        rule.weekday = r.number("weekday", 0, 0, 6)
    if trigger == Trigger.FIXED.value:
        rule.fixed_at = r.local_time("fixed_at")
        if rule.fixed_at is None and "fixed_at" not in r.errors:
            r.errors["fixed_at"] = str(_l("A rule at a fixed time needs the date and time."))
        elif rule.fixed_at is not None and rule.fixed_at + timedelta(days=rule.window_days or 1) <= now:
            # It would make no task at all: say so instead of saving a rule that quietly does nothing.
            r.errors["fixed_at"] = str(_l("This time has passed; the rule would make no tasks."))
    for n in range(MAX_STEPS):
        step = _step(r, n, rule, now)
        if step is not None:
            rule.steps.append(step)
            if target == "groups" and step.coupon_template_id is not None:
                r.errors[f"step{n}_coupon"] = str(_l("A coupon goes to one customer, not into a group."))
            if target == "moments":
                material = db.session.get(Material, step.material_id) if step.material_id else None
                if step.coupon_template_id is not None:
                    r.errors[f"step{n}_coupon"] = str(_l("A moment carries no coupon."))
                if material is not None and material.kind not in ("image", "video"):
                    r.errors[f"step{n}_material"] = str(_l("A moment carries an image or a video."))
    if not rule.steps:
        r.errors["steps"] = str(_l("Add at least one step: a text, a script, a material or a coupon."))
    if r.errors:
        raise RuleInvalid(r.errors)
    return rule


GROUP_TRIGGERS = {Trigger.WEEKLY.value, Trigger.FIXED.value, Trigger.ADDED.value}


def _group_audience(r: Reader) -> dict[str, Any]:
    """A group rule's audience (``GROUP_AUDIENCE``): a group tag, an owner, a size, an age."""
    out: dict[str, Any] = {}
    if r.text("group_tag"):
        out["tag"] = r.text("group_tag")[:32]
    if r.text("group_owner"):
        out["owner"] = r.text("group_owner")[:64]
    if r.text("group_min_members"):
        out["min_members"] = r.number("group_min_members", 0, 0, 2000)
    if r.text("group_min_age_days"):
        out["min_age_days"] = r.number("group_min_age_days", 0, 0, 3650)
    return out


def _step(r: Reader, n: int, rule: SopRule, now: datetime) -> SopStep | None:
    text = r.text(f"step{n}_text")
    ids = {}
    for part, model in (("script", Script), ("material", Material), ("coupon", CouponTemplate)):
        raw = r.text(f"step{n}_{part}")
        if not raw:
            continue
        if not raw.isdigit() or db.session.get(model, int(raw)) is None:
            r.errors[f"step{n}_{part}"] = str(_l("That choice no longer exists; choose again."))
            continue
        ids[part] = int(raw)
    if not text and not ids:
        return None
    if len(text) > 2000:
        r.errors[f"step{n}_text"] = str(_l("At most %(n)s characters.", n=2000))
    if "coupon" in ids:
        problem = coupon_problem(db.session.get(CouponTemplate, ids["coupon"]), rule.ends_at, now)
        if problem:
            r.errors[f"step{n}_coupon"] = problem
    return SopStep(
        position=n,
        offset_days=r.number(f"step{n}_offset", 0, 0, 365),
        text=text[:2000],
        script_id=ids.get("script"),
        material_id=ids.get("material"),
        coupon_template_id=ids.get("coupon"),
    )


RULE_FIELDS = (
    "name",
    "trigger",
    "trigger_days",
    "fixed_at",
    "weekday",
    "audience",
    "guide_tiers",
    "window_days",
    "priority",
    "starts_at",
    "ends_at",
)
STEP_FIELDS = ("position", "offset_days", "text", "script_id", "material_id", "coupon_template_id")


def revise(rule: SopRule, form: Mapping[str, Any], *, now: datetime) -> int:
    """Change ``rule`` to what the form says, or ``RuleInvalid`` (nothing changed). Changes apply to
    tasks not yet made: a changed or removed step is retired (its tasks keep what they said) and a
    changed one continues as a new version of the same lineage, so the engine does not make a second
    task for an occurrence that has one. Whether the rule is on stays as it was. Returns how many
    steps were replaced or removed."""
    wanted = build(form, now=now)
    if wanted.target != rule.target:
        raise RuleInvalid(
            {"target": str(_l("A rule stays for customers or for groups; make a new rule instead."))}
        )
    for name in RULE_FIELDS:
        setattr(rule, name, getattr(wanted, name))
    old = {step.position: step for step in rule.steps}
    new = {step.position: step for step in wanted.steps}
    changed = 0
    for position in sorted(old.keys() | new.keys()):
        before, after = old.get(position), new.get(position)
        if before is not None and after is not None and _content(before) == _content(after):
            continue
        if before is not None:
            before.retired_at = now
            changed += 1
        if after is not None:
            fresh = SopStep(**{name: getattr(after, name) for name in STEP_FIELDS})
            if before is not None:
                fresh.lineage_id = before.lineage_id or before.id
            fresh.rule_id = rule.id
            db.session.add(fresh)
    db.session.flush()
    db.session.expire(rule, ["steps"])  # retired steps leave the list in force
    return changed


def _content(step: SopStep) -> tuple[Any, ...]:
    return tuple(getattr(step, name) for name in STEP_FIELDS)


def form_of(rule: SopRule) -> MultiDict[str, str]:
    """The editor's fields for a saved rule: what ``build`` reads, so the edit page opens filled in."""
    zone = brand_zone()
    local = lambda at: at.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if at else ""  # noqa: E731
    form: MultiDict[str, str] = MultiDict(
        {
            "name": rule.name,
            "trigger": rule.trigger,
            "trigger_days": str(rule.trigger_days),
            "weekday": "" if rule.weekday is None else str(rule.weekday),
            "fixed_at": local(rule.fixed_at),
            "window_days": str(rule.window_days),
            "priority": str(rule.priority),
            "starts_at": local(rule.starts_at),
            "ends_at": local(rule.ends_at),
            "target": rule.target,
        }
    )
    for tier in rule.guide_tiers:
        form.add("guide_tiers", tier)
    audience = json.loads(rule.audience or "{}")
    if rule.target == "groups":
        for key in GROUP_AUDIENCE:
            if audience.get(key) not in (None, ""):
                form["group_" + key] = str(audience[key])
    else:
        for key, value in audience.items():
            for part in str(value).split(",") if key in MULTI else [str(value)]:
                form.add(key, part)
    for step in rule.steps:
        p = f"step{step.position}_"
        form[p + "offset"] = str(step.offset_days)
        form[p + "text"] = step.text or ""
        for part, value in (
            ("script", step.script_id),
            ("material", step.material_id),
            ("coupon", step.coupon_template_id),
        ):
            form[p + part] = "" if value is None else str(value)
    return form


def coupons_on_offer() -> list[CouponTemplate]:
    return list(
        db.session.scalars(
            select(CouponTemplate).where(CouponTemplate.active.is_(True)).order_by(CouponTemplate.id)
        )
    )
