"""bench/bundle.py runs end to end on a few cases, every step included (its timings are
printed, never asserted): a step that patches what the export calls breaks loudly here."""

from tests.bench_run import run_bench


def test_bundle_benchmark_runs_small():
    out = run_bench("bundle.py", "--cases", "4", "--repeats", "1")
    assert "bundle: 4 cases" in out
    for label in ("export-bundle (folder)", "export-bundle, no sync", "shutil.copytree"):
        assert label in out
    assert "ratio: folder export takes" in out
    assert "folder export / copytree in each round: " in out
