"""Reply help: learnt from the demo archive's history (guides answering questions with scripts, the
customer answering back), measured on held-out questions against the three most used scripts, and shown
above the scripts tab for the customer's latest question."""

from __future__ import annotations

import requests
from sqlalchemy import func, select

from sidebar.archive import pull
from sidebar.demo import reply_history
from sidebar.extensions import db
from sidebar.models import ReplyExample, Staff, utcnow
from tests.archive.test_pull import say, text
from tests.sidebar_helpers import sign_in


def _learn(seeded, emulator) -> None:
    loaded = requests.post(emulator.url + "/_emulator/archive/history", timeout=10).json()["messages"]
    history, _ = reply_history.split()
    assert loaded == 3 * len(history)
    with seeded.app_context():
        pull.pull(now=utcnow())
        answered = select(func.count()).select_from(ReplyExample).where(ReplyExample.answered)
        assert db.session.scalar(answered) == len(history)  # every script reply recognised and answered


def test_reply_help_beats_the_most_used_scripts_on_held_out_questions(seeded, emulator):
    _learn(seeded, emulator)
    with seeded.app_context():
        chenjing = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))
        hit, baseline, n = reply_history.measure(chenjing)
    print(
        f"reply help hit@3 {hit:.2f} vs the three most used scripts {baseline:.2f} on {n} held-out questions"
    )
    assert hit >= 0.8 and hit >= baseline + 0.4


def test_the_sidebar_suggests_scripts_for_the_customers_latest_question(seeded, client, emulator):
    _learn(seeded, emulator)
    ext = requests.get(emulator.url + "/_emulator/archive", timeout=5).json()[0]["from"]  # one of chenjing's
    say(emulator, "customer", text("请问敏感皮能用你们那款精华吗，怕刺激"), ext=ext)
    with seeded.app_context():
        pull.pull(now=utcnow())
    sign_in(client, "chenjing")
    page = client.get(f"/sidebar/customers/{ext}/scripts").get_data(as_text=True)
    shown = page[page.index('data-testid="suggested"') :]
    assert shown.count('data-testid="suggested-script"') == 3
    first = shown[shown.index('data-testid="suggested-script"') :]
    assert "敏感肌精华" in first[: first.index("</li>")]  # the best answer first
    # Once the guide has answered, there is nothing to suggest.
    say(emulator, "member", text("可以的，先在耳后试用"), ext=ext)
    with seeded.app_context():
        pull.pull(now=utcnow())
    assert 'data-testid="suggested"' not in client.get(f"/sidebar/customers/{ext}/scripts").get_data(
        as_text=True
    )
