"""A local WeCom for development, demos and tests: the server API, OAuth pages and callbacks, over
real HTTP with WeCom's real signatures and encryption. Production code never imports this package.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from emulator import settings as emulator_settings
from emulator.acquisition_links import ca_bp
from emulator.api import cgi_bp
from emulator.contact_ways import qr_bp
from emulator.control import control_bp
from emulator.finance import finance_bp
from emulator.group_msgs import groupmsg_bp
from emulator.join_ways import join_bp
from emulator.moments import moments_bp
from emulator.oauth import oauth_bp
from emulator.pay import PayState, pay_bp
from emulator.preview import preview_bp
from emulator.state import WeComState


def create_emulator(settings: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config["SETTINGS"] = settings or emulator_settings.load()
    app.extensions["wecom_state"] = WeComState(app.config["SETTINGS"])
    app.extensions["pay_state"] = PayState(app.config["SETTINGS"])
    app.register_blueprint(cgi_bp)
    app.register_blueprint(pay_bp)
    app.register_blueprint(control_bp)
    app.register_blueprint(qr_bp)
    app.register_blueprint(ca_bp)
    app.register_blueprint(join_bp)
    app.register_blueprint(groupmsg_bp)
    app.register_blueprint(finance_bp)
    app.register_blueprint(moments_bp)
    app.register_blueprint(oauth_bp)
    app.register_blueprint(preview_bp)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return jsonify(
            error={"code": (exc.name or "error").lower().replace(" ", "_"), "message": exc.description}
        ), exc.code

    @app.get("/")
    def index():
        return jsonify(
            service="Beside WeCom emulator", api="/cgi-bin/", control="/_emulator/", preview="/preview"
        )

    return app
