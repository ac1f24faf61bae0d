"""Drafts of forms being typed, kept on disk so a crash or power cut loses nothing typed.

One small JSON file per open form under ``<data dir>/drafts/``; written whole to a temporary
file and renamed over the old one, so a draft on disk is always either the old or the new one.
"""

import os
import tempfile
from pathlib import Path

# The admission form's draft: the main window looks for it after sign-in without importing
# the form (issue 18, point 5). ``json`` is imported by save and load, not before the main
# window (which imports this module) shows (issue 18, point 1).
REGISTRATION_DRAFT = "registration"


class DraftBox:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in key)
        return self.folder / f"{safe}.json"

    def save(self, key: str, fields: dict[str, object]) -> None:
        import json

        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".draft-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(fields, stream, ensure_ascii=False)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self._path(key))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def keep(self, key: str, fields: dict[str, object] | None) -> None:
        """Save the form's fields, or with None (nothing typed) forget its draft."""
        if fields is None:
            self.discard(key)
        else:
            self.save(key, fields)

    def load(self, key: str) -> dict[str, object] | None:
        import json

        path = self._path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def discard(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(path.stem for path in self.folder.glob("*.json"))
