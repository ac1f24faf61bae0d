"""Export one claim period's bundle: gather, render, write safely, and only then mark the
settlements as claimed in that bundle (one transaction, audited).

A bundle that landed is marked claimed and one that did not is not, even when the process is
killed between the last rename and the commit: once the staging copy is whole, the claim to
make is recorded (setting ``bundle.pending.…``: the bundle's final path, its fingerprint and
the settlements) in its own transaction; the transaction that marks the settlements removes
it. A claim left pending by a kill is settled with what is on the target at the next export
(``reconcile_claims``): marked if that very bundle is there, dropped if not, kept while the
target cannot be reached.

Layout (folder ``<bundle id>/`` or ``<bundle id>.zip``)::

    manifest.json            every file's SHA-256 and size, the settlements, the totals
    report.pdf report.xlsx   救助资金结算报表
    cases/<slip number>/slip.pdf
    cases/<slip number>/<stage>-<checklist item>.<ext>   each attached scan
    cases/<slip number>/paper-copies.txt   the copies kept on paper only, handed in with it
    paid_later.xlsx          事后报销 the bank paid in the period, per fund (app.bundle.paid_later)

Names are ASCII so any ZIP tool on any Windows shows them unmangled.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.bundle.cases import (
    BundleCase,
    Totals,
    collect_cases,
    policy_category_names,
    totals,
)
from app.bundle.claimed_log import record_claimed, unmarked_claims
from app.bundle.contents import Content, SourceError, SourceFile, write_unsynced
from app.bundle.manifest import (
    MANIFEST,
    REPORT_PDF,
    REPORT_XLSX,
    build_manifest,
    manifest_bytes,
    open_bundle,
)
from app.bundle.paid_later import XLSX as PAID_LATER_XLSX
from app.bundle.paid_later import paid_in_period, paid_later_xlsx
from app.bundle.paid_later import summary as paid_later_summary
from app.bundle.pending import PENDING
from app.bundle.period import ClaimPeriod, parse_period
from app.bundle.progress import (
    ARCHIVE_UNITS,
    PDF_UNITS_PER_CASE,
    XLSX_UNITS_PER_CASE,
    ProgressCallback,
    ProgressMeter,
)
from app.bundle.report_pdf import ReportHeading, report_pdf
from app.bundle.report_xlsx import report_xlsx
from app.bundle.safe_write import (
    TargetError,
    WriteFile,
    clean_leftovers,
    fingerprint,
    write_folder,
    write_zip,
)
from app.policy.funds import layer_funds
from app.policy.loader import LoadedPolicy
from app.services import audit
from app.services.errors import ServiceError
from app.services.scans import scan_path
from app.services.sites import current_site
from db import outbox
from db.models import Admission, Person, Setting, Settlement, Site
from db.store import Store

if TYPE_CHECKING:
    from app.printing.slip_archive import SlipFile


@dataclass(frozen=True)
class ExportReport:
    path: Path
    bundle_id: str
    period: ClaimPeriod
    cases: int
    voided: int
    totals: Totals
    previous: str  # "none", "same" or "changed"
    changes: tuple[str, ...]
    # Settled cases with a copy the policy asks for that is neither scanned nor kept on paper.
    warnings: tuple[str, ...] = ()


def default_slip_renderer(session: Session, slip_number: str) -> bytes:
    """The slip in the bundle's form rendered now (``app.printing.slip_archive``): the
    hospital's copy as settled, never marked 补打. The export copies the archived one."""
    from app.printing.slip_archive import form_of, render_canonical
    from app.services.records import get_settlement

    row = get_settlement(session, slip_number)
    return render_canonical(session, slip_number, form_of(row))


def claim_period_kind(policy: LoadedPolicy) -> str:
    latest = max(policy.definition.versions, key=lambda version: version.effective_from)
    return latest.claim_period.period


