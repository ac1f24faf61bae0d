"""``manifest.json``: every file of a bundle with its SHA-256 and size, the settlements it
claims (voided ones marked) and the totals; and the check of a bundle against it, which the
receiving bureau runs as ``python -m app verify-bundle PATH``."""

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath

from app.bundle.cases import BundleCase, Totals
from app.bundle.contents import Content, SourceFile, content_of
from app.bundle.report_xlsx import FUND_COLUMN, TOTALS_LABEL, read_detail, read_detail_totals
from app.vocabulary import FUND_NAMES

FORMAT = "one-stop-claim-bundle/1"
MANIFEST = "manifest.json"
REPORT_XLSX = "report.xlsx"
REPORT_PDF = "report.pdf"
# The PDF's detail columns (its last four amounts) and the XLSX columns they show.
PDF_DETAIL_COLUMNS = ("医疗总费用", "救助基数", "救助金额", "医院垫付（申报）")
# Column titles of a detail row that must agree with the manifest's settlement.
SETTLEMENT_COLUMNS = {
    "救助金额": "assistance",
    "窗口支付合计": "paid_at_window",
    "医院减免": "hospital_reduction",
    "医院垫付（申报）": "advanced",
}
# Column titles of the report's totals row that must agree with the manifest's totals.
TOTAL_COLUMNS = {
    "医疗总费用": "total",
    "救助基数": "base",
    "救助金额": "assistance",
    "窗口支付合计": "paid_at_window",
    "医院减免": "hospital_reduction",
    "医院垫付（申报）": "advanced",
}


