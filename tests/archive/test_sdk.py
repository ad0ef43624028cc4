"""WeCom's own archive library, loaded here through our ctypes binding: ``Init`` succeeds and
``GetChatData`` answers the network error (10001) at once, as it must on a machine that cannot reach
WeCom. A wrong signature or a crash in the binding fails this test (and the whole run)."""

from __future__ import annotations

import platform
import time

import pytest

from sidebar.archive import sdk

pytestmark = pytest.mark.skipif(
    platform.machine() not in sdk.LIBRARIES, reason="WeCom ships the archive SDK for x86-64 and ARM64 only"
)


def test_the_real_library_loads_initialises_and_says_it_cannot_reach_wecom():
    assert sdk.library_path().is_file()
    client = sdk.FinanceSdk("wwbeside0demo0corp", "not-a-real-archive-secret")
    try:
        started = time.monotonic()
        with pytest.raises(sdk.SdkError) as page:
            client.chat_data(0, 10, timeout=3)
        assert page.value.code == 10001 and "网络" in page.value.words
        assert time.monotonic() - started < 5  # no network: at once, not after a hang
        with pytest.raises(sdk.SdkError) as piece:
            client.media_piece("not-a-file-id", "", timeout=3)
        assert piece.value.code != 0
        with pytest.raises(sdk.SdkError):  # a key that opens nothing: refused, not a crash
            client.decrypt("0" * 32, "bm90IGVuY3J5cHRlZA==")
    finally:
        client.close()
    assert client.handle is None
