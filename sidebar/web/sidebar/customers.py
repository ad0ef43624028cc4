"""The sidebar's customer page: the entry that asks WeCom who is in the chat, the language switch, and
the profile with its remark, tags and notes."""

from __future__ import annotations

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _

from sidebar.core import uow
from sidebar.customers import contacts, profile
from sidebar.customers import edit as customer_edit
from sidebar.customers import tags as customer_tags
from sidebar.data import profile as stats
from sidebar.extensions import db
from sidebar.jobs import push_tags
from sidebar.models import Customer, Follow, Tag
from sidebar.signals import recommend
from sidebar.web import htmx
from sidebar.web.auth import login_required
from sidebar.web.forms import NoteForm, ProfileForm, RemarkForm, TagForm
from sidebar.web.redirects import safe_next
from sidebar.web.sidebar import PAGE, common, customer_route, me, part_of_the_profile, sidebar_bp
from sidebar.wecom import jssdk
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom


def _signatures(url: str) -> dict[str, dict[str, str | int]]:
    """The JS-SDK signatures for this page's own URL, made here so the page need not ask for them
    (a round trip before WeCom can even be asked who is in the chat). Whatever WeCom will not give
    now is left out, and the page fetches it as before and says what went wrong."""
    signed: dict[str, dict[str, str | int]] = {}
    try:
        client = wecom()
        for kind, ticket in (("agent", client.agent_ticket), ("corp", client.corp_ticket)):
            signed[kind] = {**jssdk.sign_url(ticket(), url), "url": url}
    except WeComError as exc:
        current_app.logger.info("no JS-SDK ticket for the entry page: %s", exc)
    return signed


@sidebar_bp.get("/")
@login_required
def entry():
    """Asks WeCom (through the JS bridge) where it was opened and which customer or group is open;
    the page then shows that customer's profile in place (bridge.js)."""
    return htmx.render(
        "sidebar/entry.html",
        staff=me(),
        signatures=_signatures(request.url.split("#", 1)[0]),
        corp_id=current_app.config["WECOM_CORP_ID"],
        agent_id=current_app.config["WECOM_AGENT_ID"],
        preview_origin=current_app.config.get("PREVIEW_ORIGIN")
        if current_app.config["PREVIEW_ENABLED"]
        else None,
    )


@sidebar_bp.get("/lang/<code>")
def set_language(code: str):
    """Switch the interface language (zh_CN by default)."""
    if code not in ("zh_CN", "en"):
        abort(404)
    session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("sidebar.entry")))


@sidebar_bp.get("/customers/<external_userid>")
@customer_route
def customer_detail(customer: Customer):
    """The customer's whole profile in one response: header, remark, retail profile, tags, orders,
    notes and the guides who served — four statements with the one that opened it."""
    opened = g.get("opened")
    data = profile.load(customer, me(), tag_groups=opened.tag_groups if opened else None)
    store = (opened.main_store or customer.main_store_code) if opened else profile.main_store(customer)
    return htmx.render(
        PAGE,
        customer=customer,
        mine=data.mine,
        others=data.others,
        first_added=data.first_added,
        channel=data.channel,
        tag_groups=data.tag_groups,
        orders=data.orders,
        main_store=store,
        notes=data.notes,
        note_form=NoteForm(),
        guides=data.guides,
        suggestions=recommend.for_customer(customer, recommend.history_of(data.orders)),
        **common(),
    )


@sidebar_bp.get("/customers/<external_userid>/orders")
@customer_route
@part_of_the_profile
def orders_view(customer: Customer):
    orders, main_store = profile.orders_of(customer)
    return htmx.render(
        PAGE, block="orders", customer=customer, orders=orders, main_store=main_store, **common()
    )


def _mine(customer: Customer) -> Follow | None:
    return contacts.live_follow(customer, me())


# -- retail profile --------------------------------------------------------------------------------


def _profile_form(customer: Customer) -> ProfileForm:
    return ProfileForm(
        data={
            "salutation": customer.salutation or "",
            "skin_type": customer.skin_type or "",
            "skin_concerns": [c for c in customer.skin_concerns.split(",") if c],
            "age_range": customer.age_range or "",
            "phone": customer.phone or "",
            "city": customer.city or "",
            "birthday": customer.birthday,
            "member_level": customer.member_level or "",
            "points": customer.points,
        }
    )


@sidebar_bp.get("/customers/<external_userid>/profile")
@customer_route
@part_of_the_profile
def profile_view(customer: Customer):
    return htmx.render(PAGE, block="profile", customer=customer, **common())


@sidebar_bp.get("/customers/<external_userid>/profile/edit")
@customer_route
@part_of_the_profile
def profile_edit(customer: Customer):
    return htmx.render(
        PAGE, block="profile_form", customer=customer, form=_profile_form(customer), **common()
    )


@sidebar_bp.post("/customers/<external_userid>/profile")
@customer_route
def profile_save(customer: Customer):
    """Save the retail profile; invalid input answers 422 with the form and each field's message."""
    form = ProfileForm()
    if not form.validate():
        return htmx.render(PAGE, block="profile_form", status=422, customer=customer, form=form, **common())
    touched = customer_edit.update_profile(customer, form.data, by=me())
    if touched:  # the phone matched waiting orders: their buyers' figures change now
        stats.recompute(touched)
    if not htmx.is_htmx():
        return redirect(url_for("sidebar.customer_detail", external_userid=customer.external_userid), 303)
    return htmx.hx_trigger(
        htmx.render(PAGE, block="profile", customer=customer, **common()), "saved", _("Saved")
    )


