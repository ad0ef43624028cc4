"""The audit log in words: who (name and role), what (a sentence per kind of action, amounts in yuan)
and the target by name with a link. The stored entry (``models.AuditLog``) stays as it was written; the
console shows its raw JSON behind "详情"."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from sidebar.core.units import yuan
from sidebar.extensions import db
from sidebar.models import (
    AuditLog,
    Campaign,
    ChannelCode,
    Coupon,
    CouponTemplate,
    Customer,
    Material,
    MomentTask,
    ReferralCampaign,
    Script,
    SopRule,
    Staff,
    Tag,
)
from sidebar.web.labels import ROLES

# Who did it, when it was not a member: the words stored in ``actor``.
ACTORS = {
    "system": _l("System"),
    "customer": _l("The customer"),
    "cli": _l("Command line"),
    "api": _l("API"),
}

# One sentence per action; %(…)s names a detail (amounts already in yuan).
ACTIONS = {
    "coupon.issue": _l("issued the coupon %(template)s (code %(code)s)"),
    "coupon.redeem": _l("redeemed coupon %(code)s on order %(order_no)s"),
    "coupon.voucher": _l("WeChat Pay issued the voucher for the coupon"),
    "coupon.voucher_failed": _l("WeChat Pay refused the voucher: %(message)s"),
    "coupon_template.create": _l("created a coupon"),
    "coupon_template.enable": _l("put a coupon on offer"),
    "coupon_template.disable": _l("took a coupon off offer"),
    "coupon_template.add-stock": _l("added %(added)s to a coupon's stock"),
    "red_packet.send": _l("sent a red packet of %(amount)s"),
    "red_packet.reward": _l("reserved a referral reward red packet of %(amount)s"),
    "red_packet.claim": _l("opened a red packet"),
    "red_packet.paid": _l("WeChat Pay paid out a red packet of %(amount)s"),
    "red_packet.failed": _l("WeChat Pay refused a red packet of %(amount)s: %(message)s"),
    "red_packet.pending": _l("a red packet of %(amount)s is waiting for WeChat Pay"),
    "red_packet.expire": _l("%(count)s unopened red packets expired"),
    "red_packet.export": _l("exported red packets"),
    "red_packet_rule.update": _l("changed the red-packet rules"),
    "red_packet_budget.update": _l("set a team's monthly red-packet budget to %(monthly_amount)s"),
    "lifecycle.update": _l("changed the lifecycle thresholds"),
    "oneid.settle": _l("settled an identity conflict"),
    "oneid.undo": _l("undid an identity settlement"),
    "data.import_orders": _l("imported an order file (%(created)s created, %(refused)s refused)"),
    "data.import_members": _l("imported a member file (%(created)s created, %(refused)s refused)"),
    "tag_rule.create": _l("created the automatic tag rule %(name)s"),
    "tag_rule.toggle": _l("switched an automatic tag rule on or off"),
    "tag_rule.delete": _l("deleted the automatic tag rule %(name)s"),
    "tag_rule.clear_exceptions": _l("let an automatic tag rule tag %(cleared)s exempted customers again"),
    "staff_updated": _l("changed a member's role, team or tier"),
    "tag_group_created": _l("created the tag group %(name)s"),
    "tag_created": _l("created the tag %(name)s"),
    "tag_renamed": _l("renamed %(old)s to %(new)s"),
    "tag_moved": _l("moved a tag"),
    "tag_deleted": _l("deleted the tag %(name)s"),
    "tag_group_deleted": _l("deleted the tag group %(name)s"),
    "signed_in": _l("signed in to the console"),
    "script_created": _l("created the script %(title)s"),
    "script_updated": _l("edited the script %(title)s"),
    "script_deleted": _l("deleted the script %(title)s"),
    "scripts_exported": _l("exported the scripts"),
    "scripts_imported": _l("imported scripts"),
    "material_created": _l("created the material %(title)s"),
    "material_deleted": _l("deleted the material %(title)s"),
    "products.import": _l("imported a product sheet (%(created)s new, %(refused)s refused)"),
    "products.picture": _l("uploaded a picture for %(sku)s"),
    "signal_rule.create": _l("created the mall signal rule %(name)s"),
    "signal_rule.toggle": _l("switched the mall signal rule %(name)s on or off"),
    "signal_rule.delete": _l("deleted the mall signal rule %(name)s"),
    "material_radar_changed": _l("changed how %(title)s is tracked"),
    "moment_task_created": _l("asked guides to post the moment %(name)s"),
    "moment_task_reminded": _l("reminded %(told)s guides to post the moment %(name)s"),
    "moment_task_cancelled": _l("stopped the moment %(name)s"),
    "campaign_created": _l("created the mass message %(name)s"),
    "campaign_changed": _l("changed the mass message %(name)s"),
    "archive_read": _l("read archived messages"),
    "sensitive_rule_created": _l("created the compliance rule %(name)s"),
    "sensitive_rule_toggled": _l("switched the compliance rule %(name)s on or off"),
    "sensitive_rule_deleted": _l("deleted the compliance rule %(name)s"),
    "sensitive_hit_handled": _l("marked a compliance alert handled"),
    "chat_tag_rule_created": _l("created the chat tag rule %(name)s"),
    "chat_tag_rule_toggled": _l("switched the chat tag rule %(name)s on or off"),
    "chat_tag_rule_deleted": _l("deleted the chat tag rule %(name)s"),
    "archive_search": _l("searched the chat archive for %(q)s"),
    "campaign_reminded": _l("reminded %(reminded)s guides to send the mass message %(name)s"),
    "campaign_cancelled": _l("withdrew the mass message %(name)s from %(withdrawn)s guides"),
    "sop_rule_created": _l("created the SOP rule %(name)s"),
    "sop_rule_edited": _l("changed the SOP rule %(name)s"),
    "sop_rule_enabled": _l("switched on the SOP rule %(name)s"),
    "sop_rule_disabled": _l("switched off the SOP rule %(name)s"),
    "sop_rule_deleted": _l("deleted the SOP rule %(name)s"),
    "channel_code.create": _l("made the channel code %(name)s"),
    "referral.create": _l("made the referral campaign %(name)s"),
    "referral.export": _l("exported the figures of the referral campaign %(name)s"),
    "referral.end": _l("ended the referral campaign (%(codes_freed)s codes freed)"),
    "referral.approve": _l("counted an invitation held for review"),
    "pool.rule": _l("changed the customer pool's rule"),
    "acquisition_link.create": _l("made the acquisition link %(name)s"),
    "acquisition_link.delete": _l("deleted the acquisition link %(name)s"),
    "acquisition.balance_low": _l("warned that fewer than 20 acquisition-link adds are left"),
    "acquisition.balance_exhausted": _l("warned that the acquisition links' quota is used up"),
    "pool.assign": _l("assigned %(assigned)s customers from the pool"),
    "referral.reject": _l("rejected an invitation held for review"),
    "channel_code.update": _l("changed the channel code %(name)s"),
    "channel_code.retire": _l("retired the channel code %(name)s"),
    "channel_code.export": _l("exported the figures of the channel code %(name)s"),
    "inheritance.request": _l("handed the customers of a member who left to %(takeover)s"),
    "welcome.update": _l("changed the welcome of %(name)s"),
    "api_key_created": _l("created an API key"),
    "api_key_revoked": _l("revoked an API key"),
    "bulk_tags": _l("changed the tags of many customers"),
    "export_customers": _l("exported %(rows)s customers"),
    "commission.rates": _l("changed the commission rates"),
    "commission.draft": _l("drafted %(drafts)s commission statements"),
    "commission.approve": _l("approved %(approved)s commission statements"),
    "commission.adjust": _l("adjusted a commission line"),
    "coupon.drop": _l("dropped %(quantity)s coupons %(template)s in a group"),
    "group_code.create": _l("made the group code %(name)s"),
    "group_code.retire": _l("retired the group code %(name)s"),
    "group_code.update": _l("changed the group code %(name)s"),
    "group_code.welcome": _l("changed the welcome of the group code %(name)s"),
    "group_invitation.create": _l("made the group invitation %(name)s"),
    "guides.rule": _l("changed how orders are credited to guides"),
    "guides.tiers": _l("changed the guide tiers"),
    "guides.tier_override": _l("set a guide's tier by hand to %(tier)s"),
    "red_packet.new_billno": _l("a red packet WeChat Pay did not pay was sent again under a new number"),
    "red_packet.refunded": _l("an unopened red packet was refunded"),
    "reports.settings": _l("changed when reports are sent"),
    "staff_synced": _l("synced the members from WeCom"),
    "store_created": _l("added the store %(code)s"),
    "store_changed": _l("changed the store %(code)s"),
    "tag_added_to_existing_group": _l("added the tag %(name)s to its group"),
    "tag_uses_removed": _l("took the tag %(name)s out of the rules that used it"),
    "transfer.request": _l("asked WeCom to move %(requested)s customers to %(takeover)s"),
    "admin_account_created": _l("created an admin account"),
}
TARGETS = {
    "customer": _l("customer"),
    "coupon": _l("coupon"),
    "coupon_template": _l("coupon"),
    "signal_rule": _l("mall signal rule"),
    "product": _l("product"),
    "red_packet": _l("red packet"),
    "red_packet_rule": _l("red-packet rules"),
    "team": _l("team"),
    "staff": _l("member"),
    "tag": _l("tag"),
    "tag_group": _l("tag group"),
    "tag_rule": _l("automatic tag rule"),
    "script": _l("script"),
    "material": _l("material"),
    "sop_rule": _l("SOP rule"),
    "campaign": _l("mass message"),
    "moment_task": _l("moment"),
    "job": _l("import"),
    "channel_code": _l("channel code"),
    "referral_campaign": _l("referral campaign"),
    "referral_invite": _l("referral invitation"),
    "welcome": _l("welcome"),
    "api_key": _l("API key"),
    "admin_account": _l("admin account"),
}
AMOUNTS = {"amount", "monthly_amount"}  # details in fen


@dataclass
class Line:
    entry: AuditLog
    who: str
    role: str | None
    what: str
    target: str
    link: str | None
    raw: str


def _detail(entry: AuditLog) -> dict[str, Any]:
    try:
        value = json.loads(entry.detail or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def sentence(action: str, detail: dict[str, Any]) -> str:
    shown = {k: (yuan(v) if k in AMOUNTS and isinstance(v, int) else v) for k, v in detail.items()}
    template = ACTIONS.get(action)
    if template is None:
        return str(_l("made a change"))
    try:
        return str(template) % _Defaulting(shown)
    except (TypeError, ValueError):
        return str(_l("made a change"))


class _Defaulting(dict):
    """A detail an old entry lacks reads "—" rather than failing the whole page."""

    def __missing__(self, key: str) -> str:
        return "—"


def lines(entries: Iterable[AuditLog]) -> list[Line]:
    entries = list(entries)
    staff_ids = {e.actor_staff_id for e in entries if e.actor_staff_id}
    by_userid = {e.target_id for e in entries if e.target_type == "staff" and e.target_id}
    staff = list(
        db.session.scalars(select(Staff).where(Staff.id.in_(staff_ids) | Staff.userid.in_(by_userid)))
    ) if staff_ids or by_userid else []  # fmt: skip
    staff_by_id = {s.id: s for s in staff}
    staff_by_userid = {s.userid: s for s in staff}
    names = _target_names(entries)
    out = []
    for e in entries:
        member = staff_by_id.get(e.actor_staff_id) if e.actor_staff_id else None
        who = member.name if member else str(ACTORS.get(e.actor, e.actor))
        role = str(ROLES.get(member.role, member.role)) if member else None
        detail = _detail(e)
        kind = str(TARGETS.get(e.target_type, _l("record")))
        name, link = names.get((e.target_type, e.target_id or ""), (None, None))
        if e.target_type == "staff" and e.target_id in staff_by_userid:
            person = staff_by_userid[e.target_id]
            name, link = person.name, url_for("admin.staff_list")
        target = f"{kind} {name}" if name else kind
        raw = json.dumps(
            {"action": e.action, "target": [e.target_type, e.target_id], **detail}, ensure_ascii=False
        )
        out.append(Line(e, who, role, sentence(e.action, detail), target, link, raw))
    return out


def _target_names(entries: list[AuditLog]) -> dict[tuple[str, str], tuple[str, str | None]]:
    """Names (and console links) of the targets, one query per kind of target."""
    wanted: dict[str, set[int]] = {}
    for e in entries:
        if e.target_id and e.target_id.isdigit():
            wanted.setdefault(e.target_type, set()).add(int(e.target_id))
    out: dict[tuple[str, str], tuple[str, str | None]] = {}

    def load(kind: str, model: Any, label: Any, link: Any) -> None:
        ids = wanted.get(kind)
        if not ids:
            return
        for row in db.session.scalars(select(model).where(model.id.in_(ids))):
            out[(kind, str(row.id))] = (label(row), link(row))

    load(
        "customer",
        Customer,
        lambda c: c.name,
        lambda c: url_for("admin.customer_detail", external_userid=c.external_userid),
    )
    load("script", Script, lambda s: s.title, lambda s: url_for("admin.scripts_admin"))
    load("material", Material, lambda m: m.title, lambda m: url_for("admin.materials_admin"))
    load("sop_rule", SopRule, lambda r: r.name, lambda r: url_for("admin.sop_rule_detail", rule_id=r.id))
    load("moment_task", MomentTask, lambda t: t.name, lambda t: url_for("admin.moment_detail", task_id=t.id))
    load("campaign", Campaign, lambda c: c.name, lambda c: url_for("admin.campaign_detail", campaign_id=c.id))
    load("coupon_template", CouponTemplate, lambda t: t.name, lambda t: url_for("admin.coupons_admin"))
    load("coupon", Coupon, lambda c: f"{c.template.name} {c.code}", lambda c: None)
    load(
        "channel_code",
        ChannelCode,
        lambda c: c.name,
        lambda c: url_for("admin.channel_code_detail", code_id=c.id),
    )
    load("tag", Tag, lambda t: t.name, lambda t: url_for("admin.tags"))
    load(
        "referral_campaign",
        ReferralCampaign,
        lambda c: c.name,
        lambda c: url_for("admin.referral_detail", referral_id=c.id),
    )
    return out  # fmt: skip
