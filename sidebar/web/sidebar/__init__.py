"""The page WeCom opens beside a chat (``/sidebar``): the blueprint and what every route uses.

Every customer-scoped route loads the customer through ``customer_route`` (``visibility.customer_for``)
and nothing else; a customer the member may not see is a 404. Fragments are named blocks of the page
templates. The routes live in the modules imported at the bottom: customers (entry, profile, remark,
tags, notes), groups, content (scripts, materials, sends), tasks (SOP), money (coupons, red packets).
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Blueprint, abort, g, redirect, request, session, url_for
from flask_babel import gettext as _

from sidebar.customers import groups, opening, salutation, visibility
from sidebar.models import Customer, Staff
from sidebar.web import htmx
from sidebar.web.auth import SESSION_KEY, accept_staff, current_staff, login_required
from sidebar.web.forms import AGE_RANGES, MEMBER_LEVELS, SKIN_CONCERNS, SKIN_TYPES
from sidebar.wecom.errors import WeComError

sidebar_bp = Blueprint("sidebar", __name__, url_prefix="/sidebar")
PAGE = "sidebar/customer.html"


def me() -> Staff:
    staff = current_staff()
    assert staff is not None  # login_required ran first
    return staff


def customer_route(view: Any) -> Any:
    """Load ``external_userid`` through the visibility check; 404 when not visible.

    The member, the customer and what the check needs come in one statement (``opening``); what it
    also brought (tags, main store) waits in ``g.opened`` for the page that shows them.
    """

    @wraps(view)
    def checked(external_userid: str, **kwargs: Any) -> Any:
        opened = g.pop("opened_early", None)
        try:
            if opened is None:
                customer = visibility.customer_for(me(), external_userid)
            else:
                customer = visibility.decide(me(), opened.customer, opened.follows, external_userid)
        except visibility.NotVisible:
            abort(404, _("This customer is not among yours, or WeCom does not know them."))
        if opened is not None and opened.customer is customer:
            g.opened = opened
        g.customer = customer
        return view(customer, **kwargs)

    signed_in = login_required(checked)

    @wraps(view)
    def wrapper(external_userid: str, **kwargs: Any) -> Any:
        staff_id = session.get(SESSION_KEY)
        if "staff" not in g and isinstance(staff_id, int):
            g.opened_early = opening.open_page(staff_id, external_userid)
            accept_staff(g.opened_early.staff)
        return signed_in(external_userid=external_userid, **kwargs)

    return wrapper


def part_of_the_profile(view: Any) -> Any:
    """A fragment of the customer page. A plain GET of it (a reload, a direct link, a history-restore
    miss) is sent to the whole page instead of getting a bare fragment or an error."""

    @wraps(view)
    def wrapper(customer: Customer, **kwargs: Any) -> Any:
        if not htmx.is_htmx():
            return redirect(url_for("sidebar.customer_detail", external_userid=customer.external_userid))
        return view(customer, **kwargs)

    return wrapper


def common() -> dict[str, Any]:
    return {
        "staff": me(),
        "skin_types": dict(SKIN_TYPES),
        "skin_concern_choices": SKIN_CONCERNS,
        "age_ranges": AGE_RANGES,
        "member_levels": MEMBER_LEVELS,
        "salutation_of": salutation.of,
        "salutation_default": lambda c: salutation.default_for(c.name, c.gender),
    }


def group_member_or_404(chat_id: str) -> None:
    """The member is in this group chat (WeCom says so), or 404."""
    try:
        groups.group_for(me(), chat_id)
    except groups.NotAMember:
        abort(404)
    except groups.ChatGone as exc:
        abort(410 if exc.dismissed else 404, str(exc))
    except WeComError as exc:
        abort(502, exc.in_words())


def page_number() -> int:
    """The ``page`` query argument of a paged tab (1 to 1,000), or 400."""
    try:
        return max(1, min(1000, int(request.args.get("page", "1"))))
    except ValueError:
        abort(400, "page must be a number")


def chat_from_form() -> tuple[Customer | None, str | None]:
    """The chat a form came from: a customer (checked) or a group (checked)."""
    ext, chat_id = request.form.get("external_userid"), request.form.get("chat_id")
    if ext:
        try:
            return visibility.customer_for(me(), ext, ask_wecom=False), None
        except visibility.NotVisible:
            abort(404)
    if chat_id:
        group_member_or_404(chat_id)
        return None, chat_id
    abort(400, "external_userid or chat_id is required")


# The routes (imported last: they use the blueprint and the helpers above).
from sidebar.web.sidebar import (  # noqa: E402,F401
    content,
    customers,
    group_chats,
    moments,
    money,
    products,
    referrals,
    reports,
    results,
    share,
    tasks,
)
