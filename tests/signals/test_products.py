"""The product catalogue (API, sheet import, pictures), the sidebar's products tab and product cards
(tracked like the radar), and recommendations in the profile with their reasons."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import Customer, LinkView, Product, ProductPair, Send, utcnow
from sidebar.signals import recommend
from tests.data.test_imports import as_xlsx
from tests.data.test_orders_api import make_key
from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import qr_sign_in
from tests.web.sidebar.test_customers import csrf, customer_of
from tests.web.sidebar.test_money import as_customer


def read(app, fn):
    with app.app_context():
        return fn()


def product(sku: str, **fields) -> dict:
    return {
        "sku": sku,
        "name": f"商品 {sku}",
        "price": "99.00",
        "link": f"https://mall.example.com/p/{sku}",
    } | fields


def test_the_api_upserts_by_sku_and_refuses_what_is_not_a_picture(seeded, app, client):
    key = make_key(app, "products:write")
    batch = [
        product("N-1", skin_types=["dry"], concerns=["细纹"]),
        product("N-2", image_url="https://cdn.example.com/a.gif"),
        product("N-3", image_url="https://cdn.example.com/a.png"),
        product("N-4", link="", mp_appid="wx1234567890demo", mp_page="pages/p/index.html"),
        product("N-5", link=""),
        product("N-6", skin_types=["greasy"]),
    ]
    body = client.post("/api/v1/products", json={"products": batch}, headers=key).get_json()
    assert body["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "refused": 3}
    reasons = {r["sku"]: r.get("reason", "") for r in body["results"]}
    assert "not an image" in reasons["N-2"] and "link" in reasons["N-5"] and "skin_types" in reasons["N-6"]
    again = client.post("/api/v1/products", json={"products": [product("N-1", price="89.00")]}, headers=key)
    assert again.get_json()["counts"]["updated"] == 1
    assert read(app, lambda: db.session.scalar(select(Product.price).where(Product.sku == "N-1"))) == 8900
    assert (
        client.post("/api/v1/products", json=product("X"), headers=make_key(app, "orders:write")).status_code
        == 403
    )


def test_a_sheet_imports_with_each_bad_row_named(seeded, app):
    admin = app.test_client()
    qr_sign_in(admin, "zhangwei")
    sheet = as_xlsx(
        [
            ["商品编码", "商品名称", "类目", "价格", "图片", "链接", "适合肤质", "功效", "有货"],
            [
                "S-1",
                "修护精华",
                "精华",
                "399.00",
                "https://cdn.example.com/s1.jpg",
                "https://m.example.com/1",
                "干性、敏感",
                "泛红",
                "是",
            ],
            [
                "S-2",
                "控油乳",
                "乳液",
                "199",
                "https://cdn.example.com/notes.pdf",
                "https://m.example.com/2",
                "油性",
                "",
                "是",
            ],
            ["S-3", "", "乳液", "abc", "", "https://m.example.com/3", "", "", "否"],
        ]
    )
    res = admin.post(
        "/admin/products/import",
        data={"csrf_token": csrf(admin, "/admin/products"), "file": (io.BytesIO(sheet), "catalogue.xlsx")},
    )
    html = res.get_data(as_text=True)
    assert res.status_code == 200 and 'data-testid="product-refused"' in html
    assert "not an image" in html and "S-3" in html
    with app.app_context():
        made = db.session.scalar(select(Product).where(Product.sku == "S-1"))
        assert made.skin_types == "dry,sensitive" and made.concerns == "泛红" and made.price == 39900
        assert db.session.scalar(select(Product).where(Product.sku == "S-2")) is None

    # A picture upload that is not a picture is refused and changes nothing.
    with app.app_context():
        product_id = db.session.scalar(select(Product.id).where(Product.sku == "S-1"))
    bad = admin.post(
        f"/admin/products/{product_id}/picture",
        data={
            "csrf_token": csrf(admin, "/admin/products"),
            "file": (io.BytesIO(b"<svg onload=alert(1)>"), "x.png"),
        },
    )
    assert bad.status_code == 422 and "not an image" in bad.get_data(as_text=True)
    assert read(app, lambda: db.session.get(Product, product_id).image_path) is None
    png = demo.poster_png()
    good = admin.post(
        f"/admin/products/{product_id}/picture",
        data={"csrf_token": csrf(admin, "/admin/products"), "file": (io.BytesIO(png), "x.png")},
    )
    assert good.status_code == 303

    manager = app.test_client()
    qr_sign_in(manager, "lina")
    assert manager.get("/admin/products").status_code == 200
    assert (
        manager.post(
            "/admin/products/import", data={"csrf_token": csrf(manager, "/admin/products")}
        ).status_code
        == 403
    )


def test_a_product_card_is_a_tracked_link_opened_like_the_radar(seeded, app, client, emulator):
    person = customer_of("chenjing")
    sign_in(client, "chenjing")
    tab = client.get(f"/sidebar/customers/{person.external_userid}/products", query_string={"q": "玻色因"})
    assert tab.status_code == 200 and tab.get_data(as_text=True).count('data-testid="product"') == 1
    product_id = read(app, lambda: db.session.scalar(select(Product.id).where(Product.sku == "LX-SER-01")))
    token = csrf(client, "/sidebar/")
    card = client.post(
        f"/sidebar/customers/{person.external_userid}/products/{product_id}/card",
        headers={"X-CSRFToken": token},
    ).get_json()
    assert card["msgtype"] == "news" and card["news"]["title"] == "澜序 玻色因紧致精华 30ml"
    sent = client.post(
        "/sidebar/sends",
        data={"kind": "product", "ref_id": product_id, "external_userid": person.external_userid},
        headers={"X-CSRFToken": token},
    )
    assert sent.status_code == 201
    page = as_customer(app.test_client(), urlsplit(card["news"]["link"]).path, person.external_userid)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "¥580" in html and 'data-testid="privacy-notice"' in html
    assert [
        m
        for m in emulator.state.messages
        if "正在看《澜序 玻色因紧致精华 30ml》" in m.get("text", {}).get("content", "")
    ]
    with app.app_context():
        assert db.session.scalar(select(LinkView.product_id)) == product_id
        assert db.session.scalar(select(Send.kind)) == "product"
        assert db.session.get(Product, product_id).use_count == 1
    other = app.test_client()
    sign_in(other, "lina")
    refused = other.post(
        f"/sidebar/customers/{person.external_userid}/products/{product_id}/card",
        headers={"X-CSRFToken": csrf(other, "/sidebar/")},
    )
    assert refused.status_code == 403


def test_recommendations_show_reasons_and_leave_out_what_she_just_bought(seeded, app, client):
    with app.app_context():
        recommend.recompute_pairs()
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(ProductPair)) > 0
        person = next(
            c
            for c in (demo.customer(i) for i in range(demo.DEFAULT_CUSTOMERS))
            if c.follows[0].userid == "chenjing" and c.orders and c.orders[0].status != "refunded"
        )
        customer = db.session.scalar(
            select(Customer).where(Customer.external_userid == person.external_userid)
        )
        latest = person.orders[0]
        history = [(item[0], utcnow() - timedelta(days=1)) for item in latest.items]
        suggested = recommend.for_customer(customer, history)
        assert 0 < len(suggested) <= 5
        skus = {s.product.sku for s in suggested}
        assert not skus & {item[0] for item in latest.items}  # bought yesterday: not suggested
        assert all(s.reasons for s in suggested)
        assert any("适合" in r for s in suggested for r in s.reasons)
        assert any("一起购买" in r for s in suggested for r in s.reasons)
        recommend.forget_catalogue()
    sign_in(client, "chenjing")
    page = client.get(f"/sidebar/customers/{person.external_userid}").get_data(as_text=True)
    assert 'data-testid="suggestions"' in page and 1 <= page.count('data-testid="suggestion"') <= 5


def test_a_mini_program_page_takes_its_parameters_after_the_html_suffix(app, client):
    """WeCom's rule: the page's path ends in .html and its query follows (pages/item/index.html?sku=1)."""
    key = make_key(app, "products:write")
    base = {"name": "精华", "price": "399.00", "mp_appid": "wx1234567890abcdef"}
    good = client.post(
        "/api/v1/products",
        json=product("MP-1", **base, mp_page="pages/product/index.html?sku=MP-1"),
        headers=key,
    )
    assert good.get_json()["results"][0]["result"] == "created", good.get_json()
    bad = client.post(
        "/api/v1/products", json=product("MP-2", **base, mp_page="pages/product/index?sku=MP-2"), headers=key
    ).get_json()["results"][0]
    assert bad["result"] == "refused" and bad["reason"].startswith("mp_page:") and ".html" in bad["reason"]
