"""The poller's watchlist: keys are held per subscription and forgotten with the last one."""

from __future__ import annotations

from server.live.poller import Watchlist


def test_a_key_is_forgotten_when_its_last_subscription_is_released() -> None:
    watchlist = Watchlist()
    first = watchlist.hold("s1", "key-a", "scheduled")
    second = watchlist.hold("s1", "key-a", "scheduled")
    first()
    first()  # releasing twice counts once
    assert watchlist.keys_held() == 1
    second()
    assert watchlist.keys_held() == 0 and "s1" not in watchlist


def test_due_sessions_rotate_so_every_watched_session_is_polled_within_the_bound() -> None:
    watchlist = Watchlist()
    for n in range(5):
        watchlist.hold(f"s{n}", "key", None)
    rounds = [[session for session, _ in watchlist.due(2)] for _ in range(3)]
    assert rounds == [["s0", "s1"], ["s2", "s3"], ["s4", "s0"]]


def test_a_change_is_reported_only_after_a_first_observation() -> None:
    watchlist = Watchlist()
    watchlist.hold("s1", "key", None)
    assert watchlist.observe("s1", "scheduled") is False
    assert watchlist.observe("s1", "scheduled") is False
    assert watchlist.observe("s1", "in_progress") is True


def test_a_key_that_lost_access_is_not_used_again_for_that_session() -> None:
    watchlist = Watchlist()
    watchlist.hold("s1", "revoked", "scheduled")
    watchlist.hold("s1", "good", "scheduled")
    watchlist.revoke("s1", "revoked")
    assert watchlist.due(10) == [("s1", "good")]
