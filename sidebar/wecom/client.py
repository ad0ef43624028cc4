"""The WeCom API client: wechatpy's, bound to our settings, our token store and our retry rules.

wechatpy 2.0.0a26 retries token errors without bound and hard-codes the official host for gettoken;
this subclass turns its retry off and does exactly one refetch itself, backs off on rate limits, puts
a timeout on every call, and adds the endpoints wechatpy lacks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import requests
from wechatpy.exceptions import WeChatClientException
from wechatpy.work import WeChatClient

from sidebar.wecom.errors import RATE_LIMIT_ERRORS, TOKEN_ERRORS, WeComError, WeComUnavailable
from sidebar.wecom.store import SharedStore
from sidebar.wecom.tokens import CredentialCache

log = logging.getLogger(__name__)

# Names of cached credentials in the shared store, not secrets.
ACCESS_TOKEN = "access_token"  # noqa: S105
CORP_TICKET = "jsapi_ticket"
AGENT_TICKET = "agent_ticket"


class WeComClient(WeChatClient):
    """One app (corp + agent + secret) talking to one API base."""

    def __init__(
        self,
        *,
        corp_id: str,
        agent_id: str,
        secret: str,
        api_base: str,
        store: SharedStore,
        timeout: float = 10.0,
        interactive_timeout: float | None = None,
        someone_waiting: Callable[[], bool] = lambda: False,
        token_margin: float = 300.0,
        rate_limit_retries: int = 3,
        rate_limit_backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        super().__init__(corp_id, secret, timeout=timeout, auto_retry=False)
        self.API_BASE_URL = api_base
        # A person waiting (a page, a tap) gets an answer fast when WeCom is slow or down; a job waits
        # longer. ``someone_waiting`` tells which (the gateway passes "inside a web request").
        self.interactive_timeout = interactive_timeout or timeout
        self._someone_waiting = someone_waiting
        self.agent_id = agent_id
        self.credentials = CredentialCache(store, corp_id, agent_id, secret, token_margin)
        self.rate_limit_retries = rate_limit_retries
        self.rate_limit_backoff = rate_limit_backoff
        self._sleep = sleep

    # -- credentials -------------------------------------------------------------------------

    @property
    def access_token(self) -> str:  # type: ignore[override]
        return self.credentials.get(ACCESS_TOKEN, self._fetch_token)

    def fetch_access_token(self) -> dict[str, Any]:
        token = self.credentials.get(ACCESS_TOKEN, self._fetch_token)
        return {"access_token": token}

    def _fetch_token(self) -> tuple[str, int]:
        result = self._plain_get("gettoken", {"corpid": self.corp_id, "corpsecret": self.secret})
        return result["access_token"], int(result.get("expires_in", 7200))

    def _plain_get(self, endpoint: str, params: dict[str, str]) -> dict[str, Any]:
        """A GET that carries no access token (gettoken itself)."""
        try:
            res = self._http.get(self.API_BASE_URL + endpoint, params=params, timeout=self.timeout_for({}))
            res.raise_for_status()
            result = res.json()
        except (requests.RequestException, ValueError) as exc:
            raise WeComUnavailable(f"{endpoint}: {exc}") from exc
        if result.get("errcode"):
            raise WeComError(int(result["errcode"]), result.get("errmsg", ""))
        return result

    def corp_ticket(self) -> str:
        """The corp's jsapi_ticket, for ``wx.config`` / ``ww.register`` signatures."""

        def fetch() -> tuple[str, int]:
            result = self.get("get_jsapi_ticket")
            return result["ticket"], int(result.get("expires_in", 7200))

        return self.credentials.get(CORP_TICKET, fetch)

    def agent_ticket(self) -> str:
        """The app's ticket, for ``agentConfig`` signatures (needed by every customer-contact JS API)."""

        def fetch() -> tuple[str, int]:
            result = self.get("ticket/get", params={"type": "agent_config"})
            return result["ticket"], int(result.get("expires_in", 7200))

        return self.credentials.get(AGENT_TICKET, fetch)

    # -- the one request path ----------------------------------------------------------------

    def timeout_for(self, kwargs: dict[str, Any]) -> float | tuple[float, float]:
        """The timeout of one call: short while someone waits, except that an upload, once connected,
        may take the long one to be read (a 20 MB file does not reach WeCom in two seconds)."""
        if not self._someone_waiting():
            return self.timeout
        if "files" in kwargs:
            return (self.interactive_timeout, self.timeout)
        return self.interactive_timeout

    def _request(self, method: str, url_or_endpoint: str, **kwargs: Any) -> Any:
        """Send one call: one refetch on a token error, bounded backoff on rate limits."""
        token_retried = False
        rate_limited = 0
        while True:
            attempt = dict(kwargs)
            params = dict(kwargs.get("params") or {})
            token = params.get("access_token") or self.access_token
            params["access_token"] = token
            attempt["params"] = params
            attempt.setdefault("timeout", self.timeout_for(kwargs))
            try:
                return super()._request(method, url_or_endpoint, **attempt)
            except WeChatClientException as exc:
                errcode = int(exc.errcode) if exc.errcode is not None else None
                if errcode in TOKEN_ERRORS and not token_retried:
                    log.info("WeCom token refused (%s); fetching a new one once", errcode)
                    token_retried = True
                    self.credentials.invalidate(ACCESS_TOKEN, token)
                    kwargs = {**kwargs, "params": {k: v for k, v in params.items() if k != "access_token"}}
                    continue
                if errcode in RATE_LIMIT_ERRORS and rate_limited < self.rate_limit_retries:
                    delay = self.rate_limit_backoff * (2**rate_limited)
                    rate_limited += 1
                    log.warning(
                        "WeCom rate limit %s on %s; retrying in %.1fs", errcode, url_or_endpoint, delay
                    )
                    self._sleep(delay)
                    continue
                if errcode is None:
                    raise WeComUnavailable(f"{url_or_endpoint}: HTTP error {exc.response}") from exc
                raise WeComError(errcode, exc.errmsg or "") from exc
            except requests.RequestException as exc:
                raise WeComUnavailable(f"{url_or_endpoint}: {exc}") from exc

    # -- endpoints wechatpy lacks ------------------------------------------------------------

    def user_by_code(self, code: str) -> dict[str, Any]:
        """``auth/getuserinfo``: the member (``userid``) or visitor (``openid``) an OAuth code stands for."""
        return self.get("auth/getuserinfo", params={"code": code})

    def remark(
        self,
        userid: str,
        external_userid: str,
        *,
        remark: str | None = None,
        description: str | None = None,
        remark_mobiles: list[str] | None = None,
    ) -> dict[str, Any]:
        """``externalcontact/remark``: the member's remark and description of a customer."""
        data: dict[str, Any] = {"userid": userid, "external_userid": external_userid}
        if remark is not None:
            data["remark"] = remark
        if description is not None:
            data["description"] = description
        if remark_mobiles is not None:
            data["remark_mobiles"] = remark_mobiles
        return self.post("externalcontact/remark", data=data)

    def transfer_customers(
        self,
        handover_userid: str,
        takeover_userid: str,
        external_userids: list[str],
        *,
        resigned: bool,
        message: str = "",
    ) -> dict[str, Any]:
        """在职继承 or 离职继承 of up to 100 customers; see ``transfer_result`` for the outcome. ``message``
        (在职 only) is what WeCom sends the customer; empty means WeCom's default wording."""
        if len(external_userids) > 100:
            raise ValueError("WeCom moves at most 100 customers a call")
        path = (
            "externalcontact/resigned/transfer_customer" if resigned else "externalcontact/transfer_customer"
        )
        data: dict[str, Any] = {
            "handover_userid": handover_userid,
            "takeover_userid": takeover_userid,
            "external_userid": external_userids,
        }
        if message and not resigned:
            data["transfer_success_msg"] = message
        return self.post(path, data=data)

    def transfer_result(
        self, handover_userid: str, takeover_userid: str, *, resigned: bool, cursor: str = ""
    ) -> dict[str, Any]:
        path = "externalcontact/resigned/transfer_result" if resigned else "externalcontact/transfer_result"
        return self.post(
            path,
            data={"handover_userid": handover_userid, "takeover_userid": takeover_userid, "cursor": cursor},
        )
