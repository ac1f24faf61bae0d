"""What a store restored from a backup must learn before it hands out numbers or pays again.

Sync's catch-up (``app.sync.sent_log``) writes both from the window's sent log, which lives
beside the database and survives a restore:

- a floor per number series (``LX01-BX2026``, ``LX01-DF2026``): the highest 事后报销 claim and
  payment-batch number this window already sent to the centre, so a restored store never
  gives another claim or list the number of one the centre (and the bank) already has;
- the stretch of changes the window had sent that the restored backup lost and that could not
  be put back yet (the central folder was out of reach): until it is, no payment batch is
  made, since a claim already on a list at the bank would look unlisted.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.errors import ServiceError
from db.models import PaidLaterClaim, PaymentBatch, Setting

_FLOOR = "sync.number_floor.{}"
_OWED = "sync.restore_owed"


def number_floor(session: Session, series: str) -> int:
    """The highest number of ``series`` (``LX01-BX2026``) this window is known to have sent."""
    row = session.get(Setting, _FLOOR.format(series))
    return int(row.value) if row is not None else 0


# The column each series numbers, by its letters (``LX01-BX2026``: BX).
_NUMBERED = {"BX": PaidLaterClaim.claim_number, "DF": PaymentBatch.batch_number}


def issued(session: Session, series: str) -> int:
    """How many numbers of ``series`` (``LX01-BX2026``) this store holds: numbers are handed
    out one after another, so also the last one it issued."""
    column = _NUMBERED[series.rsplit("-", 1)[-1][:2]]
    return session.scalar(select(func.count()).where(column.like(f"{series}-%")))


def raise_number_floor(session: Session, series: str, number: int) -> bool:
    """Keep ``number`` as the floor of ``series`` when this store is behind it (it has fewer
    numbers of the series than that: restored from a backup); whether it was raised."""
    if number <= number_floor(session, series) or issued(session, series) >= number:
        return False  # known already, or the store issued them itself
    row = session.get(Setting, _FLOOR.format(series))
    if row is None:
        session.add(Setting(key=_FLOOR.format(series), value=str(number)))
    else:
        row.value = str(number)
    return True


def restore_owed(session: Session) -> tuple[int, int] | None:
    """The outbox numbers (first, last) sent before a restore and not yet put back."""
    row = session.get(Setting, _OWED)
    if row is None:
        return None
    first, last = row.value.split("-")
    return int(first), int(last)


def set_restore_owed(session: Session, owed: tuple[int, int] | None) -> None:
    row = session.get(Setting, _OWED)
    if owed is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(Setting(key=_OWED, value=f"{owed[0]}-{owed[1]}"))
    else:
        row.value = f"{owed[0]}-{owed[1]}"


def refuse_while_restore_owed(session: Session, field: str, doing: str) -> None:
    """No money moves while a restore is owed: what was sent before it (registrations,
    slips, claims, batches at the bank) is not back yet, and the same stay settled or claimed
    again, or a cap counted without it, would be paid twice (``doing``: 结算, 生成代发清单 …)."""
    owed = restore_owed(session)
    if owed is not None:
        raise ServiceError(
            field,
            f"本机数据库从备份恢复后，恢复前已发送给中心的变更（序号 {owed[0]}–{owed[1]}）尚未放回"
            f"本机，其中可能有同一笔业务或已交银行的代发清单：为免重复支付，暂不能{doing}。"
            "请先连通中心文件夹并同步一次（同步提示未能放回时，请联系信息科）",
        )
