"""A mini-program page as WeCom's JS-SDK ``sendChatMessage`` takes it (docs 96935, 96947,
"发送消息到当前会话", the ``miniprogram.page`` field): the page's path must end in ``.html``
("注意要以.html作为后缀，否则在微信端打开会提示找不到页面"), and its parameters follow the suffix —
``pages/item/index.html?sku=1`` (WeCom's answer in its developer community, 2021-08-25:
"发送小程序携带后缀需要是在.html后面携带参数"). One rule for products, materials and coupon cards."""

from __future__ import annotations

MAX = 1024  # characters; WeCom names no limit, a page path past this is not a page path


def problem(page: str) -> str | None:
    """What is wrong with ``page`` as a mini-program page, in words; None when it is right."""
    if not page:
        return "give the mini-program page, e.g. pages/item/index.html?sku=1"
    if len(page) > MAX:
        return f"at most {MAX} characters"
    if any(c.isspace() for c in page):
        return "a page path has no spaces"
    path = page.split("?", 1)[0]
    if not path.endswith(".html"):
        return "the page's path must end in .html, its parameters after it (pages/item/index.html?sku=1)"
    return None
