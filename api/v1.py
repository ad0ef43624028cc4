"""``/api/v1``: JSON for the sidebar's scripts and for other systems. Errors use the one envelope."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from sidebar.auth import current_staff
from sidebar.errors import json_error
from sidebar.extensions import csrf
from sidebar.wecom import jssdk
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(api_bp)  # JSON endpoints authenticate by session or API key; none reads a form.


@api_bp.get("/jssdk/signature")
def jssdk_signature():
    """``{timestamp, nonceStr, signature}`` for ``url``: app ticket (type=agent) or corp ticket (corp)."""
    if current_staff() is None:
        return json_error(401, "unauthorized", "Sign in first.")
    url = request.args.get("url", "")
    kind = request.args.get("type", "agent")
    if not url.startswith(("http://", "https://")):
        return json_error(400, "bad_url", "url must be the page URL, starting with http:// or https://.")
    if kind not in ("agent", "corp"):
        return json_error(400, "bad_type", "type must be agent or corp.")
    try:
        client = wecom()
        ticket = client.agent_ticket() if kind == "agent" else client.corp_ticket()
    except WeComError as exc:
        return json_error(502, "wecom_unavailable", f"WeCom did not give a ticket: {exc.errmsg}")
    return jsonify(jssdk.sign_url(ticket, url))
