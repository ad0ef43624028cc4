"""Binds the WeCom client and the shared store to the app; ``wecom()`` is how services reach WeCom."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context

from sidebar.extensions import db
from sidebar.wecom.client import WeComClient
from sidebar.wecom.crypto import CallbackCrypto
from sidebar.wecom.pay import RedPacketPayer, payer_from_config
from sidebar.wecom.store import DatabaseStore, RedisStore, SharedStore
from sidebar.wecom.vouchers import VoucherClient
from sidebar.wecom.vouchers import client_from_config as voucher_client


class Gateway:
    """What one app needs to talk to WeCom: the store, the client and the callback crypto."""

    def __init__(self, app: Flask):
        self.app = app
        self._store: SharedStore | None = None
        self._client: WeComClient | None = None
        self._archive_client: WeComClient | None = None
        self._payer: RedPacketPayer | None = None
        self._vouchers: VoucherClient | None = None
        cfg = app.config
        self.crypto = CallbackCrypto(
            cfg["WECOM_CALLBACK_TOKEN"], cfg["WECOM_CALLBACK_AES_KEY"], cfg["WECOM_CORP_ID"]
        )

    @property
    def store(self) -> SharedStore:
        if self._store is None:
            url = self.app.config.get("REDIS_URL")
            with self.app.app_context():
                self._store = RedisStore(url) if url else DatabaseStore(db.engine)
        return self._store

    def _client_for(self, secret: str, agent_id: str) -> WeComClient:
        cfg = self.app.config
        return WeComClient(
            corp_id=cfg["WECOM_CORP_ID"],
            agent_id=agent_id,
            secret=secret,
            api_base=cfg["WECOM_API_BASE"],
            store=self.store,
            timeout=cfg["WECOM_HTTP_TIMEOUT"],
            interactive_timeout=cfg["WECOM_INTERACTIVE_TIMEOUT"],
            someone_waiting=has_request_context,
            token_margin=cfg["WECOM_TOKEN_MARGIN"],
            rate_limit_retries=cfg["WECOM_RATE_LIMIT_RETRIES"],
            rate_limit_window=cfg["WECOM_RATE_LIMIT_WINDOW"],
            busy_backoff=cfg["WECOM_BUSY_BACKOFF"],
        )

    @property
    def client(self) -> WeComClient:
        if self._client is None:
            self._client = self._client_for(
                self.app.config["WECOM_SECRET"], str(self.app.config["WECOM_AGENT_ID"])
            )
        return self._client

    @property
    def archive_client(self) -> WeComClient:
        """The same API with the chat archive's own Secret (会话内容存档 Secret): ``msgaudit/*`` take only
        its tokens (doc 91614, 91782). Tokens are cached per Secret, apart from the app's."""
        if self._archive_client is None:
            self._archive_client = self._client_for(
                str(self.app.config["WECOM_ARCHIVE_SECRET"] or ""), "msgaudit"
            )
        return self._archive_client

    @property
    def payer(self) -> RedPacketPayer | None:
        """WeChat Pay for red packets, or None when it is not configured."""
        if self._payer is None:
            self._payer = payer_from_config(self.app.config)
        return self._payer

    @property
    def vouchers(self) -> VoucherClient | None:
        """WeChat Pay vouchers (API v3), or None when they are not configured."""
        if self._vouchers is None:
            self._vouchers = voucher_client(self.app.config)
        return self._vouchers


def init_gateway(app: Flask) -> None:
    app.extensions["wecom"] = Gateway(app)


def gateway() -> Gateway:
    return current_app.extensions["wecom"]


def wecom() -> WeComClient:
    """The WeCom client of the current app."""
    return gateway().client