def export_bundle(
    store: Store,
    policies: Mapping[str, LoadedPolicy],
    *,
    period_text: str,
    target_dir: Path,
    policy_id: str | None = None,
    site_code: str | None = None,
    as_zip: bool = False,
    clerk: str = "system",
    write_file: WriteFile = write_unsynced,
    encrypt_password: str | None = None,
    progress: ProgressCallback | None = None,
) -> ExportReport:
    """Write the bundle for ``period_text`` (``2026Q3`` / ``2026-07``) into ``target_dir``.

    Raises ``ServiceError`` for a bad period or policy and ``TargetError`` when the target
    fails; in both cases nothing is marked claimed and the export can simply be retried.
    With ``encrypt_password`` the bundle is one ZIP sealed with it (``<bundle>.zip.enc``).
    ``site_code`` names the site (a hospital with several); by default the current one. A
    period with no settlement at all is refused: nothing is written. ``progress`` is told
    how far the export has got (``app.bundle.progress``), from the thread it runs on.

    Each slip is copied from the archive (``app.printing.slip_archive``); one not archived
    yet (a settlement made before slips were archived) is rendered and archived first."""
    from app.printing.from_store import store_pages
    from app.printing.slip_archive import archive_missing, archived_files

    with store.read() as session, store_pages(store):
        if site_code is not None and session.get(Site, site_code) is None:
            raise ServiceError("site", f"没有代码为“{site_code}”的站点")
        site = current_site(session, site_code)
        policy_id = policy_id or site.default_policy
        loaded = policies.get(policy_id)
        if loaded is None:
            raise ServiceError("policy", f"没有编号为“{policy_id}”的政策")
        try:
            period = parse_period(period_text, claim_period_kind(loaded))
        except ValueError as exc:
            raise ServiceError("period", str(exc)) from None
        names = policy_category_names(loaded.definition)
        funds = layer_funds(loaded.definition)
        cases = collect_cases(session, site.code, policy_id, period, names, funds)
        if not cases:
            raise ServiceError(
                "period",
                f"站点 {site.code} 在申报期 {period.label} 没有结算（政策 {policy_id}），"
                "不导出空申报包",
            )
        bundle_id = f"{site.code}-{policy_id}-{period.label}"
        archived = archived_files(session, store, (case.settlement_id for case in cases))
        later = paid_in_period(session, site.code, policy_id, period)
        later_summary = paid_later_summary(later) if later else None
        files: dict[str, Content] = {}
        if later:
            title = f"事后报销（按支付日期）{period.label}"
            files[PAID_LATER_XLSX] = paid_later_xlsx(later, title)
        version = loaded.definition.version_on(period.last)
        heading = ReportHeading(
            site_name=site.name,
            site_code=site.code,
            policy_title=loaded.definition.title,
            document_number=loaded.definition.document_number,
            period=period.label,
            document_id=bundle_id,
            policy_version=version.effective_from.isoformat() if version else "（无适用版本）",
        )
    missing = [
        (case.settlement_id, case.slip_number, _slip_form(case))
        for case in cases
        if (case.settlement_id, _slip_form(case)) not in archived
    ]
    meter = ProgressMeter(progress, _units(cases, missing, later))
    if missing:
        meter.enter("正在存档结算单")
        archived |= archive_missing(
            store, missing, policies=policies, on_each=lambda: meter.advance(ARCHIVE_UNITS)
        )
    files = _case_files(store, cases, archived) | files
    stamp = _data_stamp(cases, period)
    grand = totals(cases)
    header = {
        "bundle_id": bundle_id,
        "site": {"code": site.code, "name": site.name},
        "policy": {
            "id": policy_id,
            "title": heading.policy_title,
            "document_number": heading.document_number,
            "version": heading.policy_version,
            "sha256": loaded.sha256,
        },
        "period": {
            "label": period.label,
            "first": period.first.isoformat(),
            "last": period.last.isoformat(),
        },
    }
    if later_summary is not None:
        header["paid_later"] = later_summary

    reconcile_claims(store)
    clean_leftovers(Path(target_dir), bundle_id)
    old_manifest = _previous_manifest(target_dir, bundle_id, as_zip)
    writer = write_zip if as_zip else write_folder
    if encrypt_password is not None:
        writer = partial(write_zip, password=encrypt_password)
    # Marked claimed: what the window paid out and claims back. A slip that paid nothing at
    # the window (到镇街/医保中心结算, or nothing due) is listed but claims nothing, and stays
    # free to be voided.
    ids = [
        case.settlement_id
        for case in cases
        if not case.voided and case.amounts["paid_at_window"] > 0
    ]
    key = _pending_key(bundle_id)

    def record_claim(final: Path, landed_fingerprint: str) -> None:
        intent = {
            "bundle_id": bundle_id,
            "path": str(final),
            "fingerprint": landed_fingerprint,
            "settlements": ids,
            "clerk": clerk,
        }
        _save_pending(store, key, intent)

    manifest: Mapping = {}

    def reports_and_manifest() -> tuple[dict[str, Content], Mapping]:
        nonlocal manifest
        # Made while the case files are synced, after they are written: not beside their
        # copy on another thread, where the copy (calling back into the interpreter for every
        # file) and the reports took as long together as one after the other, or longer.
        meter.enter("正在制作报表")
        with store_pages(store):
            last = {REPORT_PDF: report_pdf(cases, heading)}
        meter.advance(PDF_UNITS_PER_CASE * len(cases))
        title = f"医疗救助资金结算报表 {period.label}"
        last[REPORT_XLSX] = report_xlsx(cases, title, stamp, policy=loaded.definition)
        meter.advance(XLSX_UNITS_PER_CASE * len(cases))
        manifest = build_manifest(header, files | last, cases, grand)
        last[MANIFEST] = manifest_bytes(manifest)
        meter.enter("正在写入并校验")
        return last, manifest

    meter.enter("正在写入并校验")
    try:
        path = writer(
            files,
            None,
            Path(target_dir),
            bundle_id,
            write_file=write_file,
            last=reports_and_manifest,
            on_staged=record_claim,
            advance=meter.advance,
        )
    except TargetError:
        _settle_pending(store, key)  # the target decides: claimed only if it landed
        raise
    except SourceError as exc:
        raise ServiceError("files", str(exc)) from None
    previous, changes = _compared(old_manifest, manifest)
    _mark_claimed(store, ids, bundle_id, clerk, key)
    meter.finish()
    return ExportReport(
        path,
        bundle_id,
        period,
        len(cases),
        sum(case.voided for case in cases),
        grand,
        previous,
        changes,
        _missing_copies(cases),
    )


