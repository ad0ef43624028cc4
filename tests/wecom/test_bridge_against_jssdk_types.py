"""The JS-SDK bridge held to `@wecom/jssdk` 2.4.4's own type definitions (vendored beside the SDK as
``index.d.ts``): every API the bridge registers and calls exists, ``ww.register`` gets only options the SDK
knows, the results the pages read are fields the SDK returns, and every ``sendChatMessage`` payload the
server builds has the shape of one of the SDK's message types — checked against code we did not write."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
TYPES = (ROOT / "static/vendor/wecom-jssdk-2.4.4/index.d.ts").read_text(encoding="utf-8")
BRIDGE = (ROOT / "static/js/bridge.js").read_text(encoding="utf-8")
PAGES = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "static/js").glob("*.js"))


def _code(text: str) -> str:
    """The declarations without comments (JSDoc examples would otherwise read as fields)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


CODE = _code(TYPES)


def _block(text: str, start: int) -> str:
    """The ``{...}`` that opens at or after ``start``, braces balanced."""
    open_at = text.index("{", start)
    depth = 0
    for i in range(open_at, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[open_at + 1 : i]
    raise ValueError("unbalanced")


def _fields(body: str) -> dict[str, dict]:
    """A TypeScript object type's fields: name -> nested fields (empty for a non-object type)."""
    found: dict[str, dict] = {}
    i = 0
    while i < len(body):
        m = re.compile(r"\s*([A-Za-z_$][\w$]*)\??\s*:\s*").match(body, i)
        if not m:
            i += 1
            continue
        name, i = m.group(1), m.end()
        if body.startswith("{", i):
            inner = _block(body, i)
            found[name] = _fields(inner)
            i = body.index(inner, i) + len(inner) + 1
        else:
            depth = 0
            while i < len(body) and not (depth == 0 and body[i] in ";\n"):
                depth += {"{": 1, "<": 1, "(": 1, "}": -1, ">": -1, ")": -1}.get(body[i], 0)
                i += 1
            found[name] = {}
    return found


def interface(name: str) -> dict[str, dict]:
    m = re.search(rf"export interface {name}\b", CODE)
    assert m, f"@wecom/jssdk declares no interface {name}"
    return _fields(_block(CODE, m.end()))


def function_result(name: str) -> dict[str, dict]:
    """The fields a function's promise resolves with (its ``Promise<CommonResult & {...}>``)."""
    m = re.search(rf"export declare function {name}\(", CODE)
    assert m, f"@wecom/jssdk exports no function {name}"
    promise = CODE.index("Promise<", m.end())
    return _fields(_block(CODE, promise))


def bridge_api() -> list[str]:
    return re.findall(r'"(\w+)"', re.search(r"var API = \[([^\]]*)\]", BRIDGE).group(1))


def test_every_api_the_bridge_registers_and_calls_is_exported_by_the_sdk():
    names = bridge_api()
    assert {"getContext", "getCurExternalContact", "getCurExternalChat", "sendChatMessage"} <= set(names)
    for name in names:
        assert re.search(rf"export declare function {name}\(", CODE), name


def test_register_is_given_only_options_the_sdk_knows():
    call = _block(BRIDGE, BRIDGE.index("window.ww.register("))
    given = set(re.findall(r"^\s*(\w+)\s*:", call, flags=re.M))
    known = set(interface("RegisterOptions"))
    assert given and given <= known, given - known
    # A sidebar must register with the app identity (agentConfig) for the customer-contact APIs.
    assert {"agentId", "getAgentConfigSignature"} <= given


@pytest.mark.parametrize(
    ("api", "field"),
    [("getContext", "entry"), ("getCurExternalContact", "userId"), ("getCurExternalChat", "chatId")],
)
def test_the_results_the_pages_read_are_fields_the_sdk_returns(api, field):
    assert field in function_result(api)
    assert re.search(rf"\.{field}\b", PAGES), f"no page reads {field}"


MESSAGE_TYPES = {
    "text": "TextMessage",
    "image": "SendChatMessageImageMessage",
    "video": "VideoMessage",
    "file": "FileMessage",
    "news": "NewsMessage",
    "miniprogram": "MiniprogramMessage",
}


def assert_sendable(message: dict) -> None:
    kind = message["msgtype"]
    shape = interface(MESSAGE_TYPES[kind])
    common = set(interface("SendChatMessageCommonParams"))
    assert set(message) <= set(shape) | common, set(message) - set(shape) - common
    assert set(message[kind]) <= set(shape[kind]), (kind, set(message[kind]) - set(shape[kind]))


def test_every_message_the_server_builds_has_one_of_the_sdks_shapes():
    from sidebar.content import materials
    from sidebar.models import MaterialKind
    from sidebar.money import coupons, group_coupons, red_packets
    from sidebar.signals import products

    for kind in MaterialKind:
        material = SimpleNamespace(
            kind=kind.value, text="你好", url="https://a.cn", title="t", description="d", cover_url="https://a.cn/c.png",
            mp_appid="wx0123456789abcdef", mp_page="pages/a.html",
        )  # fmt: skip
        if kind == MaterialKind.ARTICLE:  # no JS-SDK shape of its own: always a tracked link (news)
            with pytest.raises(ValueError):
                materials.message(material, "media-id")
            continue
        assert_sendable(materials.message(material, "media-id"))
    template = SimpleNamespace(
        name="新客礼券", kind="cash", value_kind="amount", value=5000, threshold=30000, delivery="link", miniprogram_appid=None,
        miniprogram_page=None,
    )  # fmt: skip
    coupon = SimpleNamespace(template=template, code="C1")
    assert_sendable(coupons.card(coupon, "https://a.cn/claim", "https://a.cn/i.png"))
    template.delivery, template.miniprogram_appid = "miniprogram", "wx0123456789abcdef"
    assert_sendable(coupons.card(coupon, "https://a.cn/claim", "https://a.cn/i.png"))
    drop = SimpleNamespace(template=template, quantity=10)
    assert_sendable(group_coupons.card(drop, "https://a.cn/g", "https://a.cn/i.png"))
    packet = SimpleNamespace(wishing="恭喜发财")
    assert_sendable(red_packets.card(packet, "https://a.cn/p", "https://a.cn/i.png", "陈静"))
    product = SimpleNamespace(name="精华", category="护肤", mp_page="", mp_appid="")
    assert_sendable(products.card(product, tracked_url="https://a.cn/t", image="https://a.cn/i.png"))
    product.mp_page, product.mp_appid = "pages/p.html", "wx0123456789abcdef"
    assert_sendable(products.card(product, tracked_url=None, image="https://a.cn/i.png"))


def test_a_wrong_shape_is_caught():
    with pytest.raises(AssertionError):
        assert_sendable(
            {"msgtype": "news", "news": {"url": "https://a.cn", "title": "t"}}
        )  # `link`, not `url`
    with pytest.raises(AssertionError):
        assert_sendable({"msgtype": "image", "image": {"media_id": "m"}})  # `mediaid` in the JS-SDK


ATTACHMENT_TYPES = {
    "image": "ImageMessage",
    "link": "LinkMessage",
    "miniprogram": "MiniprogramMessage",
    "video": "VideoMessage",
    "file": "FileMessage",
}
MESSAGE_TYPES_BY_INTERFACE = {v: k for k, v in ATTACHMENT_TYPES.items()}


def test_a_mass_send_from_the_sidebar_has_the_sdks_shapes(monkeypatch):
    """shareToExternalContact / shareToExternalChat: ``externalUserIds`` / ``chatIds`` and
    ``ShareToExternalCompleteParams`` (text, attachments of ``ShareToExternalAttachment``'s types)."""
    from sidebar.campaigns import share
    from sidebar.content import materials

    monkeypatch.setattr(materials, "media_id", lambda m: "media-id")
    declared = _code(CODE)
    for method, key in (("shareToExternalContact", "externalUserIds"), ("shareToExternalChat", "chatIds")):
        start = declared.index(f"export declare function {method}(")
        assert f"{key}?: string[]" in declared[start : start + 400], (method, key)
    complete = interface("ShareToExternalCompleteParams")
    allowed = re.search(r"export type ShareToExternalAttachment = ([^;]+);", declared).group(1)
    kinds = {MESSAGE_TYPES_BY_INTERFACE[name.strip()] for name in allowed.split("|")}
    for kind in share.SHAREABLE:
        material = SimpleNamespace(
            kind=kind, url="https://a.cn", title="t", description="d", cover_url="https://a.cn/c.png",
            mp_appid="wx0123456789abcdef", mp_page="pages/a.html",
        )  # fmt: skip
        made = share.attachment(material)
        assert made["msgtype"] in kinds, made["msgtype"]
        shape = interface(ATTACHMENT_TYPES[made["msgtype"]])
        assert set(made) <= set(shape) and set(made[made["msgtype"]]) <= set(shape[made["msgtype"]]), made
    args_with = {"text": {"content": "x"}, "attachments": []}
    assert set(args_with) <= set(complete)


def test_a_moment_posted_from_the_sidebar_has_the_sdks_shape():
    """shareToExternalMoments: ``text`` and ``attachments`` of ``ShareToExternalMomentsAttachment``."""
    declared = _code(CODE)
    allowed = re.search(r"export type ShareToExternalMomentsAttachment = ([^;]+);", declared).group(1)
    kinds = {name.strip() for name in allowed.split("|")}
    assert {"ImageMessage", "VideoMessage", "LinkMessage"} <= kinds
    built_by_moments = (  # as sidebar/web/sidebar/moments.py builds them
        ("image", "ImageMessage", {"mediaid": "m"}),
        ("video", "VideoMessage", {"mediaid": "m"}),
        ("link", "LinkMessage", {"url": "https://x", "title": "t", "imgUrl": "https://x/c.png"}),
    )
    for kind, name, part in built_by_moments:
        built = {"msgtype": kind, kind: part}
        shape = interface(name)
        assert set(built) <= set(shape) and set(built[kind]) <= set(shape[kind]), built
    start = declared.index("export declare function shareToExternalMoments(")
    assert "text?:" in declared[start : start + 600] and "attachments?:" in declared[start : start + 1200]
