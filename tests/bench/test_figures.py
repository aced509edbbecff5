"""The benchmark's arithmetic: percentiles, spreads, token estimates, ratios and target verdicts, and
how our arguments are renamed for the peer. Pure functions: no processes, no network."""

from __future__ import annotations

import pytest

from bench.mapping import PeerTool
from bench.ratios import TARGETS, judge
from bench.stats import percentile, spread, summarize
from bench.tokens import estimate_tokens, word_pieces


def test_percentile_interpolates_between_closest_ranks() -> None:
    samples = [4.0, 1.0, 3.0, 2.0]
    assert percentile(samples, 50) == 2.5
    assert percentile(samples, 0) == 1.0
    assert percentile(samples, 100) == 4.0
    assert percentile(samples, 90) == pytest.approx(3.7)


def test_summaries_of_nothing_are_empty_not_errors() -> None:
    assert summarize([])["p50"] is None
    assert spread([])["median"] is None


def test_spread_reports_the_median_range_and_iqr_of_rounds() -> None:
    result = spread([10.0, 30.0, 20.0, 40.0, 50.0])
    assert (result["median"], result["min"], result["max"], result["iqr"]) == (30.0, 10.0, 50.0, 20.0)


def test_token_estimate_is_utf8_bytes_over_four_rounded_up() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abcd") == 1
    assert estimate_tokens("abcde") == 2
    assert estimate_tokens("é" * 2) == 1  # four UTF-8 bytes


def test_word_pieces_count_words_numbers_and_punctuation() -> None:
    assert word_pieces('{"page_size": 20}') == 9  # { " page _ size " : 20 }


def test_every_target_gets_a_verdict_and_a_missing_ratio_is_not_measured() -> None:
    ratios = {name: (limit - 0.1 if op == "<=" else limit + 0.1) for name, op, limit in TARGETS}
    assert all(v["met"] for v in judge(ratios))
    ratios["throughput_32_ours_over_peer"] = 1.0
    del ratios["cold_start_ours_over_peer"]
    verdicts = {v["ratio"]: v["met"] for v in judge(ratios)}
    assert verdicts["throughput_32_ours_over_peer"] is False
    assert verdicts["cold_start_ours_over_peer"] is None


def test_peer_arguments_take_wire_names_and_body_fields_nest_under_body() -> None:
    tool = PeerTool(
        "create_agent_profile", {"page_size": "pageSize", "name": "body.name", "persona": "body.persona"}
    )
    assert tool.translate({"page_size": 20, "name": "n", "persona": "p", "other": 1}) == {
        "pageSize": 20,
        "body": {"name": "n", "persona": "p"},
        "other": 1,
    }
