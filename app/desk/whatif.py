"""What-if (测算) for a supervisor: the year replayed under a draft policy file, and its XLSX
and PDF written to a folder. Read only: nothing in the store changes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.whatif import WhatIf
    from db import Store


class WhatIfDesk:
    store: Store

    def what_if(self, draft_file: str | Path, year: int) -> WhatIf:
        """``FieldError`` (field ``policy_file``) for a draft that does not load."""
        from app.errors import FieldError
        from app.paths import why_unreadable
        from app.policy import PolicyLoadError
        from app.policy.loader import load_draft_file
        from app.whatif import replay_year

        self.act_as("supervisor", "政策测算")
        try:
            draft = load_draft_file(Path(draft_file))
        except PolicyLoadError as exc:
            raise FieldError("policy_file", str(exc), "政策草案文件") from None
        except OSError as exc:
            raise FieldError("policy_file", why_unreadable(exc), "政策草案文件") from None
        return replay_year(self.store, draft, year)

    def save_what_if(self, run: WhatIf, folder: str | Path) -> tuple[Path, Path]:
        """what-if.xlsx and what-if.pdf in ``folder``, each written whole or not at all."""
        from app.whatif import write_reports

        return write_reports(run, folder)
