"""The payment batch (代发清单) for the bank, as XLSX and CSV, written like a bundle.

One row per claim: 序号, 户名, 开户银行, 银行卡号, 金额, 报销单号; then a totals row (笔数 and
金额合计). Card numbers are text cells (a spreadsheet must not turn 19 digits into 6.2E+18);
amounts are numbers with two decimals. Both files go through ``safe_write.write_folder``: a
folder ``代发清单-<number>`` is either whole on the target or absent.
"""

import csv
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from app.bundle.safe_write import write_folder
from app.money import fmt
from app.services.errors import ServiceError
from app.sheet_cells import as_text, csv_row
from db.models import PaymentBatch

HEADERS = ("序号", "户名", "开户银行", "银行卡号", "金额", "报销单号")
TOTAL_LABEL = "合计"


def batch_rows(batch: PaymentBatch) -> list[tuple]:
    return [
        (
            index,
            line.account_name,
            line.bank,
            line.card_number,
            line.amount,
            line.claim.claim_number,
        )
        for index, line in enumerate(batch.lines, start=1)
    ]


def batch_xlsx(batch: PaymentBatch) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "代发清单"
    sheet.append([f"代发清单 {batch.batch_number}"])
    sheet.append(list(HEADERS))
    for row in batch_rows(batch):
        sheet.append(list(row))
        cells = sheet[sheet.max_row]
        for cell in (*cells[1:4], cells[5]):
            as_text(cell)
        cells[4].number_format = "0.00"
    sheet.append([TOTAL_LABEL, f"{batch.count}笔", None, None, batch.total, None])
    sheet[sheet.max_row][4].number_format = "0.00"
    for column, width in zip("ABCDEF", (6, 14, 24, 24, 14, 22), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def batch_csv(batch: PaymentBatch) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for index, name, bank, card, amount, number in batch_rows(batch):
        writer.writerow(csv_row((index, name, bank, card, fmt(amount), number)))
    writer.writerow((TOTAL_LABEL, f"{batch.count}笔", "", "", fmt(batch.total), ""))
    # UTF-8 with a BOM so a spreadsheet on Windows reads the Chinese right.
    return buffer.getvalue().encode("utf-8-sig")


def write_batch(batch: PaymentBatch, target_dir: Path) -> Path:
    """Write ``代发清单-<number>/`` (XLSX, CSV, manifest) safely into ``target_dir``."""
    name = f"代发清单-{batch.batch_number}"
    files = {f"{name}.xlsx": batch_xlsx(batch), f"{name}.csv": batch_csv(batch)}
    manifest = {
        "batch": batch.batch_number,
        "count": batch.count,
        "total": fmt(batch.total),
        "files": [
            {"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for path, data in files.items()
        ],
    }
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    _refuse_another_batch_of_that_number(Path(target_dir) / name, manifest)
    return write_folder(files, manifest, Path(target_dir), name)


def _refuse_another_batch_of_that_number(folder: Path, manifest: dict) -> None:
    """The same batch is written again as often as asked; a different list under its number
    (a database restored from a backup older than the batch numbers it then reuses) never
    replaces the one the bank may already hold."""
    try:
        there = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if _the_list(there) != _the_list(manifest):
        raise ServiceError(
            "batch_number",
            f"{folder} 中已有一份内容不同的代发清单 {manifest['batch']}（可能已交银行；本机数据库"
            "可能从更早的备份恢复过）：未覆盖。请核对该清单是否已支付，或换一个文件夹",
        )


def _the_list(manifest: dict) -> list:
    """The CSV's digest: the XLSX carries the time it was written (openpyxl stamps its
    properties and zip entries), so the same batch written a second later differs there."""
    return [
        entry["sha256"]
        for entry in manifest.get("files", [])
        if str(entry.get("path", "")).endswith(".csv")
    ]


def csv_total(data: bytes) -> tuple[int, Decimal]:
    """(lines, total) read back from a batch CSV: what the bank would add up."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    lines = [row for row in rows[1:] if row and row[0] != TOTAL_LABEL]
    return len(lines), sum((Decimal(row[4]) for row in lines), Decimal("0.00"))