# -- remark and description (written back to WeCom) ------------------------------------------------


@sidebar_bp.get("/customers/<external_userid>/remark/edit")
@customer_route
@part_of_the_profile
def remark_edit(customer: Customer):
    mine = _mine(customer)
    if mine is None:
        abort(404)
    form = RemarkForm(data={"remark": mine.remark, "description": mine.description})
    return htmx.render(PAGE, block="remark_form", customer=customer, form=form, mine=mine, **common())


@sidebar_bp.get("/customers/<external_userid>/remark")
@customer_route
@part_of_the_profile
def remark_view(customer: Customer):
    return htmx.render(PAGE, block="remark", customer=customer, mine=_mine(customer), **common())


@sidebar_bp.post("/customers/<external_userid>/remark")
@customer_route
def remark_save(customer: Customer):
    """WeCom is updated first; if it refuses, the form comes back with what was typed and the reason."""
    mine = _mine(customer)
    if mine is None:
        abort(404)
    form = RemarkForm()
    if not form.validate():
        return htmx.render(
            PAGE, block="remark_form", status=422, customer=customer, form=form, mine=mine, **common()
        )
    try:
        customer_edit.update_remark(
            mine, remark=form.remark.data or "", description=form.description.data or ""
        )
    except WeComError as exc:
        uow.discard()
        error = _(
            "WeCom did not save it (%(error)s). Nothing was changed; please try again.", error=exc.in_words()
        )
        return htmx.render(
            PAGE,
            block="remark_form",
            status=502,
            customer=customer,
            form=form,
            mine=mine,
            error=error,
            **common(),
        )
    if not htmx.is_htmx():
        return redirect(url_for("sidebar.customer_detail", external_userid=customer.external_userid), 303)
    return htmx.render(PAGE, block="remark", customer=customer, mine=mine, **common())


# -- tags ------------------------------------------------------------------------------------------


@sidebar_bp.get("/customers/<external_userid>/tags")
@customer_route
@part_of_the_profile
def tags_view(customer: Customer):
    return htmx.render(
        PAGE, block="tags", customer=customer, tag_groups=profile.tags_of(customer), **common()
    )


@sidebar_bp.get("/customers/<external_userid>/tags/picker")
@customer_route
@part_of_the_profile
def tag_picker(customer: Customer):
    current = {
        v.tag.id for _, views in profile.tags_of(customer) for v in views if v.status != "failed-remove"
    }
    return htmx.render(
        PAGE,
        block="tag_picker",
        customer=customer,
        all_groups=profile.all_tag_groups(),
        current=current,
        **common(),
    )


@sidebar_bp.post("/customers/<external_userid>/tags")
@customer_route
def tag_change(customer: Customer):
    """Add or remove one tag here at once; WeCom is told by a job (retried until it agrees)."""
    form = TagForm()
    tag = db.session.get(Tag, form.tag_id.data) if form.validate() else None
    if tag is None:
        abort(422, _("Choose a tag from the list."))
    change = customer_tags.add if form.action.data == "add" else customer_tags.remove
    changed = change(customer, tag, by=me())
    if changed and not tag.is_local:
        customer_id = customer.id
        uow.after_commit(lambda: push_tags(customer_id))
    if not htmx.is_htmx():
        return redirect(url_for("sidebar.customer_detail", external_userid=customer.external_userid), 303)
    return htmx.render(
        PAGE, block="tags", customer=customer, tag_groups=profile.tags_of(customer), **common()
    )


# -- notes -----------------------------------------------------------------------------------------


@sidebar_bp.get("/customers/<external_userid>/notes")
@customer_route
@part_of_the_profile
def notes_view(customer: Customer):
    return htmx.render(
        PAGE,
        block="notes",
        customer=customer,
        notes=profile.notes_of(customer),
        note_form=NoteForm(),
        **common(),
    )


@sidebar_bp.get("/customers/<external_userid>/guides")
@customer_route
@part_of_the_profile
def guides_view(customer: Customer):
    """The guides who served this customer, and how each period ended."""
    return htmx.render(
        PAGE, block="guides", customer=customer, guides=profile.guides_of(customer), **common()
    )


@sidebar_bp.post("/customers/<external_userid>/notes")
@customer_route
def note_add(customer: Customer):
    """Add a follow-up note; an empty or overlong one answers 422 and keeps what was typed."""
    form = NoteForm()
    if not form.validate():
        return htmx.render(
            PAGE,
            block="notes",
            status=422,
            customer=customer,
            notes=profile.notes_of(customer),
            note_form=form,
            **common(),
        )
    customer_edit.add_note(customer, form.body.data or "", author=me())
    if not htmx.is_htmx():
        return redirect(url_for("sidebar.customer_detail", external_userid=customer.external_userid), 303)
    return htmx.render(
        PAGE,
        block="notes",
        customer=customer,
        notes=profile.notes_of(customer),
        note_form=NoteForm(formdata=None),
        **common(),
    )
