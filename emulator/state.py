"""What the emulated WeCom knows: the corp's members, tags, customers and follow relations, tokens,
tickets, OAuth codes, uploaded media, sent messages, and a log of every call.

Seeded from ``sidebar.demo`` so it describes the same people the app's demo seed does. One lock
guards everything; the emulator serves threads.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
import threading
import time
from collections import deque
from typing import Any

from sidebar import demo

# An OAuth code for someone outside the corp (a customer in WeChat) stands for this prefix + their
# external_userid; member codes stand for a userid.
VISITOR = "visitor:"
# A code from the brand's official account's OAuth stands for this prefix + their external_userid.
OFFICIAL_ACCOUNT = "official-account:"


class ApiError(Exception):
    """Answer with this WeCom errcode."""

    def __init__(self, errcode: int, errmsg: str):
        super().__init__(errmsg)
        self.errcode = errcode
        self.errmsg = errmsg


class WeComState:
    def __init__(self, settings: dict[str, Any]):
        self.settings = settings
        self.lock = threading.RLock()
        self.reset()

    # -- set-up ------------------------------------------------------------------------------

    def reset(self) -> None:
        with self.lock:
            s = self.settings
            self.config: dict[str, Any] = {
                "token_lifetime": s["TOKEN_LIFETIME"],
                # expires_in told to clients; None tells the truth. A larger value makes tokens die
                # before the client expects, as when WeCom revokes them early.
                "announced_lifetime": None,
                "rate_limit": s["RATE_LIMIT"],
                "rate_window": s["RATE_WINDOW"],
                # endpoint -> errcode answered on every call ("*" for all but gettoken)
                "always_error": {},
                # endpoint -> errcodes answered once each, in order, before normal answers resume
                "queued_errors": {},
                # seconds to wait before answering (to exercise timeouts)
                "latency": 0.0,
                # seconds a transfer stays "waiting" (2) in transfer_result before it is done (1)
                "transfer_delay": 0.0,
                # members without a 互通 licence: customer-contact calls naming them answer 701008
                "unlicensed": [],
                # lookups of a just-added customer (externalcontact/get) answered 84061 before the
                # contact shows: real WeCom lags its own add event by a moment
                "contact_lag": 0,
                # seconds a paging cursor stays valid; past it the cursor answers 50100 分页查询的游标无效
                # (doc 90313). WeCom documents no lifetime: a day here, shortened by tests.
                "cursor_lifetime": 86400.0,
                # visible range of the app: None is the whole corp (root department 1); else a list of
                # department ids (user/list outside it answers 60011, doc 90201)
                "visible_departments": None,
                # members at or above which user/list with fetch_child=1 is refused with 45029
                # 回包大小超过上限 (doc 90313: "建议按部门分别拉取，同时不要指定fetch_child=1")
                "fetch_child_limit": 10000,
                # seconds before add_moment_task's job is done (get_moment_task_result status 3; 2 before)
                "moment_job_delay": 0.0,
                # members with the chat archive switched on (a licence, doc 91614); None: everyone
                "archive_members": None,
                # a benchmark's archive of this many messages, made as they are read (emulator/finance.py)
                "archive_synthetic": 0,
                # 获客助手: the corp's quota of customers added through acquisition links (doc 97400)
                "acquisition_quota": 1000,
            }
            self.tokens: dict[str, float] = {}
            self.token_kinds: dict[str, str] = {}  # token -> "app" | "archive": the Secret it came from
            self.tickets: dict[str, float] = {}
            self.codes: dict[str, tuple[str, float]] = {}
            self.official_account_openids: set[str] = set()
            self.media: dict[str, dict[str, Any]] = {}
            self.lagging: dict[str, int] = {}  # external_userid -> lookups still answered 84061
            self.cursors: dict[str, tuple[str, int, float]] = {}  # token -> (endpoint, offset, issued)
            self.transfers: dict[tuple[str, str, str], dict[str, Any]] = {}
            self.moves: dict[str, list[float]] = {}  # external_userid → times moved in service (在职继承)
            # 联系我 / channel codes: config_id -> {type, scene, remark, state, user, skip_verify, qr_code}
            self.contact_ways: dict[str, dict[str, Any]] = {}
            # WelcomeCode -> {userid, external_userid, at, used, message}: single use, 20 s
            self.welcome_codes: dict[str, dict[str, Any]] = {}
            self.welcomes: list[dict[str, Any]] = []
            # 加入群聊 / group codes: config_id -> {scene, remark, chat_id_list, state, qr_code, ...}
            self.join_ways: dict[str, dict[str, Any]] = {}
            self.group_welcome_templates: dict[str, dict[str, Any]] = {}
            self.group_welcomes: list[dict[str, Any]] = []  # welcomes WeCom sent in groups
            self.messages: list[dict[str, Any]] = []
            # 企业群发 (emulator/group_msgs.py): msgid -> the message and each member's task
            self.group_msgs: dict[str, dict[str, Any]] = {}
            self.mass_received: dict[str, list[float]] = {}  # external_userid -> when mass messages came
            self.chat_log: dict[str, list[dict[str, Any]]] = {}  # "userid|external_userid" -> messages
            # 客户朋友圈 (emulator/moments.py): moment_id -> the post and each member's task; jobid -> job
            self.moments: dict[str, dict[str, Any]] = {}
            self.moment_jobs: dict[str, dict[str, Any]] = {}
            # 会话内容存档 (emulator/finance.py): records in seq order, media by sdkfileid, customers' answers
            self.archive: list[dict[str, Any]] = []
            self.archive_media: dict[str, bytes] = {}
            self.archive_key_pool: dict[int, list[tuple[str, str]]] = {}  # finance._sealed_keys
            # 获客助手 (emulator/acquisition_links.py): link_id -> the link; customers it has added so far
            self.acquisition_links: dict[str, dict[str, Any]] = {}
            self.acquisition_used = 0
            self.archive_consent: dict[str, dict[str, Any]] = {}
            self.calls: deque[dict[str, Any]] = deque(maxlen=20000)
            self.window_start = time.monotonic()
            self.window_calls = 0
            self.departments = copy.deepcopy(demo.DEPARTMENTS)
            self.users = {m["userid"]: m for m in demo.wecom_members()}
            self.tag_groups = demo.wecom_tag_list()
            now = int(time.time())
            for g in self.tag_groups:
                g["create_time"] = now
                for t in g["tag"]:
                    t["create_time"] = now
            self.contacts: dict[str, dict[str, Any]] = {}
            self.follows: dict[str, dict[str, dict[str, Any]]] = {}
            for i in range(s["CUSTOMERS"]):
                c = demo.customer(i)
                self.contacts[c.external_userid] = c.contact()
                self.follows[c.external_userid] = {
                    f.userid: {
                        "userid": f.userid,
                        "remark": f.remark,
                        "description": f.description,
                        "createtime": f.createtime,
                        "tags": set(f.tag_ids),
                        "remark_mobiles": c.remark_mobiles(f.userid),
                        "add_way": f.add_way,
                        "state": f.state or "",
                        "oper_userid": f.userid,
                    }
                    for f in c.follows
                }
            self.group_chats: dict[str, dict[str, Any]] = {}
            self.dismissed_chats: set[str] = set()  # groupchat/get answers 49008 for these
            joined = int(time.time()) - 86400 * 30
            for chat in demo.group_chats():
                self.group_chats[chat.chat_id] = demo.group_chat_payload(chat, joined)
            # The demo brand's channel codes exist in WeCom as 联系我 ways (QR codes, scene 2), as if the
            # brand had made them in the console: their QR images are served like any other.
            for way in demo.contact_ways():
                self.contact_ways[way["config_id"]] = way
            if self.settings.get("ARCHIVE_HISTORY"):
                self.load_archive_history()

    def configure(self, **changes: Any) -> dict[str, Any]:
        with self.lock:
            for key, value in changes.items():
                if key not in self.config:
                    raise KeyError(key)
                self.config[key] = value
            return dict(self.config)

    def load_archive_history(self) -> int:
        """The demo's past conversations (``demo.reply_history``) into the archive: chenjing answering
        her customers' questions with scripts over the last days. Returns how many messages."""
        from sidebar.demo import reply_history

        with self.lock:
            customers = sorted(ext for ext, followers in self.follows.items() if "chenjing" in followers)[:20]
            start = int((time.time() - 10 * 86400) * 1000)
            history = reply_history.conversations("chenjing", customers, start)
            for message in history:
                seq = len(self.archive) + 1
                self.archive.append(
                    {"seq": seq, "message": {"msgid": f"demo{seq}", "action": "send", **message}}
                )
            return len(history)

    # -- the gate every API call passes --------------------------------------------------------

    def log_call(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.calls.append(entry)

    def check_call(self, endpoint: str, access_token: str | None) -> None:
        """Token, rate and injected-error checks, in WeCom's order."""
        with self.lock:
            cfg = self.config
            queued = cfg["queued_errors"].get(endpoint)
            if queued:
                code = queued.pop(0)
                raise ApiError(code, f"emulated error {code}")
            forced = cfg["always_error"].get(endpoint) or (
                cfg["always_error"].get("*") if endpoint != "gettoken" else None
            )
            if forced:
                raise ApiError(forced, f"emulated error {forced}")
            now = time.monotonic()
            if now - self.window_start >= cfg["rate_window"]:
                self.window_start, self.window_calls = now, 0
            self.window_calls += 1
            if self.window_calls > cfg["rate_limit"]:
                raise ApiError(45009, "api freq out of limit")
            if endpoint == "gettoken":
                return
            expires_at = self.tokens.get(access_token or "")
            if expires_at is None:
                raise ApiError(40014, "invalid access_token")
            if expires_at <= time.time():
                raise ApiError(42001, "access_token expired")

    # -- credentials -------------------------------------------------------------------------

    def issue_token(self, corpid: str, secret: str) -> dict[str, Any]:
        if corpid != self.settings["WECOM_CORP_ID"]:
            raise ApiError(40013, "invalid corpid")
        # Each Secret gets its own tokens (doc 91039): the app's, and the chat archive's (会话内容存档
        # Secret), which alone may call msgaudit/* (emulator/finance.py).
        kinds = {self.settings["WECOM_SECRET"]: "app", self.settings.get("WECOM_ARCHIVE_SECRET"): "archive"}
        if secret not in kinds:
            raise ApiError(40001, "invalid credential")
        with self.lock:
            token = "emu-" + secrets.token_urlsafe(24)
            lifetime = self.config["token_lifetime"]
            self.tokens[token] = time.time() + lifetime
            self.token_kinds[token] = kinds[secret]
            return {"access_token": token, "expires_in": self.config["announced_lifetime"] or lifetime}

    def issue_ticket(self, kind: str) -> dict[str, Any]:
        with self.lock:
            ticket = f"emu-{kind}-" + secrets.token_urlsafe(24)
            self.tickets[ticket] = time.time() + 7200
            return {"ticket": ticket, "expires_in": 7200}

    def issue_code(self, userid: str) -> str:
        with self.lock:
            code = secrets.token_urlsafe(16)
            self.codes[code] = (userid, time.time() + 300)
            return code

    def openid(self, external_userid: str) -> str:
        """The customer's openid under this corp (what ``convert_to_openid`` and OAuth in WeChat give)."""
        digest = hashlib.sha1(f"{self.settings['WECOM_CORP_ID']}:{external_userid}".encode()).hexdigest()  # noqa: S324 - an id, not security
        return "o" + digest[:27]

    def official_account_openid(self, external_userid: str) -> str:
        """The customer's openid under the brand's official account — not the corp's (``openid``):
        another appid, another openid. Remembered, so WeChat Pay can check an openid is that appid's."""
        appid = str(self.settings.get("PAY_V3_APPID") or "")
        digest = hashlib.sha1(f"{appid}:{external_userid}".encode()).hexdigest()  # noqa: S324 - an id
        openid = "oA" + digest[:26]
        with self.lock:
            self.official_account_openids.add(openid)
        return openid

    def redeem_code(self, code: str) -> str:
        """A code works once, for five minutes."""
        with self.lock:
            entry = self.codes.pop(code, None)
        if entry is None or entry[1] < time.time():
            raise ApiError(40029, "invalid code")
        return entry[0]

    # -- paging cursors ----------------------------------------------------------------------

    def make_cursor(self, endpoint: str, offset: int) -> str:
        """An opaque cursor to ``offset`` of ``endpoint``'s list, valid ``cursor_lifetime`` seconds."""
        token = secrets.token_urlsafe(18)
        with self.lock:
            self.cursors[token] = (endpoint, offset, time.time())
        return token

    def read_cursor(self, endpoint: str, token: str | None) -> int:
        """The offset a cursor stands for (0 for none); 50100 for one unknown, expired or not this list's."""
        if not token:
            return 0
        with self.lock:
            found = self.cursors.get(str(token))
            lifetime = float(self.config["cursor_lifetime"])
        if found is None or found[0] != endpoint or time.time() - found[2] > lifetime:
            raise ApiError(50100, "invalid cursor")
        return found[1]

    # -- directory ---------------------------------------------------------------------------

    def subtree(self, roots: set[int]) -> set[int]:
        """The departments under ``roots``, the roots included."""
        with self.lock:
            wanted = set(roots)
            while True:
                children = {d["id"] for d in self.departments if d["parentid"] in wanted} - wanted
                if not children:
                    return wanted
                wanted |= children

    def visible_department_ids(self) -> set[int]:
        """The app's visible range (可见范围) as departments: the whole corp unless configured."""
        roots = self.config["visible_departments"]
        return self.subtree({1} if roots is None else {int(d) for d in roots})

    def visible_userids(self) -> set[str]:
        visible = self.visible_department_ids()
        with self.lock:
            return {u for u, user in self.users.items() if set(user["department"]) & visible}

    def user(self, userid: str) -> dict[str, Any]:
        with self.lock:
            user = self.users.get(userid)
        if user is None:
            raise ApiError(60111, "userid not found")
        return user

    def tag_index(self) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
        return {t["id"]: (g, t) for g in self.tag_groups for t in g["tag"]}

    def contact(self, external_userid: str) -> dict[str, Any]:
        with self.lock:
            contact = self.contacts.get(external_userid)
            if self.lagging.get(external_userid):
                # Right after an add, WeCom may not know the relation yet (84061 不存在外部联系人的关系,
                # doc 90313): ``contact_lag`` lookups are answered so, then the contact shows.
                self.lagging[external_userid] -= 1
                contact = None
            if contact is None:
                raise ApiError(84061, "not external contact")
            tags = self.tag_index()
            follow_user = []
            for f in self.follows.get(external_userid, {}).values():
                entry = {k: v for k, v in f.items() if k != "tags"}
                entry["tags"] = [
                    {
                        "group_name": tags[t][0]["group_name"],
                        "tag_name": tags[t][1]["name"],
                        "tag_id": t,
                        "type": 1,
                    }
                    for t in sorted(f["tags"])
                    if t in tags
                ]
                follow_user.append(entry)
            return {"external_contact": dict(contact), "follow_user": follow_user}

    def follow(self, userid: str, external_userid: str) -> dict[str, Any]:
        with self.lock:
            follow = self.follows.get(external_userid, {}).get(userid)
        if follow is None:
            raise ApiError(84061, "not external contact")
        return follow

    def add_contact(self, userid: str, contact: dict[str, Any], **follow: Any) -> None:
        """A customer adds a member (what precedes an add_external_contact event)."""
        self.user(userid)
        with self.lock:
            ext = contact["external_userid"]
            if self.config["contact_lag"]:
                self.lagging[ext] = int(self.config["contact_lag"])
            self.contacts[ext] = {**self.contacts.get(ext, {}), **contact}
            self.follows.setdefault(ext, {})[userid] = {
                "userid": userid,
                "remark": follow.get("remark", ""),
                "description": follow.get("description", ""),
                "createtime": int(follow.get("createtime") or time.time()),
                "tags": set(follow.get("tags", [])),
                "remark_mobiles": list(follow.get("remark_mobiles") or []),
                "add_way": int(follow.get("add_way", 1)),
                "state": follow.get("state", ""),
                "oper_userid": userid,
            }

    def remove_follow(self, userid: str, external_userid: str) -> None:
        with self.lock:
            self.follows.get(external_userid, {}).pop(userid, None)
