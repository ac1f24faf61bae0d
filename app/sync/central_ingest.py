"""Central ingest: every window's packages from ``<central>/inbox/<site>/`` into one database.

Packages of one window are taken in sequence order, each in one transaction together with its
id (``ingested_package``) and the window's high-water mark (``window_progress``), so a package
is never taken in twice and a crash mid-way leaves it for the next run. A package whose first
number does not follow the last one taken in waits, with the window's later ones, until the
missing package arrives. A package the database refuses (or that cannot be read) is set aside
with its reason: nothing of it is kept, its window's later packages wait behind it, the other
windows go on, and the next run tries it again. Each package's audit chain head is kept
(``audit_anchor``) and a window whose chain no longer extends its last anchor is named
(``IngestReport.audit_breaks``). Staging files (``.…partial-…``) are never read; those left longer
than ``stale_after`` by a killed writer are removed.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from app.services.stays import overlap
from app.sync import files
from app.sync.package import Package, PackageError, PackageName, decode, parse_name
from app.sync.sealing import open_sealed
from app.sync.state import WINDOW_ID
from db import Store
from db.models import (
    Admission,
    BeneficiaryStatus,
    ChecklistItem,
    PaidLaterClaim,
    PaymentBatch,
    PaymentLine,
    Person,
    Scan,
    Setting,
    Settlement,
    Site,
)
from db.outbox import MODELS, RecordError, decode_row, paused
from db.security_models import AuditAnchor
from db.sync_models import IngestedPackage, OutboxEntry, OutboxState, WindowProgress

STALE_PARTIAL = timedelta(hours=1)
RESTORED = "【恢复备份】"  # an anchor's break a window declared: a restore, not a rewrite


class IngestError(Exception):
    """The central folder or database cannot be used at all (Chinese message)."""


@dataclass
class IngestReport:
    """What one ingest run did; ``problems`` name the file (and line) and what to do;
    ``set_aside`` lists the packages that could not go in (retried by the next run);
    ``audit_breaks`` names each window whose audit chain no longer extends its last anchor;
    ``restores`` each whose chain went back with a backup it declares restored (not a break:
    the window says when, and which positions were lost)."""

    packages: list[str] = field(default_factory=list)
    changes: int = 0
    already: int = 0
    problems: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)
    cleaned: list[str] = field(default_factory=list)
    audit_breaks: list[str] = field(default_factory=list)
    restores: list[str] = field(default_factory=list)


def ingest(
    store: Store,
    folder: Path,
    *,
    now: datetime | None = None,
    stale_after: timedelta = STALE_PARTIAL,
    password: str | None = None,
) -> IngestReport:
    """Take in every new package of every site under ``folder/inbox`` (``password``: the
    bureau's, for packages the windows sealed)."""
    now = now or datetime.now()
    inbox = Path(folder) / "inbox"
    if not inbox.is_dir():
        raise IngestError(
            f"中心文件夹 {folder} 中没有 inbox 文件夹（路径是否正确？共享盘是否已连接？）"
        )
    _become_central(store)
    report = IngestReport()
    found = _scan(inbox, report, stale_after)
    with store.read() as session:
        progress = {row.window_id: row.last_seq for row in session.scalars(select(WindowProgress))}
    for window in sorted(found):
        packages = sorted(found[window], key=lambda item: (item[0].first_seq, item[0].last_seq))
        done = progress.get(window, 0)
        index = 0
        while index < len(packages):
            name, path = packages[index]
            if name.last_seq <= done:
                report.already += 1
                index += 1
                continue
            waiting = len(packages) - index
            if name.first_seq != done + 1:
                report.problems.append(_gap_message(name, done, path, waiting))
                break
            run = [packages[index]]
            taken, reason = _try(store, run, password, now)
            if reason is not None:
                # What a later package of the window changes may settle what this one alone
                # cannot (a claim of a stay another site claimed, returned since): the run of
                # the window's packages from here is tried as one.
                run = _following(packages, index)
                if len(run) > 1:
                    taken, together = _try(store, run, password, now)
                    if together is None:
                        reason = None
                    elif together != reason:  # what else stands in the way, for whoever looks
                        reason += f"（与其后 {len(run) - 1} 个包一并导入也未成功：{together}）"
            if reason is not None:
                # Set aside: nothing of it is kept, the other windows go on, and the next run
                # tries it again. Its window's later packages wait: they may change its rows.
                report.set_aside.append(path.name)
                later = f"及其后 {waiting - 1} 个包" if waiting > 1 else ""
                report.problems.append(
                    f"{path.parent.name}/{path.name}：{reason}。已搁置（未导入任何内容，"
                    f"下次导入时重试），该窗口的此包{later}暂不导入"
                )
                break
            for (package_name, package_path), (package, broken) in zip(run, taken, strict=True):
                where = f"{package_path.parent.name}/{package_path.name}"
                if broken and broken.startswith(RESTORED):
                    report.restores.append(f"{where}：{broken}")
                elif broken:
                    report.audit_breaks.append(f"{where}：{broken}")
                if package is not None:
                    report.packages.append(package_path.name)
                    report.changes += len(package.records)
                else:
                    report.already += 1
                done = package_name.last_seq
            index += len(run)
    return report


# What a refusal by each unique index means, in the clerk's words: found by the names
# PostgreSQL gives (the index) or SQLite gives (the table's columns).
_INDEX_MEANINGS = (
    (("settlement_slip_number", "settlement.slip_number"), "结算单号与中心已有的结算单重复"),
    (
        ("uq_admission_open_per_person", "admission.person_id, admission.site_code"),
        "该人员在本站点已有一笔未出院的住院登记",
    ),
    (
        ("paid_later_claim_claim_number", "paid_later_claim.claim_number"),
        "事后报销单号与中心已有的重复",
    ),
    (
        ("uq_paid_later_claim_live_stay", "paid_later_claim.person_id, paid_later_claim.policy"),
        "同一次住院已有一笔未退回的事后报销",
    ),
    (("payment_batch_batch_number", "payment_batch.batch_number"), "代发清单号与中心已有的重复"),
    (
        (
            "uq_admission_site_code",  # PostgreSQL's name for it (the naming convention)
            "admission.site_code, admission.admission_number",  # SQLite's words
        ),
        "住院号与已有的住院登记重复",
    ),
)


def _refused(exc: DBAPIError) -> str:
    return f"中心数据库拒绝了其中的变更{refusal_meaning(exc)}"


def refusal_meaning(exc: DBAPIError) -> str:
    """What a database's refusal of a row means, where the index is one of ours, then its own
    first line (no SQL, no values): "：住院号与已有的住院登记重复（UNIQUE …）"."""
    text = str(exc.orig).strip().splitlines()
    first = text[0] if text else type(exc.orig).__name__
    for names, meaning in _INDEX_MEANINGS:
        if any(name in first for name in names):
            return f"：{meaning}（{first}）"
    return f"（{first}）"


def _gap_message(name: PackageName, done: int, path: Path, waiting: int) -> str:
    if name.first_seq <= done:
        return (
            f"{path.parent.name}/{path.name}：序号 {name.first_seq}–{name.last_seq} 与已导入的"
            f"（至 {done}）重叠，无法判断哪些变更是新的，请联系窗口核对"
        )
    return (
        f"窗口 {name.window}（站点 {name.site}）缺少序号 {done + 1}–{name.first_seq - 1} 的变更包："
        f"{path.name} 及其后共 {waiting} 个包暂不导入，缺失的包到达后再次导入即可补上"
    )


def _become_central(store: Store) -> None:
    """Stop the outbox in the central database: the centre sends nothing anywhere."""
    with store.write() as session:
        if session.get(Setting, WINDOW_ID) is not None:
            raise IngestError("该数据库属于一个结算窗口（已有窗口编号），不能作为中心数据库")
        session.execute(update(OutboxState).where(OutboxState.id == 1).values(capture=False))
        session.execute(delete(OutboxEntry))


def _scan(inbox: Path, report: IngestReport, stale_after: timedelta) -> dict:
    found: dict[str, list[tuple[PackageName, Path]]] = {}
    for site_dir in sorted(p for p in inbox.iterdir() if p.is_dir()):
        report.cleaned += files.remove_partials(site_dir, older_than=stale_after.total_seconds())
        for path in sorted(site_dir.iterdir()):
            if files.is_partial(path.name) or not path.is_file():
                continue
            name = parse_name(path.name)
            if name is None or name.site != site_dir.name:
                report.problems.append(
                    f"{site_dir.name}/{path.name}：不是本站点的变更包文件名"
                    "（站点-窗口-起始序号-结束序号.jsonl.gz），已跳过"
                )
                continue
            found.setdefault(name.window, []).append((name, path))
    return found


def _following(packages: list, index: int) -> list:
    """The packages from ``index`` on whose numbers follow one another."""
    run = [packages[index]]
    for name, path in packages[index + 1 :]:
        if name.first_seq != run[-1][0].last_seq + 1:
            break
        run.append((name, path))
    return run


def _try(
    store: Store, run: list, password: str | None, now: datetime
) -> tuple[list[tuple[Package | None, str | None]], str | None]:
    """Take in a run of one window's packages as one; (per package: the package, or None if
    it was taken in meanwhile, and how the audit chain broke), and why not (Chinese)."""
    try:
        packages = [
            decode(open_sealed(path.read_bytes(), password, path.name), path.name)
            for _name, path in run
        ]
        return _take_in(store, packages, [path.name for _name, path in run], now), None
    except (OSError, PackageError, RecordError, ValueError) as exc:
        return [], str(exc)
    except (IntegrityError, DataError) as exc:
        return [], _refused(exc)


def _take_in(
    store: Store, packages: list[Package], file_names: list[str], now: datetime
) -> list[tuple[Package | None, str | None]]:
    """Apply one window's packages (in order, numbers following one another) in one
    transaction, with their audit anchors; all None if they were taken in meanwhile. Each
    package's second value says how the window's audit chain broke, if it did."""
    first, last = packages[0].name, packages[-1].name
    try:
        with paused(), store.write() as session:
            progress = session.get(WindowProgress, first.window, with_for_update=True)
            done = progress.last_seq if progress else 0
            if done != first.first_seq - 1:
                return [(None, None)] * len(packages)  # another ingest took them in meanwhile
            broken = [_keep_anchor(session, package, now) for package in packages]
            for package in packages:
                _sites(session, package.header.get("sites") or [])
            apply_records(session, [record for package in packages for record in package.records])
            for package, file_name in zip(packages, file_names, strict=True):
                name = package.name
                session.add(
                    IngestedPackage(
                        package_id=name.package_id,
                        site_code=name.site,
                        window_id=name.window,
                        first_seq=name.first_seq,
                        last_seq=name.last_seq,
                        changes=len(package.records),
                        body_sha256=package.header["body_sha256"],
                        file_name=file_name,
                        ingested_at=now,
                    )
                )
            if progress is None:
                session.add(
                    WindowProgress(
                        window_id=first.window,
                        site_code=first.site,
                        last_seq=last.last_seq,
                        updated_at=now,
                    )
                )
            else:
                progress.last_seq = last.last_seq
                progress.updated_at = now
    except IntegrityError:
        # Two ingests took in a new window's first package at once: one of them wins.
        with store.read() as session:
            if session.get(IngestedPackage, first.package_id) is not None:
                return [(None, None)] * len(packages)
        raise
    return list(zip(packages, broken, strict=True))


def _keep_anchor(session: Session, package: Package, now: datetime) -> str | None:
    """Keep the window's audit head from ``package`` and compare the chain it reports with the
    window's last anchor: the digest at that position must be the one anchored then. Returns
    why not (Chinese), or None. The package's changes go in either way: they are what the
    window holds; the break is for someone to look into."""
    audit = package.header.get("audit_chain")
    if not isinstance(audit, dict) or not isinstance(audit.get("head"), list):
        return None  # a package from a version before anchors
    name = package.name
    head_seq, head_digest = audit["head"]
    earlier = {int(seq): str(digest) for seq, digest in audit.get("earlier") or []}
    last = session.scalars(
        select(AuditAnchor)
        .where(AuditAnchor.window_id == name.window)
        .order_by(AuditAnchor.id.desc())
        .limit(1)
    ).first()
    problem = None
    if last is not None:
        where = f"窗口 {name.window}（站点 {name.site}）的审计链"
        since = f"上次锚点（链位置 {last.seq}，变更包 {last.package_id}）"
        if head_seq < last.seq:
            problem = f"{where}只到链位置 {head_seq}，短于{since}：链尾的记录被删除"
        elif head_seq == last.seq and head_digest != last.digest:
            problem = f"{where}在{since}处的哈希已变：审计记录被改动后重算了哈希链"
        elif head_seq > last.seq and last.seq not in earlier:
            problem = f"{where}没有给出{since}处的哈希，无法确认审计记录未被改写"
        elif head_seq > last.seq and earlier[last.seq] != last.digest:
            problem = f"{where}在{since}处的哈希已变：审计记录被改动后重算了哈希链"
        declared = [r for r in audit.get("restored") or [] if r[0] < last.seq <= r[2]]
        if problem and declared:
            chain_seq, _digest, lost_to, at = declared[-1]
            problem = (
                f"{RESTORED}{where}于 {at} 从备份恢复（窗口声明）：退回到链位置 {chain_seq}，"
                f"链位置 {chain_seq + 1}–{lost_to} 的审计记录随备份丢失，此后的链从那里接续"
            )
    session.add(
        AuditAnchor(
            window_id=name.window,
            site_code=name.site,
            package_id=name.package_id,
            seq=int(head_seq),
            digest=str(head_digest),
            recorded_at=now,
            problem=problem,
        )
    )
    return problem


def apply_records(session: Session, records: list[dict]) -> None:
    """Apply the records in the window's order. Each record is its row as that window's
    transaction left it, so applying them in sequence passes through states the window had
    and satisfies what it satisfied (one open admission per person and site: a discharge or
    cancellation goes in before the readmission that follows it)."""
    apply = _Applier(session)
    # Rows made by this package are found in the applier's caches, so a look-up need not
    # flush every pending row first; the rows go to the database in batches between the
    # points where order matters.
    with session.no_autoflush:
        for n, record in enumerate(records):
            try:
                apply(record)
            except (RecordError, KeyError, TypeError) as exc:
                raise RecordError(f"第{n + 2}行（序号 {record.get('seq')}）：{exc}") from None
        apply.refuse_a_stay_paid_twice()
        session.flush()


def _sites(session: Session, sites: list[dict]) -> None:
    for values in sites:
        # admdvs is the national region code sent beside the site's columns, not one of them.
        row = decode_row(Site, {k: v for k, v in values.items() if k != "admdvs"})
        site = session.get(Site, row["code"])
        if site is None:
            session.add(Site(**row))
        else:
            for key in ("name", "facility", "default_policy"):
                setattr(site, key, row[key])
    session.flush()


@dataclass(frozen=True)
class _Stay:
    """A slip's or a claim's stay as the centre compares them across sites."""

    name: str  # "结算单 …" or "事后报销 …"
    person: Person
    site: str
    admitted: date
    discharged: date
    live: bool


def _claim_stay(claim: PaidLaterClaim) -> _Stay | None:
    if claim.kind == "year_end":  # a year-end sum of slips already counted
        return None
    return _Stay(
        f"事后报销 {claim.claim_number}",
        claim.person,
        claim.site_code,
        claim.admitted_on,
        claim.discharged_on,
        claim.status != "returned",
    )


def _paid_twice(record: _Stay, other: _Stay) -> str:
    return (
        f"{record.name}（站点 {record.site}，{record.admitted}–{record.discharged}）与中心已有的"
        f"{other.name}（站点 {other.site}，{other.admitted}–{other.discharged}）是同一次住院，"
        "同一次住院只能报销一次：请其中一方在审核时退回报销，或作废结算单；"
        "退回或作废的变更到达中心后，下次导入即可补上"
    )


# Kept as first recorded at the centre when another window reports the same person.
_PERSON_ORIGIN = ("created_at", "created_by")


class _Applier:
    """Applies records to the session, remembering rows by natural key within a package."""

    def __init__(self, session: Session):
        self.session = session
        self.people: dict[str, Person] = {}
        self.admissions: dict[tuple[str, str], Admission] = {}
        self.items: dict[tuple[int, str, str], ChecklistItem] = {}
        self.settlements: dict[str, Settlement] = {}
        self.paid_later: dict[str, PaidLaterClaim] = {}
        # The slips and claims this package inserts: a flush in between (a payment line needs
        # its claim's id) gives them ids, so an id does not tell them from old rows.
        self.made: list[Settlement | PaidLaterClaim] = []
        self.batches: dict[str, PaymentBatch] = {}
        self.lines: dict[tuple[str, str], PaymentLine] = {}
        # An admission discharged or cancelled since the last flush: it must be written
        # before a readmission of the same person is, or the open-admission index refuses it.
        self.admission_closed = False

    def __call__(self, record: dict) -> None:
        kind = record.get("entity")
        if kind not in MODELS or record.get("op") not in ("insert", "update"):
            raise RecordError(f"未知的变更类型 {kind}/{record.get('op')}")
        row = decode_row(MODELS[kind], record.get("row") or {})
        getattr(self, kind)(record["op"], row, record.get("refs") or {})

    def person(self, op: str, row: dict, _refs: dict | None = None) -> Person:
        number = row["id_number"]
        found = self.people.get(number) or self.session.scalar(
            select(Person).where(Person.id_number == number)
        )
        if found is None:
            found = Person(**row)
            self.session.add(found)
        elif op == "update":
            for key, value in row.items():
                if key not in _PERSON_ORIGIN:
                    setattr(found, key, value)
        self.people[number] = found
        return found

    def _person_of(self, refs: dict) -> Person:
        return self.person("insert", decode_row(Person, refs["person"]))

    def beneficiary_status(self, op: str, row: dict, refs: dict) -> None:
        if op == "insert":  # statuses are history: a window never updates one
            self.session.add(
                BeneficiaryStatus(person=self._person_of(refs), roster_import_id=None, **row)
            )

    def admission(self, op: str, row: dict, refs: dict) -> None:
        key = (row["site_code"], row["admission_number"])
        person = self._person_of(refs)
        if op == "insert":
            if self.admission_closed:
                self.session.flush()
                self.admission_closed = False
            found = Admission(person=person, **row)
            self.session.add(found)
        else:
            found = self._admission(key)
            for name, value in row.items():
                setattr(found, name, value)
            self.admission_closed = True
        self.admissions[key] = found

    def _admission(self, key: tuple[str, str]) -> Admission:
        found = self.admissions.get(key) or self.session.scalar(
            select(Admission).where(
                Admission.site_code == key[0], Admission.admission_number == key[1]
            )
        )
        if found is None:
            raise RecordError(f"住院登记 {key[0]}/{key[1]} 尚未导入")
        self.admissions[key] = found
        return found

    def _admission_id(self, refs: dict) -> int | None:
        ref = refs.get("admission")
        if ref is None:
            return None
        found = self._admission((ref["site_code"], ref["admission_number"]))
        if found.id is None:
            self.session.flush()
        return found.id

    def checklist_item(self, op: str, row: dict, refs: dict) -> None:
        admission_id = self._admission_id(refs)
        scan = refs.get("scan")
        if scan is not None and self.session.get(Scan, scan["sha256"]) is None:
            self.session.add(Scan(**decode_row(Scan, scan)))
            # Written now: no relationship orders it before the item that names it, and a
            # second item with the same scan must find it (get sees flushed rows only).
            self.session.flush()
        key = (admission_id, row["stage"], row["document_code"])
        if op == "insert":
            self.items[key] = ChecklistItem(admission_id=admission_id, **row)
            self.session.add(self.items[key])
            return
        found = self.items.get(key) or self.session.scalar(
            select(ChecklistItem).where(
                ChecklistItem.admission_id == admission_id,
                ChecklistItem.stage == row["stage"],
                ChecklistItem.document_code == row["document_code"],
            )
        )
        if found is None:
            raise RecordError(f"材料 {row['stage']}/{row['document_code']} 尚未导入")
        for key, value in row.items():
            setattr(found, key, value)

    def settlement(self, op: str, row: dict, refs: dict) -> None:
        person = self._person_of(refs)
        admission_id = self._admission_id(refs)
        slip = row["slip_number"]
        if op == "insert":
            self.settlements[slip] = Settlement(person=person, admission_id=admission_id, **row)
            self.session.add(self.settlements[slip])
            self.made.append(self.settlements[slip])
            return
        found = self.settlements.get(slip) or self.session.scalar(
            select(Settlement).where(Settlement.slip_number == slip)
        )
        if found is None:
            raise RecordError(f"结算单 {row['slip_number']} 尚未导入")
        for key, value in row.items():
            setattr(found, key, value)

    def paid_later_claim(self, op: str, row: dict, refs: dict) -> None:
        person = self._person_of(refs)
        number = row["claim_number"]
        found = self.paid_later.get(number) or self.session.scalar(
            select(PaidLaterClaim).where(PaidLaterClaim.claim_number == number)
        )
        if found is None:
            if op == "update":
                raise RecordError(f"事后报销 {number} 尚未导入")
            found = PaidLaterClaim(person=person, **row)
            self.session.add(found)
            self.made.append(found)
        else:
            for key, value in row.items():
                setattr(found, key, value)
        self.paid_later[number] = found

    def refuse_a_stay_paid_twice(self) -> None:
        """A stay paid at two sites, neither window seeing the other's records: a live
        事后报销 claim or window slip this package makes, whose days overlap a live claim or
        slip of the same person at another site (app.services.stays: whatever the hospital's
        name as typed), is named, where the database would only name its index or take both."""
        for record in self._made_here():
            for other in self._stays_of(record.person):
                if (
                    other.site != record.site
                    and other.live
                    and overlap(
                        (record.admitted, record.discharged), (other.admitted, other.discharged)
                    )
                ):
                    raise RecordError(_paid_twice(record, other))

    def _made_here(self) -> list["_Stay"]:
        """The live stays this package makes (not the ones it only changes: an old record
        updated must never be refused for a stay the centre has held all along)."""
        return [stay for stay in self._stays(self.made) if stay.live]

    def _stays_of(self, person: Person) -> list["_Stay"]:
        """The person's inpatient slips and 事后报销 claims (not year-end sums), as this
        package leaves them: the ones in the database and the ones it makes."""
        slips, claims = list(self.settlements.values()), list(self.paid_later.values())
        if person.id is not None:
            slips += self.session.scalars(
                select(Settlement).where(Settlement.person_id == person.id)
            ).all()
            claims += self.session.scalars(
                select(PaidLaterClaim).where(PaidLaterClaim.person_id == person.id)
            ).all()
        found = {id(row): row for row in slips + claims if row.person is person}
        return self._stays(found.values())

    def _stays(self, rows) -> list["_Stay"]:
        """The stays of ``rows`` (slips and claims); outpatient slips and year-end sums have none."""
        stays = [
            self._slip_stay(row) if isinstance(row, Settlement) else _claim_stay(row)
            for row in rows
        ]
        return [stay for stay in stays if stay is not None]

    def _slip_stay(self, slip: Settlement) -> "_Stay | None":
        admission = (
            None if slip.admission_id is None else self.session.get(Admission, slip.admission_id)
        )
        if admission is None or admission.kind == "outpatient" or admission.visit != "inpatient":
            return None
        return _Stay(
            f"结算单 {slip.slip_number}",
            slip.person,
            slip.site_code,
            admission.admitted_at.date(),
            slip.claim_date,
            not slip.voided,
        )

    def _claim(self, number: str) -> PaidLaterClaim:
        found = self.paid_later.get(number) or self.session.scalar(
            select(PaidLaterClaim).where(PaidLaterClaim.claim_number == number)
        )
        if found is None:
            raise RecordError(f"事后报销 {number} 尚未导入")
        self.paid_later[number] = found
        return found

    def payment_batch(self, _op: str, row: dict, _refs: dict | None = None) -> PaymentBatch:
        """Kept whether the record says insert or update (a batch made before batches
        travelled first reaches the centre with a later change); a batch never changes once
        made, and another list under its number is refused."""
        number = row["batch_number"]
        found = self.batches.get(number) or self.session.scalar(
            select(PaymentBatch).where(PaymentBatch.batch_number == number)
        )
        if found is None:
            found = PaymentBatch(**row)
            self.session.add(found)
        elif (found.created_at, found.total) != (row["created_at"], row["total"]):
            raise RecordError(
                f"代发清单 {number} 在中心已有另一份内容不同的清单（{found.created_at:%Y-%m-%d %H:%M}"
                f"，合计 {found.total}）：同一编号不能有两份清单，请联系信息科核对是否重复支付"
            )
        self.batches[number] = found
        return found

    def payment_line(self, _op: str, row: dict, refs: dict) -> None:
        batch = self.payment_batch("update", decode_row(PaymentBatch, refs["batch"]))
        claim = self._claim(str(refs.get("claim")))
        if batch.id is None or claim.id is None:
            self.session.flush()
        key = (batch.batch_number, claim.claim_number)
        found = self.lines.get(key) or self.session.scalar(
            select(PaymentLine).where(
                PaymentLine.batch_id == batch.id, PaymentLine.claim_id == claim.id
            )
        )
        if found is None:
            found = PaymentLine(batch_id=batch.id, claim_id=claim.id, **row)
            self.session.add(found)
        else:
            for name, value in row.items():
                setattr(found, name, value)
        self.lines[key] = found
