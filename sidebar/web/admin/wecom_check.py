"""The WeCom self-test in the console (admins): the same steps as ``flask wecom check``, each saying what
works and, when it does not, which setting or WeCom admin step to change."""

from __future__ import annotations

from flask import render_template

from sidebar.web.admin import admin_bp, common
from sidebar.web.console_auth import admin_required
from sidebar.wecom import selfcheck


@admin_bp.get("/wecom-check")
@admin_required
def wecom_check_page():
    """Runs the check now (read-only calls to WeCom) and shows each step."""
    steps = selfcheck.run()
    return render_template(
        "admin/wecom_check.html", steps=steps, failed=sum(not s.ok for s in steps), **common()
    )
