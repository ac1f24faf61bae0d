"""The national medical-insurance codes beside ours: the one table (policies/README.md lists it).

Exports carry them next to our codes (the ``settle`` result, the bundle's report.xlsx detail):
险种 ``insutype``, 医疗类别 ``med_type`` and 基金支付类型 ``fund_pay_type`` from the national
medical-insurance information platform's dictionaries, and the site's 6-digit GB/T 2260
region, which the policy file gives (``region_code``). A code we have no national code for is
left out rather than guessed.
"""

from collections.abc import Mapping

# 险种类型 insutype.
INSUTYPE = {"employee": "310", "resident": "390"}
INSUTYPE_NAMES = {"310": "职工基本医疗保险", "390": "城乡居民基本医疗保险"}

# 医疗类别 med_type. 门诊慢特病 (14) covers both our chronic and our special-disease outpatient
# visits: the platform does not tell them apart.
MED_TYPE = {
    "outpatient_general": "11",
    "emergency": "13",
    "outpatient_chronic": "14",
    "outpatient_special": "14",
    "inpatient": "21",
}
MED_TYPE_NAMES = {"11": "普通门诊", "13": "急诊", "14": "门诊慢特病", "21": "普通住院"}

# 基金支付类型 fund_pay_type of each of our funds (app.vocabulary.FUNDS). 610100 is the national
# 医疗救助基金; 620100, 630100 and 640100 are the codes 湖南's platform uses for 特惠保,
# 医院减免 and 政府兜底. app.insurance_import reads them back the other way.
FUND_PAY_TYPE = {
    "medical_assistance": "610100",
    "insurer": "620100",
    "hospital": "630100",
    "fiscal": "640100",
}
FUND_PAY_TYPE_NAMES = {
    "610100": "医疗救助基金",
    "620100": "特惠保",
    "630100": "医院减免",
    "640100": "政府兜底",
}


def national_codes(
    *,
    insurance: str,
    visit: str,
    region_code: str | None = None,
    category: str | None = None,
    own: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, str]:
    """The national codes of one claim: ``insutype``, ``med_type``, ``admdvs`` (the region)
    and ``category`` (the county's own code for it), each only where there is one. ``own`` is
    a policy's ``[national_codes]`` table, which wins over the national defaults."""
    own = own or {}
    codes = {}
    insutype = own.get("insutype", {}).get(insurance) or INSUTYPE.get(insurance)
    if insutype:
        codes["insutype"] = insutype
    med_type = own.get("med_type", {}).get(visit) or MED_TYPE.get(visit)
    if med_type:
        codes["med_type"] = med_type
    if region_code:
        codes["admdvs"] = region_code
    if category and own.get("category", {}).get(category):
        codes["category"] = own["category"][category]
    return codes


def fund_pay_type(fund: str, own: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """The fund's 基金支付类型, or "" when it has none."""
    return (own or {}).get("fund_pay_type", {}).get(fund) or FUND_PAY_TYPE.get(fund, "")


def contract_codes(policy, claim: Mapping[str, object], layers: list[Mapping]) -> dict:
    """The ``national_codes`` object of the ``settle`` result: the claim's codes, and the
    ``fund_pay_type`` of each layer (by the layer's code) whose fund has one. ``policy`` is the
    policy definition (``region_code``, ``national_codes``)."""
    own = policy.national_codes.as_tables()
    codes: dict[str, object] = national_codes(
        insurance=str(claim.get("insurance", "")),
        visit=str(claim.get("visit", "")),
        region_code=policy.region_code,
        category=str(claim.get("category", "")),
        own=own,
    )
    codes["fund_pay_type"] = {
        layer["code"]: code
        for layer in layers
        if (code := fund_pay_type(str(layer.get("fund", "")), own))
    }
    return codes
