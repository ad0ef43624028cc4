"""The console's navigation: six groups in the top row, the pages of the group you are in below it.
Eighteen pages in one row wrapped onto two lines at common widths and could not be scanned; a group is
what a person looks for first ("where are the coupons?" — Operations).

A page belongs to the group of the module its view lives in (a rule's editor is with the rules), unless
``BY_ENDPOINT`` says otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Link:
    endpoint: str
    label: str
    admin_only: bool = False


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    links: tuple[Link, ...]


GROUPS = (
    Group("overview", _l("Overview"), (Link("admin.dashboard_view", _l("Overview")),)),
    Group(
        "customers",
        _l("Customers"),
        (
            Link("admin.customers", _l("Customers")),
            Link("admin.data_overview", _l("Customer data")),
            Link("admin.tags", _l("Tags")),
            Link("admin.groups_page", _l("Customer groups")),
        ),
    ),
    Group(
        "acquisition",
        _l("Acquire and keep"),
        (
            Link("admin.channel_codes", _l("Channel codes")),
            Link("admin.group_codes_page", _l("Group codes"), admin_only=True),
            Link("admin.referrals_page", _l("Referral campaigns")),
            Link("admin.pool_page", _l("Customer pool")),
            Link("admin.links_page", _l("Acquisition links")),
            Link("admin.deletions_page", _l("Customers lost")),
            Link("admin.transfers_page", _l("Move customers")),
            Link("admin.inheritance_page", _l("Handovers"), admin_only=True),
            Link("admin.reports_page", _l("Reports"), admin_only=True),
        ),
    ),
    Group(
        "content",
        _l("Scripts and materials"),
        (
            Link("admin.scripts_admin", _l("Scripts")),
            Link("admin.materials_admin", _l("Materials")),
            Link("admin.usage", _l("Usage")),
            Link("admin.products_page", _l("Products")),
            Link("admin.radar_page", _l("Radar")),
        ),
    ),
    Group(
        "operations",
        _l("SOP and perks"),
        (
            Link("admin.sop_rules", "SOP"),
            Link("admin.campaigns_page", _l("Mass messages")),
            Link("admin.moments_page", _l("Customer moments")),
            Link("admin.coupons_admin", _l("Coupons")),
            Link("admin.red_packets_admin", _l("Red packets")),
            Link("admin.signal_rules_page", _l("Mall signals")),
        ),
    ),
    Group(
        "team",
        _l("Team"),
        (
            Link("admin.staff_list", _l("Staff")),
            Link("admin.stores_page", _l("Stores")),
            Link("admin.guides_page", _l("Guides' results")),
            Link("admin.commission_page", _l("Commission")),
            Link("admin.archive_page", _l("Chat archive")),
            Link("admin.archive_alerts", _l("Compliance alerts")),
            Link("admin.audit_log", _l("Audit log")),
            Link("admin.wecom_check_page", _l("WeCom check"), admin_only=True),
        ),
    ),
)
BY_MODULE = {
    "customers": "customers",
    "data": "customers",
    "imports": "customers",
    "tags": "customers",
    "tag_rules": "customers",
    "groups": "customers",
    "channel_codes": "acquisition",
    "referrals": "acquisition",
    "pool": "acquisition",
    "links": "acquisition",
    "group_codes": "acquisition",
    "deletions": "acquisition",
    "transfers": "acquisition",
    "inheritance": "acquisition",
    "reports": "acquisition",
    "content": "content",
    "radar": "content",
    "products": "content",
    "sop": "operations",
    "campaigns": "operations",
    "moments": "operations",
    "money": "operations",
    "signals": "operations",
    "staff": "team",
    "stores": "team",
    "guides": "team",
    "commission": "team",
    "audit": "team",
    "archive": "team",
    "wecom_check": "team",
}
BY_ENDPOINT = {"admin.dashboard_view": "overview"}


def current_group() -> str:
    """The group of the page being shown."""
    endpoint = request.endpoint or ""
    if endpoint in BY_ENDPOINT:
        return BY_ENDPOINT[endpoint]
    view = current_app.view_functions.get(endpoint)
    module = (view.__module__ if view else "").rsplit(".", 1)[-1]
    return BY_MODULE.get(module, "overview")


def menu(is_admin: bool) -> list[tuple[Group, list[Link]]]:
    """Each group with the links this viewer may open (a group with none is left out)."""
    out = []
    for group in GROUPS:
        links = [link for link in group.links if is_admin or not link.admin_only]
        if links:
            out.append((group, links))
    return out


def layout_context(viewer: Any) -> dict[str, Any]:
    """What the console layout needs on every page: the menu, the group shown, and who is signed in
    (given here, not by each view, so no page can leave the navigation or the viewer's name out)."""
    from sidebar.web.console_auth import is_admin

    if viewer is None:
        return {"menu": [], "menu_group": ""}
    admin = is_admin(viewer)
    return {"menu": menu(admin), "menu_group": current_group(), "viewer": viewer, "is_admin": admin}
