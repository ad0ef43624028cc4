"""The WeCom API client: wechatpy's, bound to our settings, our token store and our retry rules.

wechatpy 2.0.0a26 retries token errors without bound and hard-codes the official host for gettoken;
this subclass turns its retry off and does exactly one refetch itself, retries "system busy" (-1) a few
times, honours rate-limit blocks, puts a timeout on every call, and adds the endpoints wechatpy lacks.

Rate limits (doc 90313, 45009/45033): "频率拦截时长一般与调用的限制时长相同" — a call refused for a
minute's quota stays refused for that minute. So a refusal is remembered in the shared store for the
window: while a person waits (a page, a tap) they are told at once (``WeComRateLimited``) instead of
waiting out backoffs, and every worker skips the doomed call; a job sleeps until the window ends and
tries again, a bounded number of times.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import requests
from wechatpy.exceptions import WeChatClientException
from wechatpy.work import WeChatClient

from sidebar.metrics import api_name, wecom_calls
from sidebar.wecom.errors import (
    BUSY,
    RATE_LIMIT_ERRORS,
    TOKEN_ERRORS,
    WeComError,
    WeComRateLimited,
    WeComUnavailable,
)
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
        rate_limit_window: float = 60.0,
        busy_retries: int = 3,
        busy_backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ):
        super().__init__(corp_id, secret, timeout=timeout, auto_retry=False)
        self.API_BASE_URL = api_base
        # A person waiting (a page, a tap) gets an answer fast when WeCom is slow or down; a job waits
        # longer. ``someone_waiting`` tells which (the gateway passes "inside a web request").
        self.interactive_timeout = interactive_timeout or timeout
        self._someone_waiting_now = someone_waiting
        self._hurry = threading.local()
        self.agent_id = agent_id
        self.credentials = CredentialCache(store, corp_id, agent_id, secret, token_margin)
        self.store = store
        self.rate_limit_retries = rate_limit_retries
        self.rate_limit_window = rate_limit_window
        self.busy_retries = busy_retries
        self.busy_backoff = busy_backoff
        self._sleep = sleep

    def _someone_waiting(self) -> bool:
        return getattr(self._hurry, "on", False) or self._someone_waiting_now()

    @contextmanager
    def in_a_hurry(self) -> Iterator[None]:
        """Calls inside act as if a person were waiting (short timeouts, no waiting out rate limits):
        for a job racing a deadline, such as the welcome's 20 s."""
        before = getattr(self._hurry, "on", False)
        self._hurry.on = True
        try:
            yield
        finally:
            self._hurry.on = before

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
            wecom_calls.labels(api_name(endpoint), "http").inc()
            raise WeComUnavailable(f"{endpoint}: {exc}") from exc
        wecom_calls.labels(api_name(endpoint), str(result.get("errcode") or 0)).inc()
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

    def _block_key(self, endpoint: str) -> str:
        return f"wecom:{self.corp_id}:blocked:{endpoint.split('?', 1)[0].strip('/')}"

    def _blocked_for(self, endpoint: str) -> float:
        """Seconds left of a rate-limit block WeCom put on this API (0 when none)."""
        until = self.store.get(self._block_key(endpoint))
        try:
            return max(0.0, float(until) - time.time()) if until else 0.0
        except ValueError:
            return 0.0

    def _wait_out_block(self, endpoint: str, errcode: int, errmsg: str) -> None:
        """A person waiting is told at once; a job sleeps until the block ends."""
        left = self._blocked_for(endpoint)
        if not left:
            return
        if self._someone_waiting():
            raise WeComRateLimited(errcode, errmsg, left)
        log.warning("WeCom rate limit on %s; a job waits %.0fs for the window to pass", endpoint, left)
        self._sleep(left)

    def _request(self, method: str, url_or_endpoint: str, **kwargs: Any) -> Any:
        """Send one call: one refetch on a token error, a few retries when WeCom is busy, and rate-limit
        blocks honoured (see the module's docstring)."""
        token_retried = False
        rate_limited = busy = 0
        self._wait_out_block(url_or_endpoint, 45009, "blocked by an earlier rate-limit answer")
        while True:
            attempt = dict(kwargs)
            params = dict(kwargs.get("params") or {})
            token = params.get("access_token") or self.access_token
            params["access_token"] = token
            attempt["params"] = params
            attempt.setdefault("timeout", self.timeout_for(kwargs))
            try:
                answer = super()._request(method, url_or_endpoint, **attempt)
                wecom_calls.labels(api_name(url_or_endpoint), "0").inc()
                return answer
            except WeChatClientException as exc:
                errcode = int(exc.errcode) if exc.errcode is not None else None
                wecom_calls.labels(api_name(url_or_endpoint), str(errcode or "http")).inc()
                if errcode in TOKEN_ERRORS and not token_retried:
                    log.info("WeCom token refused (%s); fetching a new one once", errcode)
                    token_retried = True
                    self.credentials.invalidate(ACCESS_TOKEN, token)
                    kwargs = {**kwargs, "params": {k: v for k, v in params.items() if k != "access_token"}}
                    continue
                if errcode == BUSY and busy < self.busy_retries:
                    # "系统繁忙 … 建议重试次数不超过3次" (doc 90313); a person waiting gets one quick retry.
                    busy += 1
                    if self._someone_waiting() and busy > 1:
                        raise WeComError(errcode, exc.errmsg or "") from exc
                    self._sleep(self.busy_backoff * busy)
                    continue
                if errcode in RATE_LIMIT_ERRORS:
                    self.store.set(
                        self._block_key(url_or_endpoint),
                        str(time.time() + self.rate_limit_window),
                        ttl=self.rate_limit_window,
                    )
                    if self._someone_waiting() or rate_limited >= self.rate_limit_retries:
                        raise WeComRateLimited(errcode, exc.errmsg or "", self.rate_limit_window) from exc
                    rate_limited += 1
                    self._wait_out_block(url_or_endpoint, errcode, exc.errmsg or "")
                    continue
                if errcode is None:
                    raise WeComUnavailable(f"{url_or_endpoint}: HTTP error {exc.response}") from exc
                raise WeComError(errcode, exc.errmsg or "") from exc
            except requests.RequestException as exc:
                wecom_calls.labels(api_name(url_or_endpoint), "http").inc()
                raise WeComUnavailable(f"{url_or_endpoint}: {exc}") from exc

    # -- endpoints wechatpy lacks ------------------------------------------------------------

    def contact(self, external_userid: str) -> dict[str, Any]:
        """``externalcontact/get`` with every page of followers: past 500 followers WeCom pages
        ``follow_user`` with ``next_cursor`` (doc 92114 "获取客户详情"); wechatpy's ``get`` reads one page."""
        result = self.get("externalcontact/get", params={"external_userid": external_userid})
        followers = list(result.get("follow_user") or [])
        cursor, seen = result.get("next_cursor") or "", set()
        while cursor and cursor not in seen:  # a cursor repeated would loop forever: stop instead
            seen.add(cursor)
            page = self.get(
                "externalcontact/get", params={"external_userid": external_userid, "cursor": cursor}
            )
            followers.extend(page.get("follow_user") or [])
            cursor = page.get("next_cursor") or ""
        return {**result, "follow_user": followers, "next_cursor": ""}

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
