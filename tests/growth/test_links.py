"""获客助手 links through the console and the emulator over HTTP: made in WeCom first (refused in words
before any call when they break a rule), the link to use carries Beside's channel, a customer opening it
adds its member and names the link as their source, the quota left with the days it lasts, WeCom's
warning under 20, and deleting it."""

from __future__ import annotations

import re

import requests
from sqlalchemy import select

from sidebar.acquisition import codes
from sidebar.extensions import db
from sidebar.models import AcquisitionLink, Customer, Follow
from tests.acquisition.test_channel_codes import ids as ids_of
from tests.growth.test_referral_console import csrf_token, qr_sign_in


def test_an_admin_makes_a_link_a_customer_comes_through_it_and_the_quota_is_told(seeded, client, live_app,
                                                                                 emulator):  # fmt: skip
    emulator.configure(acquisition_quota=21)
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/links")
    bad = client.post("/admin/links", data={"csrf_token": token, "name": ""})
    page = bad.get_data(as_text=True)
    assert (
        bad.status_code == 422
        and 'data-testid="error-name"' in page
        and 'data-testid="error-staff_ids"' in page
    )
    assert emulator.calls("externalcontact/customer_acquisition/create_link") == []

    made = client.post("/admin/links", data={"csrf_token": token, "name": "抖音直播间",
                                             "staff_ids": ids_of(seeded, "chenjing"), "skip_verify": "1"})  # fmt: skip
    assert made.status_code == 303
    asked = emulator.calls("externalcontact/customer_acquisition/create_link")[-1]["json"]
    assert asked["link_name"] == "抖音直播间" and asked["range"] == {"user_list": ["chenjing"]}
    with seeded.app_context():
        link = db.session.scalar(select(AcquisitionLink))
        link_id, channel = link.link_id, link.channel
    page = client.get("/admin/links").get_data(as_text=True)
    assert f"customer_channel={channel}" in page

    # A customer opens the ad's link and adds 陈静: their source is the link.
    opened = requests.post(f"{emulator.url}/_emulator/ca/{link_id}/open",
                           json={"customer_channel": channel, "name": "直播间客户"}, timeout=30).json()  # fmt: skip
    assert opened["delivered"] and opened["left"] == 20
    with seeded.app_context():
        follow = db.session.scalar(
            select(Follow).join(Customer).where(Customer.external_userid == opened["external_userid"])
        )
        assert follow.state == channel and codes.name_for(follow.state) == "抖音直播间"
    page = client.get("/admin/links").get_data(as_text=True)
    assert 'data-testid="link-adds">1<' in page and 'data-testid="quota-left">20<' in page
    assert re.search(r'data-testid="quota-days">[^<]*140', page)  # 20 left at one a week's seventh a day
    assert 'data-testid="quota-warning"' not in page

    # One more leaves 19: WeCom warns (balance_low), and the page says so.
    second = requests.post(f"{emulator.url}/_emulator/ca/{link_id}/open", json={"customer_channel": channel},
                           timeout=30).json()  # fmt: skip
    assert second["left"] == 19
    assert 'data-testid="quota-warning"' in client.get("/admin/links").get_data(as_text=True)

    with seeded.app_context():
        row_id = db.session.scalar(select(AcquisitionLink.id))
    assert client.post(f"/admin/links/{row_id}/delete", data={"csrf_token": token}).status_code == 303
    assert emulator.calls("externalcontact/customer_acquisition/delete_link")[-1]["json"] == {
        "link_id": link_id
    }
    assert 'data-testid="link-row"' not in client.get("/admin/links").get_data(as_text=True)
