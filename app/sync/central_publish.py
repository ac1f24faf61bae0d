"""Central publish: the files windows pull from ``<central>/outbox/``.

``year_to_date.jsonl``: per person, year, policy, pool and paying site, the base, assistance and
layer amounts of non-voided, eligible settlements (yuan, as text), after a header line with the
row count and the body's SHA-256. Per site, because a window counts its own settlements itself
and must add only what other sites paid, however far behind the centre is.

``rosters/central-roster.csv``: each person's newest status from a roster imported at the centre,
in the columns the roster import reads. Both are written whole or not at all.
"""

import csv
import hashlib
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select

from app.money import ZERO, D, fmt
from app.sheet_cells import csv_row
from app.sync import files
from app.sync.pull import YEAR_TO_DATE_FILE, YEAR_TO_DATE_FORMAT
from app.sync.sealing import seal
from app.vocabulary import CATEGORY_NAMES
from db import Store
from db.models import BeneficiaryStatus, PaidLaterClaim, Person, Settlement

ROSTER_FILE = "central-roster.csv"
ROSTER_HEADER = ("身份证号", "姓名", "类别", "证件类型", "证件号码", "有效期起", "有效期止")


@dataclass(frozen=True)
class PublishReport:
    year_to_date: Path
    year_to_date_rows: int
    roster: Path | None
    roster_rows: int


def publish(
    store: Store,
    folder: Path,
    *,
    years: list[int] | None = None,
    now: datetime | None = None,
    password: str | None = None,
) -> PublishReport:
    """Write the year-to-date file (``years``: default this year and last) and the roster,
    sealed with the bureau's ``password`` when given.

    Raises ``files.TargetError`` if the folder cannot take them (what was there stays).
    """
    now = now or datetime.now()
    years = years or [now.year - 1, now.year]
    out = Path(folder) / "outbox"
    try:
        (out / "rosters").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise files.TargetError(f"无法创建 {out}：{files.reason(exc)}") from exc
    with store.read() as session:
        lines = year_to_date_lines(session, years)
        roster = roster_rows(session)
    body = "".join(line + "\n" for line in lines)
    header = {
        "format": YEAR_TO_DATE_FORMAT,
        "generated_at": now.isoformat(timespec="seconds"),
        "years": sorted(years),
        "rows": len(lines),
        "body_sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
    }
    text = json.dumps(header, ensure_ascii=False, sort_keys=True) + "\n" + body
    ytd_path = files.write_file(out, YEAR_TO_DATE_FILE, seal(text.encode("utf-8"), password))
    roster_path = None
    if roster:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(ROSTER_HEADER)
        writer.writerows(csv_row(row) for row in roster)
        # UTF-8 with BOM: what Excel writes, and what the roster import reads first.
        data = buffer.getvalue().encode("utf-8-sig")
        roster_path = files.write_file(out / "rosters", ROSTER_FILE, seal(data, password))
    return PublishReport(ytd_path, len(lines), roster_path, len(roster))


def year_to_date_lines(session, years: list[int]) -> list[str]:
    query = (
        select(
            Person.id_number,
            Settlement.year,
            Settlement.policy_id,
            Settlement.pool,
            Settlement.site_code,
            Settlement.base,
            Settlement.assistance,
            Settlement.result_json,
        )
        .join(Person, Person.id == Settlement.person_id)
        .where(
            Settlement.voided.is_(False),
            Settlement.eligible.is_(True),
            Settlement.year.in_(years),
        )
    )
    sums: dict[tuple, list] = {}
    for number, year, policy, pool, site, base, assistance, result_json in session.execute(query):
        key = (number, year, policy, pool, site)
        entry = sums.setdefault(key, [ZERO, ZERO, defaultdict(lambda: ZERO)])
        entry[0] += base
        entry[1] += assistance
        for layer in json.loads(result_json).get("layers", ()):
            entry[2][layer["code"]] += D(layer["amount"])
    # Claims paid after discharge count towards the caps like settlements (not a year-end
    # sum: its settlements are counted already).
    later = (
        select(
            Person.id_number,
            PaidLaterClaim.year,
            PaidLaterClaim.policy_id,
            PaidLaterClaim.site_code,
            PaidLaterClaim.result_json,
        )
        .join(Person, Person.id == PaidLaterClaim.person_id)
        .where(
            PaidLaterClaim.status != "returned",
            PaidLaterClaim.kind != "year_end",
            PaidLaterClaim.year.in_(years),
        )
    )
    for number, year, policy, site, result_json in session.execute(later):
        result = json.loads(result_json)
        if not result.get("eligible") or result.get("pool") is None:
            continue
        key = (number, year, policy, result["pool"], site)
        entry = sums.setdefault(key, [ZERO, ZERO, defaultdict(lambda: ZERO)])
        entry[0] += D(result["base"])
        entry[1] += D(result["assistance"])
        for layer in result.get("layers", ()):
            entry[2][layer["code"]] += D(layer["amount"])
    return [
        json.dumps(
            {
                "id_number": number,
                "year": year,
                "policy": policy,
                "pool": pool,
                "site": site,
                "base": fmt(base),
                "assistance": fmt(assistance),
                "layers": {code: fmt(amount) for code, amount in sorted(layers.items())},
            },
            ensure_ascii=False,
            sort_keys=True,
        )
        for (number, year, policy, pool, site), (base, assistance, layers) in sorted(sums.items())
    ]


def roster_rows(session) -> list[tuple[str, ...]]:
    """Each person's newest status from a roster imported here (window statuses excluded)."""
    newest = (
        select(func.max(BeneficiaryStatus.id))
        .where(BeneficiaryStatus.roster_import_id.is_not(None))
        .group_by(BeneficiaryStatus.person_id)
    )
    query = (
        select(BeneficiaryStatus, Person)
        .join(Person, Person.id == BeneficiaryStatus.person_id)
        .where(BeneficiaryStatus.id.in_(newest))
        .order_by(Person.id_number)
    )
    return [
        (
            person.id_number,
            person.name,
            CATEGORY_NAMES.get(status.category, status.category),
            status.certificate_type or "",
            status.certificate_number or "",
            _day(status.valid_from),
            _day(status.valid_to),
        )
        for status, person in session.execute(query)
    ]


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""