def _missing_copies(cases: list[BundleCase]) -> tuple[str, ...]:
    return tuple(
        f"结算单 {case.slip_number}（{case.person_name}）："
        f"{'、'.join(case.copies_missing)} 既未扫描也未留存纸质复印件"
        for case in cases
        if case.copies_missing and not case.voided
    )


def paper_copies_text(case: BundleCase) -> bytes:
    """The list of a case's copies kept on paper only, for the bureau to match the paper to
    the bundle (UTF-8 with a BOM and CRLF, so Windows Notepad shows it right)."""
    lines = [
        f"结算单 {case.slip_number}　{case.person_name}",
        "以下复印件未扫描，纸质件由医院留存，随本申报包另行报送：",
        *(f"{number}. {name}" for number, name in enumerate(case.paper_copies, 1)),
    ]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _slip_form(case: BundleCase) -> str:
    from app.printing.slip_archive import SETTLED, VOIDED

    return VOIDED if case.voided else SETTLED


def _units(cases: list[BundleCase], missing: list, later: list) -> int:
    """The export's work in units (``app.bundle.progress``): slips to archive, the two
    reports, and every file written once and read back once (the reports, the manifest)."""
    per_case = sum(1 + bool(case.paper_copies) + len(case.scans) for case in cases)
    written = per_case + 3 + bool(later)
    reports = (PDF_UNITS_PER_CASE + XLSX_UNITS_PER_CASE) * len(cases)
    return ARCHIVE_UNITS * len(missing) + reports + 2 * written


