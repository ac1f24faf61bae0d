"""bench/sync.py runs end to end on a few cases (its timings are printed, never asserted)."""

from tests.bench_run import run_bench


def test_sync_benchmark_runs_small():
    out = run_bench("sync.py", "--cases", "20")
    assert "built 20 discharge cases" in out
    for label in ("sync (pack", "plain file copy", "central ingest into", "plain bulk INSERT"):
        assert label in out
    assert "ratio: sync takes" in out
