"""Tags from what customers say: precision on the labelled sample (≥ 0.9), and the pull putting the tag
on the customer with the message that set it, pushed to WeCom like a guide's tag."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from sidebar.archive import chat_tags, pull
from sidebar.extensions import db
from sidebar.models import ArchiveMessage, ChatTagCitation, ChatTagRule, Customer, CustomerTag, Tag, utcnow
from tests.archive.test_pull import say, text
from tests.web.admin.test_console import csrf_token, qr_sign_in
from tests.web.sidebar.test_customers import customer_of

SAMPLE = json.loads((Path(__file__).parent / "chat_tag_sample.json").read_text())


def test_precision_on_the_labelled_sample_is_at_least_nine_in_ten():
    tagged = right = wanted = found_wanted = 0
    for item in SAMPLE["messages"]:
        said = {tag for tag, words in SAMPLE["rules"].items() if chat_tags.mention(item["text"], words)}
        labels = set(item["tags"])
        tagged += len(said)
        right += len(said & labels)
        wanted += len(labels)
        found_wanted += len(said & labels)
    precision, recall = right / tagged, found_wanted / wanted
    print(
        f"chat tags on {len(SAMPLE['messages'])} labelled messages: precision {precision:.2f}, recall {recall:.2f}"
    )
    assert precision >= 0.9 and recall >= 0.8


def test_a_customer_who_says_a_keyword_is_tagged_citing_the_message(seeded, emulator):
    ext = customer_of("chenjing").external_userid
    with seeded.app_context():
        tag = db.session.scalar(select(Tag).where(Tag.is_local.is_(False)).order_by(Tag.id.desc()))
        customer = db.session.scalar(select(Customer).where(Customer.external_userid == ext))
        db.session.execute(CustomerTag.__table__.delete().where(CustomerTag.customer_id == customer.id,
                                                                CustomerTag.tag_id == tag.id))  # fmt: skip
        db.session.add(ChatTagRule(name="孕期", tag_id=tag.id, keywords="怀孕\n孕期\n备孕", active=True))
        db.session.commit()
        tag_id, customer_id = tag.id, customer.id
    say(emulator, "customer", text("我不在孕期"), ext=ext)  # negated: nothing
    say(emulator, "member", text("孕期也可以用的"), ext=ext)  # the guide's words: nothing
    say(emulator, "customer", text("其实我在备孕，想换温和的"), ext=ext)
    with seeded.app_context():
        pull.pull(now=utcnow())
        row = db.session.get(CustomerTag, (customer_id, tag_id))
        assert row is not None and row.source == "chat" and row.sync_op == "add"  # WeCom will be told
        cited = db.session.get(ChatTagCitation, (customer_id, tag_id))
        assert cited.keyword == "备孕"
        assert db.session.get(ArchiveMessage, cited.message_id).summary == "其实我在备孕，想换温和的"


def test_rules_are_made_in_the_console_and_their_tags_cite_the_message(seeded, client, emulator):
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/archive/tag-rules")
    with seeded.app_context():
        tag_id = db.session.scalar(select(Tag.id).where(Tag.is_local.is_(False)).order_by(Tag.id.desc()))
    bad = client.post("/admin/archive/tag-rules", data={"csrf_token": token, "name": "送礼", "tag_id": str(tag_id),
                                                         "keywords": "送"})  # fmt: skip
    assert bad.status_code == 422 and 'data-testid="error-keywords"' in bad.get_data(as_text=True)
    made = client.post("/admin/archive/tag-rules", data={"csrf_token": token, "name": "送礼", "tag_id": str(tag_id),
                                                          "keywords": "送人\n礼盒"})  # fmt: skip
    assert made.status_code == 303
    say(emulator, "customer", text("想买个礼盒送人"), ext=customer_of("chenjing").external_userid)
    with seeded.app_context():
        pull.pull(now=utcnow())
    page = client.get("/admin/archive/tag-rules").get_data(as_text=True)
    assert page.count('data-testid="chat-tag-citation"') == 1 and "想买个礼盒送人" in page