def _case_files(
    store: Store, cases: list[BundleCase], archived: Mapping[tuple[int, str], "SlipFile"]
) -> dict[str, Content]:
    """Each case's files: the archived slip and the scans, copied when written (each checked
    against the hash it was kept under), and its list of copies kept on paper."""
    files: dict[str, Content] = {}
    for case in cases:
        folder = f"cases/{case.slip_number}"
        slip = archived[(case.settlement_id, _slip_form(case))]
        files[f"{folder}/slip.pdf"] = SourceFile(
            slip.path, slip.sha256, slip.size, f"结算单 {case.slip_number} 的存档"
        )
        if case.paper_copies:
            files[f"{folder}/paper-copies.txt"] = paper_copies_text(case)
        for scan in case.scans:
            files[f"{folder}/{scan.file_name}"] = SourceFile(
                scan_path(store.scans_dir, scan.sha256),
                scan.sha256,
                scan.size,
                f"结算单 {case.slip_number} 的扫描件“{scan.item_name}”",
            )
    return files


def _data_stamp(cases: list[BundleCase], period: ClaimPeriod) -> datetime:
    """The report's only date: the last settlement in it (so an unchanged period re-exports
    byte for byte), or the period's end when it is empty."""
    return max((case.settled_at for case in cases), default=period.after_last)


def _previous_manifest(target_dir: Path, bundle_id: str, as_zip: bool) -> Mapping | None:
    """The manifest of the bundle this export replaces, if one is there and readable."""
    path = Path(target_dir) / (f"{bundle_id}.zip" if as_zip else bundle_id)
    try:
        source = open_bundle(path)
        raw = source.read(MANIFEST) if source else None
        return json.loads(raw) if raw else None
    except (OSError, ValueError):
        return None


def _compared(old: Mapping | None, manifest: Mapping) -> tuple[str, tuple[str, ...]]:
    if old is None:
        return "none", ()
    changes = describe_changes(old, manifest)
    return ("same", ()) if not changes else ("changed", tuple(changes))


def describe_changes(old: Mapping, new: Mapping) -> list[str]:
    """What differs between two manifests of the same bundle, in words for the clerk."""
    changes = []
    before = {s["slip_number"]: s for s in old.get("settlements", [])}
    after = {s["slip_number"]: s for s in new.get("settlements", [])}
    changes += [f"新增结算：{number}" for number in sorted(after.keys() - before.keys())]
    changes += [f"不再包含结算：{number}" for number in sorted(before.keys() - after.keys())]
    for number in sorted(before.keys() & after.keys()):
        if not before[number]["voided"] and after[number]["voided"]:
            changes.append(f"结算已作废：{number}")
        elif before[number] != after[number]:
            changes.append(f"结算金额有变：{number}")
    if old.get("totals") != new.get("totals"):
        changes.append(
            f"合计救助金额：{old.get('totals', {}).get('assistance')} → {new['totals']['assistance']}"
        )
    old_files = {f["path"]: f["sha256"] for f in old.get("files", [])}
    new_files = {f["path"]: f["sha256"] for f in new.get("files", [])}
    changed_files = sorted(
        p for p in old_files.keys() & new_files.keys() if old_files[p] != new_files[p]
    )
    if changed_files and not changes:
        changes += [f"文件内容有变：{path}" for path in changed_files]
    return changes


def _pending_key(bundle_id: str) -> str:
    # setting keys are at most 64 characters; a bundle id may be longer
    return PENDING + hashlib.sha256(bundle_id.encode()).hexdigest()[:32]


def _save_pending(store: Store, key: str, intent: Mapping) -> None:
    value = json.dumps(intent, ensure_ascii=False, sort_keys=True)
    with store.write() as session:
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value


def reconcile_claims(store: Store) -> list[str]:
    """Settle every claim a killed export left pending with what is on its target; returns
    what was done, in words for the clerk."""
    with store.read() as session:
        keys = list(session.scalars(select(Setting.key).where(Setting.key.like(f"{PENDING}%"))))
    return [done for key in keys if (done := _settle_pending(store, key))]


def _settle_pending(store: Store, key: str) -> str | None:
    with store.read() as session:
        row = session.get(Setting, key)
        intent = json.loads(row.value) if row is not None else None
    if intent is None:
        return None
    final = Path(intent["path"])
    bundle_id = intent["bundle_id"]
    if not final.parent.is_dir():
        return None  # the stick is not there: decide when it is
    # Killed between its two renames, an export leaves the bundle it replaced aside: put back.
    clean_leftovers(final.parent, bundle_id)
    if fingerprint(final) == intent["fingerprint"]:
        _mark_claimed(store, intent["settlements"], bundle_id, intent["clerk"], key)
        return f"上次导出的申报包 {final} 已完整写入：其中的结算已标记为已申报"
    with store.write() as session:
        row = session.get(Setting, key)
        if row is not None:
            session.delete(row)
    return f"上次导出的申报包 {final} 未写成：其中的结算未标记为已申报"


