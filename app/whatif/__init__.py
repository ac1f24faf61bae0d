"""What-if for the next policy: every settlement of a year settled again under a draft policy
file, in order, each with the year-to-date the draft itself would have made; nothing in the
store changes. ``replay`` computes, ``report_xlsx`` and ``report_pdf`` write it down."""

from pathlib import Path

from app.paths import write_whole
from app.vocabulary import FUND_NAMES
from app.whatif.replay import CaseChange, Side, WhatIf, replay_year

__all__ = ["CaseChange", "Side", "WhatIf", "replay_year", "summary_lines", "write_reports"]


def summary_lines(run: WhatIf, changes: int = 10) -> list[str]:
    """The year's totals in words, as the command prints them and the window shows them."""
    lines = [
        f"{run.year} 年 {run.policy_title}：{len(run.cases)} 笔结算按草案重算（数据库不作改动）",
        f"救助合计：现行 {run.today.assistance} 元，草案 {run.draft.assistance} 元，"
        f"差额 {run.difference:+} 元",
    ]
    for fund, name in FUND_NAMES.items():
        today, drafted = run.today.by_fund.get(fund), run.draft.by_fund.get(fund)
        if today or drafted:
            lines.append(f"  其中 {name}：现行 {today} 元，草案 {drafted} 元")
    lines += [
        f"患者自付合计：现行 {run.today.patient_pays} 元，草案 {run.draft.patient_pays} 元",
        f"达到封顶线人数：现行 {len(run.today.capped)} 人，草案 {len(run.draft.capped)} 人",
    ]
    largest = run.largest_changes(changes)
    if largest:
        lines.append("变化最大的结算：")
        lines += [
            f"  {c.slip_number} {c.person_name}：{c.today} → {c.draft}（{c.difference:+}）"
            for c in largest
        ]
    return lines


def write_reports(run: WhatIf, folder: str | Path) -> tuple[Path, Path]:
    """what-if.xlsx and what-if.pdf in ``folder``, each written whole or not at all."""
    from app.whatif.report_pdf import whatif_pdf
    from app.whatif.report_xlsx import whatif_xlsx

    folder = Path(folder)
    return (
        write_whole(folder / "what-if.xlsx", whatif_xlsx(run)),
        write_whole(folder / "what-if.pdf", whatif_pdf(run)),
    )
