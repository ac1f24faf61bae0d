"""Slip content from the stored ``settle`` contract: the claim JSON and the result JSON exactly
as they were kept, so a reprint shows what was settled then, whatever the policy says today.

The money on a slip comes only from here; people, admissions and the site come from the store.
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from app.money import ZERO, D
from app.policy.funds import fund_of, layer_funds
from app.policy.schema import PolicyDef
from app.printing.records import Clause, Layer, Patient, PolicyRef, Site, SlipData
from app.vocabulary import ASSISTANCE_FUND, SETTLE_MODE_NAMES, VISIT_NAMES


def policy_ref(policy: PolicyDef, version: str | None, sha256: str = "") -> PolicyRef:
    """Title and 文号 from the policy; ``version`` is the result's ``policy_version``."""
    named = next(
        (v.slip for v in policy.versions if v.effective_from.isoformat() == version and v.slip),
        None,
    )
    return PolicyRef(
        policy_id=policy.id,
        title=policy.title,
        document_number=policy.document_number,
        version=version or "（无适用版本）",
        file_sha256=sha256,
        slip_title=named.title if named else "",
    )


def capped_pools(policy: PolicyDef, version: str | None, pool: str | None) -> tuple[str, ...]:
    """The pools whose assistance counts against the same annual cap as ``pool`` (威海's cap
    covers both); just ``pool`` when no cap covers it."""
    if pool is None:
        return ()
    pools = {pool}
    for candidate in policy.versions:
        if candidate.effective_from.isoformat() != version:
            continue
        for cap in candidate.caps:
            if pool in cap.pools and cap.layer is None:
                pools.update(cap.pools)
    return tuple(sorted(pools))


def assistance_before(
    claim: Mapping, pools: tuple[str, ...], layers: Sequence[str] | None = None
) -> Decimal:
    """Assistance this person had this year before the claim, in ``pools`` (yuan); only the
    layers ``layers`` names where it names any."""
    year_to_date = claim.get("year_to_date") or {}
    total = ZERO
    for pool in pools:
        part = year_to_date.get(pool) or {}
        if layers is None:
            total += D(part.get("assistance", "0"))
        else:
            total += sum((D((part.get("layers") or {}).get(code, "0")) for code in layers), ZERO)
    return total


def assistance_fund_share(
    result: Mapping, funds: Mapping[str, str]
) -> tuple[list[str], Decimal] | None:
    """On a chain of payers (湖南): the 医疗救助 fund's layers and what they pay now, which
    the year's line counts beside the 医疗救助 cap; None for a result of one layer. ``funds``:
    the policy's (``layer_funds``), for a result stored before layers named their fund."""
    layers = [layer for layer in result["layers"] if fund_of(layer, funds) == ASSISTANCE_FUND]
    if len(result["layers"]) < 2 or not layers:
        return None
    return [layer["code"] for layer in layers], sum((D(layer["amount"]) for layer in layers), ZERO)


def slip_from_contract(
    *,
    claim: Mapping,
    result: Mapping,
    policy: PolicyDef,
    policy_sha256: str,
    document_id: str,
    slip_number: str,
    site: Site,
    patient: Patient,
    admission_number: str,
    department: str,
    diagnosis: str,
    admitted_on: date | None,
    discharged_on: date | None,
    clerk: str,
    settled_at: datetime,
    voided: bool = False,
    void_reason: str = "",
    reprint_count: int = 0,
    visit_date: date | None = None,
) -> SlipData:
    """A ``SlipData`` from a stored claim and result (contract dicts, money as strings)."""
    version = result.get("policy_version")
    pools = capped_pools(policy, version, result.get("pool"))
    share = assistance_fund_share(result, layer_funds(policy))
    cap_remaining = result.get("cap_remaining")
    mode = result.get("settle_mode")
    return SlipData(
        document_id=document_id,
        slip_number=slip_number,
        policy=policy_ref(policy, version, policy_sha256),
        site=site,
        patient=patient,
        visit=VISIT_NAMES.get(claim["visit"], claim["visit"]),
        visit_date=visit_date,
        admission_number=admission_number,
        department=department,
        diagnosis=diagnosis,
        admitted_on=admitted_on,
        discharged_on=discharged_on,
        total=D(claim["total"]),
        out_of_catalog=D(claim.get("out_of_catalog") or "0"),
        basic_insurance=D(claim.get("basic_insurance") or "0"),
        critical_illness=D(claim.get("critical_illness") or "0"),
        other_compensation=D(claim.get("other_compensation") or "0"),
        base=D(result["base"]),
        layers=tuple(Layer(layer["name"], D(layer["amount"])) for layer in result["layers"]),
        assistance=D(result["assistance"]),
        paid_at_window=D(result["paid_at_window"]),
        patient_pays=D(result["patient_pays"]),
        assistance_before=assistance_before(claim, pools, None if share is None else share[0]),
        cap_remaining=None if cap_remaining is None else D(cap_remaining),
        settle_mode=SETTLE_MODE_NAMES.get(mode, "不予救助") if mode else "不予救助",
        eligible=bool(result["eligible"]),
        reason=result.get("reason") or "",
        clauses=tuple(
            Clause(
                step["clause"],
                step["text"],
                None if step.get("amount") is None else D(step["amount"]),
            )
            for step in result["steps"]
        ),
        clerk=clerk,
        settled_at=settled_at,
        voided=voided,
        void_reason=void_reason,
        reprint_count=reprint_count,
        cap_name=result.get("cap_name") or "",
        year_pools=pools,
        year_assistance=None if share is None else share[1],
        advanced=None if result.get("advanced") is None else D(result["advanced"]),
        hospital_reduction=D(result.get("hospital_reduction") or "0"),
    )
