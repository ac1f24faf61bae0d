"""``python -m app print slip|referral|application|materials``: a stored case's paper, as a PDF.

Every document is rebuilt from the store. A slip's print is kept in the audit trail, so the
next print of the same slip is marked 补打 with its count. ``--preview`` makes the page the
window previews (预览 across it, no barcode) and records nothing; a slip's ``--out`` ending in
``.png`` writes its pages as 150 dpi images rendered in this process (as the window does).
The other forms are printed only where the case's policy lists them (``[[versions.paper]]``);
otherwise the command says so and exits 1.
"""

import argparse
import sys
from pathlib import Path

from app.commands.common import add_db_option
from app.commands.signin import add_account_options
from app.paths import write_whole
from app.printing.paper_sizes import DEFAULT_PAPER, SLIP_PAPERS
from app.printing.records import SLIP_COPY_NAMES, slip_copy_label

# ReportLab, the store and the services load only when a print command runs (see
# app/commands/__init__.py: every command module is imported on every start).


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "print", help="打印结算单、转诊单、申请表、材料清单（输出 PDF 文件）"
    )
    kinds = parser.add_subparsers(dest="document", metavar="单据", required=True)

    slip = kinds.add_parser("slip", help="结算单（按结算单号）")
    slip.add_argument("--slip", required=True, metavar="结算单号")
    slip.add_argument(
        "--paper",
        choices=tuple(SLIP_PAPERS),
        default=DEFAULT_PAPER,
        help="；".join(f"{name}：{label}" for name, label in SLIP_PAPERS.items())
        + f"（默认 {DEFAULT_PAPER}）",
    )
    slip.add_argument(
        "--copies",
        default="patient,hospital",
        type=_copies,
        help="联次及顺序，逗号分隔："
        + "、".join(f"{copy}（{slip_copy_label(copy)}）" for copy in SLIP_COPY_NAMES),
    )
    slip.add_argument(
        "--preview", action="store_true", help="仅预览：印有“预览”、不含条码，不计入打印次数"
    )
    add_account_options(slip)  # a print is recorded: by the signed-in account
    slip.add_argument("--clerk", dest="user", help=argparse.SUPPRESS)  # the older name
    slip.set_defaults(func=run_slip)

    for name, help_text, func in (
        ("referral", "转诊单；政策不印转诊单而印材料清单的，打印材料清单。按住院号", run_referral),
        ("application", "救助申请表（政策规定的，年底救助对象），按住院号", run_form),
        ("materials", "转诊或区外就医材料清单（政策规定的），按住院号", run_form),
    ):
        case = kinds.add_parser(name, help=help_text)
        case.add_argument("--case", required=True, metavar="住院号")
        case.add_argument("--site", metavar="站点代码", help="住院号在多个站点重复时指定")
        case.set_defaults(func=func)

    for name, kind in kinds.choices.items():
        out_help = "输出的 PDF 文件"
        if name == "slip":
            out_help += "；以 .png 结尾时输出 150 dpi 页面图像（多页时为 FILE-1.png、FILE-2.png…）"
        kind.add_argument("--out", required=True, metavar="FILE.pdf", help=out_help)
        add_db_option(kind)


def _copies(text: str) -> tuple[str, ...]:
    copies = tuple(part.strip() for part in text.split(",") if part.strip())
    if not copies or any(copy not in SLIP_COPY_NAMES for copy in copies):
        raise argparse.ArgumentTypeError("应为 patient、hospital 中的一个或两个，逗号分隔")
    return copies


PNG_DPI = 150


def _write(out: str, pdf: bytes) -> None:
    path = Path(out)
    if path.suffix.lower() == ".png":
        _write_png_pages(path, pdf)
        return
    write_whole(path, pdf)


def _write_png_pages(path: Path, pdf: bytes) -> None:
    """The pages as PNG images: FILE.png for one page, FILE-1.png, FILE-2.png … for more."""
    from app.printing.raster import png_bytes, render_pages

    pages = render_pages(pdf, PNG_DPI)
    for number, page in enumerate(pages, 1):
        target = path if len(pages) == 1 else path.with_name(f"{path.stem}-{number}.png")
        write_whole(target, png_bytes(page, PNG_DPI))


def _print_document(args: argparse.Namespace, make, *, recorded: bool = False) -> int:
    """Open the store, ``make(session) -> (pdf, after, message)``, write the file, then
    run ``after(store)`` (recording a print) and say what was written. Refusals exit 1.
    A ``recorded`` print runs as a signed-in account (``args.clerk`` is set to it)."""
    from app.commands.signin import open_checked, signed_desk
    from app.fonts import MissingGlyphError
    from app.services import ServiceError
    from app.services.access import CLERK

    store = open_checked(args.db)
    if store is None:
        return 3
    from app.printing.from_store import store_pages

    if recorded:
        desk = signed_desk(store, args, CLERK, "打印结算单", clerk="命令行")
        if desk is None:
            store.close()
            return args.refused
        args.clerk = desk.clerk
    try:
        with store.read() as session, store_pages(store):
            pdf, after, message = make(session)
        _write(args.out, pdf)
        after(store)
    except (ServiceError, MissingGlyphError, OSError) as exc:
        print(f"未能打印：{exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"{message}已输出：{args.out}")
    return 0


def _nothing_after(store) -> None:
    pass


def run_slip(args: argparse.Namespace) -> int:
    from app.printing import from_store
    from app.printing.slip import render_slip

    def make(session):
        data = from_store.slip_data(session, args.slip)
        pdf = render_slip(data, paper=args.paper, copies=args.copies, preview=args.preview)

        def record(store) -> None:
            if not args.preview:
                from_store.record_print(
                    store, data.slip_number, clerk=args.clerk, paper=args.paper, copies=args.copies
                )

        mark = f"（补打第 {data.reprint_count} 次）" if data.reprint_count else ""
        return pdf, record, f"结算单 {data.slip_number}{mark} "

    return _print_document(args, make, recorded=not args.preview)


def run_referral(args: argparse.Namespace) -> int:
    from app.printing.forms import FORMS, print_referral_paperwork

    def make(session):
        name, pdf = print_referral_paperwork(session, args.case, site_code=args.site)
        return pdf, _nothing_after, f"住院号 {args.case} 的{FORMS[name].title}"

    return _print_document(args, make)


def run_form(args: argparse.Namespace) -> int:
    """``print application`` / ``print materials``: the form named by the subcommand."""
    from app.printing.forms import FORMS, print_form

    def make(session):
        pdf = print_form(session, args.document, args.case, site_code=args.site)
        return pdf, _nothing_after, f"住院号 {args.case} 的{FORMS[args.document].title}"

    return _print_document(args, make)
