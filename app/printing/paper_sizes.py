"""The paper a settlement slip prints on, by name: the names the command line, the settings and
the print preview offer, and each sheet's size in millimetres.

Nothing heavy is imported here (no ReportLab): the command line's ``--paper`` and the window's
paper lists read it on every start.
"""

# name -> what the clerk reads in the paper lists
SLIP_PAPERS = {
    "A4": "A4 横向（两联并排）",
    "A5": "A5（每联一页）",
    "241x140": "241×140 mm 连续纸（每联一页）",
    "241x279": "241×279 mm 连续纸（两联上下）",
}
# name -> (width, height) of the sheet in mm, as it lies under the print head
SHEET_MM = {
    "A4": (297, 210),
    "A5": (148, 210),
    "241x140": (241, 140),
    "241x279": (241, 279),
}
DEFAULT_PAPER = "A4"
# No ink nearer than this to any edge of any sheet (printers cannot reach the edge, and a
# slip cut from continuous paper loses some of it).
MARGIN_MM = 5


def paper_problem(name: str) -> str | None:
    """Why ``name`` is not a slip paper (the names accepted, in Chinese), or None."""
    if name in SLIP_PAPERS:
        return None
    return "应为 " + "、".join(SLIP_PAPERS) + f"：{name}"
