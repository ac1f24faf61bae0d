"""A payment batch's folder: checked before the batch is made, and a list not written named.

A batch takes its claims out of the queue (已送银行) when it is made, so it must not be made
for a folder that cannot take its list; and a list that failed to be written after all (the
stick pulled between the check and the write) is written again from the batch as it stands.
"""

from pathlib import Path

from app.bundle.safe_write import TargetError, failure_reason
from app.paths import cannot_write_in

PROBE_PREFIX = ".代发清单写入检查-"


class BatchFileError(TargetError):
    """An existing batch's list could not be written; the batch (its claims 已送银行) stays
    as it is and its list can be written again."""

    def __init__(self, batch_number: str, message: str):
        super().__init__(message)
        self.batch_number = batch_number


def check_batch_folder(folder: Path) -> None:
    """TargetError for a target folder that is missing or cannot be written. A probe file is
    written because on Windows ``os.access`` does not see a share's or a write-protected
    stick's refusal."""
    folder = Path(folder)
    if not folder.is_dir():
        raise _not_usable(folder, "文件夹不存在或已断开（U盘是否已拔出？共享盘是否断开？）")
    reason = cannot_write_in(folder, PROBE_PREFIX)
    if reason is not None:
        raise _not_usable(folder, reason)


def _not_usable(folder: Path, reason: str) -> TargetError:
    return TargetError(
        f"代发清单的目标文件夹 {folder} 不可用：{reason}。"
        "未生成代发清单，报销仍在“已审核待支付”中；处理后可直接重试。"
    )


def not_written(number: str, folder: Path, exc: Exception, how_again: str) -> BatchFileError:
    """The error for batch ``number``'s list not written into ``folder`` because of ``exc``:
    that the batch exists and how to write it again (``how_again``, with ``{number}``)."""
    cause = exc.__cause__ if isinstance(exc, TargetError) else None
    reason = (
        failure_reason(cause) if isinstance(cause, OSError) else getattr(exc, "message", str(exc))
    )
    return BatchFileError(
        number,
        f"代发清单 {number} 已生成（其中的报销为“已送银行”），但清单文件未能写到 {folder}："
        f"{reason}。未留下不完整的清单文件；处理后请重新写出：{how_again.format(number=number)}",
    )