def _mark_claimed(
    store: Store, ids: list[int], bundle_id: str, clerk: str, pending: str | None
) -> None:
    """Mark the settlements claimed in ``bundle_id`` and forget the pending claim: one
    transaction, so the mark and the record of what remains to decide never disagree. The
    bundle's slips are also logged beside the database (``claimed_log``) for a restore.

    A quarter's thousands of settlements are marked, audited and queued for the county in a
    few statements, not one ORM object each: the clerk waits for this after the copy."""
    with store.write() as session:
        row = session.get(Setting, pending) if pending else None
        if row is not None:
            session.delete(row)
        settlements = [
            settlement
            for chunk in _chunks(sorted(ids))
            for settlement in session.scalars(
                select(Settlement).where(Settlement.id.in_(chunk)).order_by(Settlement.id)
            )
        ]
        held = _claim(session, settlements, bundle_id, clerk)  # noqa: F841 (kept to the commit)
    record_claimed(store, bundle_id, [s.slip_number for s in settlements])


def claim_again_after_restore(store: Store) -> list[str]:
    """After a restore: mark again the settlements of every bundle already handed in that the
    restored database shows as unclaimed; say which handed-in slips it no longer has."""
    lost_marks, missing = unmarked_claims(store)
    notes = []
    for bundle_id, ids in lost_marks.items():
        _mark_claimed(store, ids, bundle_id, "系统", None)
        notes.append(
            f"申报包 {bundle_id} 已申报的 {len(ids)} 笔结算在恢复的数据库中未标记，已重新标记为"
            "已申报（不能再作废）"
        )
    for bundle_id, slips in missing.items():
        shown = "、".join(slips[:5]) + ("等" if len(slips) > 5 else "")
        notes.append(
            f"申报包 {bundle_id} 已申报的结算单 {shown}（共 {len(slips)} 笔）本机数据库中没有"
            "（恢复的备份早于这些结算，且未同步到中心）：请按结算单存根补录并核对"
        )
    return notes


def _claim(session, settlements: list, bundle_id: str, clerk: str) -> list:
    """Mark, audit and queue ``settlements``; returns rows the caller holds to the commit."""
    changed = [s for s in settlements if s.claimed_bundle != bundle_id]
    if not changed:
        return []
    audit.record_many(
        session,
        clerk=clerk,
        action="claim",
        entity="settlement",
        changes=[
            (s.slip_number, {"claimed_bundle": [s.claimed_bundle, bundle_id]}) for s in changed
        ],
    )
    changed_ids = [s.id for s in changed]
    for chunk in _chunks(changed_ids):
        session.execute(
            update(Settlement).where(Settlement.id.in_(chunk)).values(claimed_bundle=bundle_id),
            execution_options={"synchronize_session": False},
        )
    for settlement in changed:
        # The loaded settlements take the new value (what the outbox reads at the commit)
        # as if loaded with it, not as changes of their own: cheaper than the session
        # matching the UPDATE's criteria against each of them.
        set_committed_value(settlement, "claimed_bundle", bundle_id)
    outbox.note_updated(session, Settlement, changed_ids)
    # The outbox also reads each settlement's person and admission at the commit: loaded
    # here in a few queries (held until the commit, so the session keeps them, as it keeps
    # the settlements) instead of two look-ups per settlement.
    held = []
    for chunk in _chunks(changed):
        held += session.scalars(select(Person).where(Person.id.in_({s.person_id for s in chunk})))
        held += session.scalars(
            select(Admission).where(Admission.id.in_({s.admission_id for s in chunk} - {None}))
        )
    return held


_CHUNK = 1000  # ids per IN (…): well under any database's limit on bound parameters


def _chunks(items: list) -> list[list]:
    return [items[start : start + _CHUNK] for start in range(0, len(items), _CHUNK)]
