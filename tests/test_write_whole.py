"""``app.paths.write_whole``: the file is whole or absent, and writers never share a half."""

import threading

from app.paths import write_whole


def test_two_writers_at_once_each_leave_a_whole_file_and_no_half(tmp_path):
    target = tmp_path / "claimed.json"
    blobs = [bytes([n]) * 200_000 for n in (1, 2)]
    failures = []

    def write(blob: bytes) -> None:
        try:
            for _ in range(30):
                write_whole(target, blob)
        except OSError as exc:  # one renamed the other's half away: the old shared name
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(blob,)) for blob in blobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert target.read_bytes() in blobs
    assert [p.name for p in tmp_path.iterdir()] == ["claimed.json"]
