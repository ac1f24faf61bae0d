"""What-if for the next policy: every settlement of a year settled again under a draft policy
file, in order, each with the year-to-date the draft itself would have made; nothing in the
store changes. ``replay`` computes, ``report_xlsx`` and ``report_pdf`` write it down."""

from app.whatif.replay import CaseChange, Side, WhatIf, replay_year

__all__ = ["CaseChange", "Side", "WhatIf", "replay_year"]
