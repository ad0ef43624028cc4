"""The WeCom client against the emulator: shared tokens, one refetch, bounded failure, backoff."""

from __future__ import annotations

import threading
import time

import pytest

from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom


def test_two_app_instances_sharing_the_database_fetch_the_token_once(app, another_app, emulator):
    other = another_app()  # a second worker: its own process state, the same database
    errors: list[Exception] = []

    def work(application, n: int) -> None:
        try:
            with application.app_context():
                for _ in range(n):
                    wecom().get("user/get", params={"userid": "chenjing"})
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(a, 5)) for a in (app, other, app, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert len(emulator.calls("gettoken")) == 1
    assert len(emulator.calls("user/get")) == 20


def test_an_expired_token_is_refetched_exactly_once_and_the_call_succeeds(ctx, emulator):
    # WeCom expires the token after 1 s while telling the client it lasts two hours.
    emulator.configure(token_lifetime=1, announced_lifetime=7200)
    client = wecom()
    assert client.get("user/get", params={"userid": "lina"})["name"] == "李娜"
    emulator.configure(token_lifetime=7200)
    time.sleep(1.1)
    assert client.get("user/get", params={"userid": "lina"})["userid"] == "lina"
    answers = [c["errcode"] for c in emulator.calls("user/get")]
    assert answers == [0, 42001, 0]
    assert len(emulator.calls("gettoken")) == 2
    # The fresh token is cached for everyone: the next call fetches nothing.
    client.get("user/get", params={"userid": "lina"})
    assert len(emulator.calls("gettoken")) == 2


def test_a_server_that_always_answers_40014_gives_a_clear_error_after_a_bounded_number_of_calls(
    ctx, emulator
):
    emulator.configure(always_error={"*": 40014})
    with pytest.raises(WeComError) as caught:
        wecom().get("user/get", params={"userid": "lina"})
    assert caught.value.errcode == 40014
    assert "40014" in str(caught.value)
    assert len(emulator.calls("user/get")) == 2  # the call and its one retry with a fresh token
    assert len(emulator.calls("gettoken")) == 2


def test_a_job_waits_out_a_rate_limit_window_and_then_succeeds(ctx, emulator):
    # Three calls a second; a job (no one waiting) sleeps the window (0.5 s in tests) and tries again.
    emulator.configure(rate_limit=3, rate_window=1.0)
    started = time.monotonic()
    names = [wecom().get("user/get", params={"userid": "chenjing"})["name"] for _ in range(4)]
    assert names == ["陈静"] * 4
    answers = [c["errcode"] for c in emulator.calls("user/get")]
    assert 45009 in answers
    assert answers[-1] == 0
    # It waited out the window rather than hammering WeCom.
    assert time.monotonic() - started >= 0.5


def test_rate_limit_that_never_lifts_ends_in_an_error_not_a_loop(ctx, emulator):
    from sidebar.wecom.errors import WeComRateLimited

    emulator.configure(always_error={"user/get": 45009})
    with pytest.raises(WeComRateLimited) as caught:
        wecom().get("user/get", params={"userid": "chenjing"})
    assert caught.value.errcode == 45009
    assert len(emulator.calls("user/get")) == 1 + 3  # the call and the configured three retries


def test_a_person_waiting_is_told_of_a_rate_limit_at_once_and_the_block_is_remembered(app, emulator):
    """Doc 90313: a 45009 block lasts its limit's window. Someone waiting is not kept 7 s in backoffs,
    and the next request within the window does not call WeCom at all."""
    from sidebar.wecom.errors import WeComRateLimited

    emulator.configure(queued_errors={"user/get": [45033]})
    with app.test_request_context("/"):
        started = time.monotonic()
        with pytest.raises(WeComRateLimited) as caught:
            wecom().get("user/get", params={"userid": "chenjing"})
        assert time.monotonic() - started < 0.4
        assert "minute" in caught.value.in_words() or "分钟" in caught.value.in_words()
        with pytest.raises(WeComRateLimited):
            wecom().get("user/get", params={"userid": "chenjing"})
    assert len(emulator.calls("user/get")) == 1  # the second never reached WeCom
    time.sleep(0.55)  # the window (0.5 s in tests) has passed
    with app.test_request_context("/"):
        assert wecom().get("user/get", params={"userid": "chenjing"})["name"] == "陈静"


def test_system_busy_is_retried(ctx, emulator):
    emulator.configure(queued_errors={"user/get": [-1, -1]})
    assert wecom().get("user/get", params={"userid": "chenjing"})["name"] == "陈静"
    assert [c["errcode"] for c in emulator.calls("user/get")] == [-1, -1, 0]


def test_system_busy_that_lasts_ends_after_three_retries(ctx, emulator):
    emulator.configure(always_error={"user/get": -1})
    with pytest.raises(WeComError) as caught:
        wecom().get("user/get", params={"userid": "chenjing"})
    assert caught.value.errcode == -1
    assert len(emulator.calls("user/get")) == 4


def test_other_errors_surface_with_their_errcode(ctx, emulator):
    with pytest.raises(WeComError) as caught:
        wecom().get("user/get", params={"userid": "nobody"})
    assert caught.value.errcode == 60111


def test_an_unreachable_wecom_is_a_clear_error(app, another_app):
    from sidebar.wecom.errors import WeComUnavailable
    from tests.conftest import free_port

    app = another_app(WECOM_API_BASE=f"http://127.0.0.1:{free_port()}/cgi-bin/", WECOM_HTTP_TIMEOUT=2)
    with app.app_context(), pytest.raises(WeComUnavailable):
        wecom().get("user/get", params={"userid": "lina"})


def test_tickets_are_cached_per_kind(ctx, emulator):
    client = wecom()
    corp, agent = client.corp_ticket(), client.agent_ticket()
    assert corp != agent
    assert client.corp_ticket() == corp and client.agent_ticket() == agent
    assert len(emulator.calls("get_jsapi_ticket")) == 1
    assert len(emulator.calls("ticket/get")) == 1


def test_cache_keys_separate_apps_of_one_corp(ctx):
    from sidebar.wecom.gateway import gateway
    from sidebar.wecom.tokens import CredentialCache

    store = gateway().store
    a = CredentialCache(store, "wwcorp", "1000002", "secret-a", 300)
    b = CredentialCache(store, "wwcorp", "1000003", "secret-b", 300)
    assert a.prefix != b.prefix
    assert "secret" not in a.prefix
    assert a.get("access_token", lambda: ("A", 7200)) == "A"
    assert b.get("access_token", lambda: ("B", 7200)) == "B"
