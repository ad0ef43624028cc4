"""Beside: a WeCom chat sidebar for retail brands. ``create_app`` builds the Flask app."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, g, has_request_context, session
from flask_babel import get_locale, get_translations

from sidebar import cli, config
from sidebar.api import api_bp, callback_bp
from sidebar.core import uow
from sidebar.extensions import babel, csrf, db, init_huey, migrate
from sidebar.web import assets, clean_input, errors, labels, observability, security_headers
from sidebar.web.admin import admin_bp
from sidebar.web.claim import claim_bp
from sidebar.web.health import health_bp
from sidebar.web.referral import referral_bp
from sidebar.web.sidebar import sidebar_bp
from sidebar.web.signin import auth_bp
from sidebar.web.tracked import tracked_bp
from sidebar.wecom.gateway import init_gateway

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


LOCALES = ("zh_CN", "en")


def _locale() -> str:
    """Simplified Chinese unless the member chose English (the users are Chinese retail staff); outside
    a request (a job, a command) always Chinese."""
    if not has_request_context():
        return "zh_CN"
    chosen = session.get("lang")
    return chosen if chosen in LOCALES else "zh_CN"


def _translations() -> Any:
    """This request's catalogue, found once: Flask-Babel looks it up again for every string (its
    domain, the locale, a cache key), which was a sixth of a profile page's rendering."""
    try:
        return g.beside_translations
    except AttributeError:
        g.beside_translations = get_translations()
        return g.beside_translations


def _install_translations(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from defaults, the environment, and ``overrides`` (tests pass theirs here)."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("BESIDE_INSTANCE_PATH") or os.path.join(ROOT, "instance"),
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config.load(os.environ, overrides, app.instance_path))
    observability.init_app(app)  # first: every request timed and given its id, whatever answers it

    db.init_app(app)
    uow.init_app(app)
    # Batch mode lets SQLite alter tables the way PostgreSQL does.
    migrate.init_app(
        app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_locale)
    _install_translations(app)
    app.jinja_env.globals["get_locale"] = get_locale
    init_huey(app)

    init_gateway(app)
    assets.init_app(app)
    labels.register(app)
    app.register_blueprint(health_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(claim_bp)
    app.register_blueprint(referral_bp)
    app.register_blueprint(tracked_bp)
    app.register_blueprint(sidebar_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(callback_bp)
    errors.init_app(app)
    clean_input.init_app(app)
    security_headers.init_app(app)
    cli.init_app(app)
    return app
