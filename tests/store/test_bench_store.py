"""bench/store.py runs end to end on a small store (its timings are printed, never asserted)."""

from tests.bench_run import run_bench


def test_store_benchmark_runs_small(tmp_path):
    out = run_bench(
        "store.py", "--people", "300", "--lookups", "20", "--db", str(tmp_path / "bench.sqlite3")
    )
    assert "people 300," in out
    for label in ("find by ID number", "find by name", "find by admission number", "year-to-date"):
        assert label in out
    assert "ix_person_name" in out  # the name search uses its index