def file_entry(path: str, data: Content) -> dict:
    if isinstance(data, SourceFile):  # kept under its hash: checked when it is copied
        return {"path": path, "sha256": data.sha256, "size": data.size}
    data = content_of(data)
    return {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def build_manifest(
    header: Mapping, files: Mapping[str, Content], cases: list[BundleCase], grand: Totals
) -> dict:
    return {
        "format": FORMAT,
        **header,
        "totals": grand.to_json(),
        "settlements": [
            {
                "slip_number": case.slip_number,
                "voided": case.voided,
                "assistance": str(case.amounts["assistance"]),
                "paid_at_window": str(case.amounts["paid_at_window"]),
                "hospital_reduction": str(case.amounts["hospital_reduction"]),
                "advanced": str(case.amounts["advanced"]),
                "by_fund": {fund: str(amount) for fund, amount in case.funds},
                "paper_copies": list(case.paper_copies),
            }
            for case in cases
        ],
        "files": [file_entry(path, data) for path, data in sorted(files.items())],
    }


def manifest_bytes(manifest: Mapping) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


@dataclass(frozen=True)
class Verification:
    problems: tuple[str, ...]
    files_checked: int

    @property
    def ok(self) -> bool:
        return not self.problems


class FolderBundle:
    def __init__(self, root: Path):
        self.root = root

    def names(self) -> set[str]:
        return {p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()}

    def read(self, name: str) -> bytes | None:
        path = self.root / PurePosixPath(name)
        return path.read_bytes() if path.is_file() else None


class ZipBundle:
    def __init__(self, path: Path, data: bytes | None = None):
        self.archive = zipfile.ZipFile(io.BytesIO(path.read_bytes() if data is None else data))
        tops = {name.split("/", 1)[0] for name in self.archive.namelist()}
        self.prefix = f"{tops.pop()}/" if len(tops) == 1 else ""

    def names(self) -> set[str]:
        return {n[len(self.prefix) :] for n in self.archive.namelist() if not n.endswith("/")}

    def read(self, name: str) -> bytes | None:
        try:
            return self.archive.read(self.prefix + name)
        except KeyError:
            return None


def open_bundle(path: Path) -> FolderBundle | ZipBundle | None:
    """A reader for a bundle folder or ZIP, or None when ``path`` is neither."""
    if path.is_dir():
        return FolderBundle(path)
    if path.is_file() and zipfile.is_zipfile(path):
        return ZipBundle(path)
    return None


def verify_bundle(path: Path, password: str | None = None) -> Verification:
    """Check every file against the manifest, and the report's totals against the manifest's.

    An encrypted bundle (``.zip.enc``) is opened in memory with ``password``."""
    from app.encryption import EncryptionError, decrypt_file, is_encrypted

    if is_encrypted(path):
        if password is None:
            return Verification(("此申报包已加密：请提供医保局持有的密码（--password-file）",), 0)
        try:
            source = ZipBundle(path, decrypt_file(path, password))
        except (EncryptionError, zipfile.BadZipFile) as exc:
            return Verification((f"无法打开加密申报包：{exc}",), 0)
    else:
        source = open_bundle(path)
    if source is None:
        return Verification((f"不是申报包文件夹或 ZIP 文件：{path}",), 0)
    raw = source.read(MANIFEST)
    if raw is None:
        return Verification((f"缺少 {MANIFEST}",), 0)
    try:
        manifest = json.loads(raw)
        entries = manifest["files"]
    except (ValueError, KeyError):
        return Verification((f"{MANIFEST} 已损坏，无法读取",), 0)
    problems = []
    for entry in entries:
        data = source.read(entry["path"])
        if data is None:
            problems.append(f"缺少文件：{entry['path']}")
        elif len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            problems.append(f"文件已被改动：{entry['path']}")
    listed = {entry["path"] for entry in entries} | {MANIFEST}
    problems += [f"清单外的文件：{name}" for name in sorted(source.names() - listed)]
    problems += _check_slips(manifest, source)
    report = source.read(REPORT_XLSX)
    problems += _check_totals(manifest, report)
    if report is not None:
        problems += _check_detail(manifest, report)
        pdf = source.read(REPORT_PDF)
        if pdf is not None:
            problems += _check_pdf(report, pdf)
    return Verification(tuple(problems), len(entries))


def _check_totals(manifest: Mapping, report: bytes | None) -> list[str]:
    problems = []
    totals = manifest.get("totals", {})
    counted = [s for s in manifest.get("settlements", []) if not s.get("voided")]
    listed_sum = sum((Decimal(s["assistance"]) for s in counted), Decimal(0))
    if Decimal(totals.get("assistance", "0")) != listed_sum or totals.get("count") != len(counted):
        problems.append(
            f"清单合计与逐笔结算不符：合计救助 {totals.get('assistance')}，逐笔相加 {listed_sum}"
        )
    if "by_fund" in totals:
        by_fund = sum((Decimal(v) for v in totals["by_fund"].values()), Decimal(0))
        if by_fund != Decimal(totals.get("advanced", "0")):
            problems.append(
                f"按资金申报合计 {by_fund} 与医院垫付合计 {totals.get('advanced')} 不符"
            )
    if report is None:
        return problems
    try:
        in_report = read_detail_totals(report)
    except (ValueError, KeyError, zipfile.BadZipFile) as exc:
        return [*problems, f"报表 {REPORT_XLSX} 无法读取合计：{exc}"]
    for title, key in TOTAL_COLUMNS.items():
        if title not in in_report and key not in totals:
            continue  # a bundle written before this column existed
        if in_report.get(title) != Decimal(totals.get(key, "0")):
            problems.append(
                f"报表合计与清单不符：{title} 报表为 {in_report.get(title)}，清单为 {totals.get(key)}"
            )
    return problems


def _check_slips(manifest: Mapping, source) -> list[str]:
    """The manifest claims settlements, and every one has its slip, listed and present."""
    problems = []
    if not manifest.get("settlements"):
        problems.append("申报包中没有任何结算（空申报期）")
    listed = {entry["path"] for entry in manifest.get("files", [])}
    for settlement in manifest.get("settlements", []):
        slip = settlement.get("slip_number")
        path = f"cases/{slip}/slip.pdf"
        if path not in listed or source.read(path) is None:
            problems.append(f"缺少结算单：清单中的结算 {slip} 没有 {path}")
    return problems


def _check_detail(manifest: Mapping, report: bytes) -> list[str]:
    """The report's detail rows add up to its totals row, and are the manifest's settlements
    with the manifest's amounts."""
    try:
        detail = read_detail(report)
    except (ValueError, KeyError, IndexError, zipfile.BadZipFile) as exc:
        return [f"报表 {REPORT_XLSX} 无法读取明细：{exc}"]
    problems = []
    for title, total in detail.totals.items():
        added = sum((row[title] for _, voided, row in detail.rows if not voided), Decimal(0))
        if added != total:
            problems.append(
                f"报表明细逐行相加与合计行不符：{title} 逐行相加 {added}，合计行 {total}"
            )
    rows = {slip: (voided, amounts) for slip, voided, amounts in detail.rows}
    if len(rows) != len(detail.rows):
        problems.append("报表明细中有重复的结算单号")
    settlements = {s.get("slip_number"): s for s in manifest.get("settlements", [])}
    problems += [f"报表明细缺少清单中的结算：{slip}" for slip in settlements if slip not in rows]
    problems += [f"报表明细有清单外的结算：{slip}" for slip in rows if slip not in settlements]
    for slip, settlement in settlements.items():
        if slip not in rows:
            continue
        voided, amounts = rows[slip]
        if voided != bool(settlement.get("voided")):
            problems.append(f"报表明细与清单不符：结算单 {slip} 的作废状态不同")
        expected = {title: settlement.get(key, "0") for title, key in SETTLEMENT_COLUMNS.items()}
        for fund, amount in settlement.get("by_fund", {}).items():
            expected[FUND_COLUMN.format(FUND_NAMES.get(fund, fund))] = amount
        for title, value in expected.items():
            if title in amounts and amounts[title] != Decimal(value):
                problems.append(
                    f"报表明细与清单不符：结算单 {slip} {title} 报表为 {amounts[title]}，清单为 {value}"
                )
    return problems


def _pdf_lines(pdf: bytes) -> list[str]:
    """The report PDF's text, line by line (PDFium, a runtime dependency already)."""
    import pypdfium2

    from app.printing.raster import _PDFIUM  # PDFium is used by one thread at a time

    with _PDFIUM:
        document = pypdfium2.PdfDocument(pdf)
        try:
            text = []
            for page in document:
                textpage = page.get_textpage()
                text.append(textpage.get_text_range())
                textpage.close()
                page.close()
        finally:
            document.close()
    return [line.strip() for chunk in text for line in chunk.splitlines() if line.strip()]


def _check_pdf(report: bytes, pdf: bytes) -> list[str]:
    """The report PDF shows the XLSX's settlements with the same amounts, and its totals rows
    (合计（不含作废）) are the XLSX's totals row."""
    try:
        detail = read_detail(report)
        lines = _pdf_lines(pdf)
    except Exception as exc:  # a PDF PDFium cannot open is a problem to report, not a crash
        return [f"报表 {REPORT_PDF} 无法读取：{exc}"]
    rows = {slip: amounts for slip, _, amounts in detail.rows}
    problems = []
    shown: dict[str, dict[str, Decimal]] = {}
    totals_rows = []
    for line in lines:
        words = line.split()
        try:
            if len(words) >= 6 and words[0].isdigit() and words[1] in rows:
                shown[words[1]] = dict(
                    zip(PDF_DETAIL_COLUMNS, map(Decimal, words[-5:-1]), strict=True)
                )
            elif words[0] == TOTALS_LABEL and len(words) == 6:
                totals_rows.append(
                    dict(zip(PDF_DETAIL_COLUMNS, map(Decimal, words[2:]), strict=True))
                )
        except ArithmeticError:
            continue
    problems += [
        f"报表 PDF 与 XLSX 不符：PDF 缺少结算单 {slip}" for slip in rows if slip not in shown
    ]
    for slip, amounts in shown.items():
        for title, value in amounts.items():
            if rows[slip].get(title) != value:
                problems.append(
                    f"报表 PDF 与 XLSX 不符：结算单 {slip} {title} PDF 为 {value}，XLSX 为 {rows[slip].get(title)}"
                )
    if not totals_rows:
        problems.append(f"报表 PDF 与 XLSX 不符：PDF 缺少{TOTALS_LABEL}行")
    for amounts in totals_rows:
        for title, value in amounts.items():
            problem = (
                f"报表 PDF 与 XLSX 不符：{TOTALS_LABEL}{title} PDF 为 {value}，"
                f"XLSX 为 {detail.totals.get(title)}"
            )
            if detail.totals.get(title) != value and problem not in problems:
                problems.append(problem)
    return problems
