"""The contract's codes and their Chinese names.

These are the words of the public ``settle`` contract; policy files may only use these codes.
"""

from typing import Literal, get_args

Category = Literal[
    "destitute",
    "minimum_living",
    "near_poverty",
    "registered_poor",
    "illness_poverty",
    "low_income",
    "orphan_child",
    "poor_disabled",
    "laid_off_1960s",
    "priority_veteran",
    "severe_mental_illness",
    "hardship_worker",
    "other",
]
Visit = Literal[
    "inpatient", "outpatient_special", "outpatient_chronic", "outpatient_general", "emergency"
]
Insurance = Literal["resident", "employee"]
Facility = Literal["grassroots", "county", "outside"]
Pool = Literal["inpatient", "outpatient"]
SettleMode = Literal["instant", "year_end", "office"]
Cause = Literal[
    "traffic_accident",
    "traffic_accident_no_liable_party",
    "medical_accident",
    "safety_accident",
    "self_harm",
    "alcohol",
    "fight",
    "crime",
    "free_treatment",
    "judicial_appraisal",
    "work_injury",
    "occupational_disease",
    "maternity",
    "cosmetic",
    "accident",
    "third_party_liability",
    "mass_emergency",
]
ClaimPeriod = Literal["quarter", "month"]
# What an admission row records: a stay in hospital, or one outpatient visit settled at the
# window (its 就诊日期 in ``admitted_at``, no 住院号 of the hospital's own).
AdmissionKind = Literal["inpatient", "outpatient"]
DocumentStage = Literal[
    "admission", "discharge", "referral", "out_of_area", "quarterly_claim", "outpatient"
]
# The forms a policy may print (its ``[[versions.paper]]``), each drawn by the renderer registered
# under that name in app/printing/forms.py. The settlement slip is not among them: every
# settlement prints one.
PaperForm = Literal["referral", "application", "materials"]
# Who bears a layer: the hospital claims every fund back except its own reduction.
Fund = Literal["medical_assistance", "insurer", "fiscal", "hospital"]

# The bill as the contract, the forms and the claim report list it (yuan).
AMOUNT_FIELDS = (
    "total",
    "out_of_catalog",
    "basic_insurance",
    "critical_illness",
    "other_compensation",
    "excluded",
)

CATEGORIES: tuple[str, ...] = get_args(Category)
VISITS: tuple[str, ...] = get_args(Visit)
INSURANCES: tuple[str, ...] = get_args(Insurance)
FACILITIES: tuple[str, ...] = get_args(Facility)
POOLS: tuple[str, ...] = get_args(Pool)
CAUSES: tuple[str, ...] = get_args(Cause)
FUNDS: tuple[str, ...] = get_args(Fund)
PAPER_FORMS: tuple[str, ...] = get_args(PaperForm)
ADMISSION_KINDS: tuple[str, ...] = get_args(AdmissionKind)

CATEGORY_NAMES = {
    "destitute": "特困供养人员",
    "minimum_living": "低保对象",
    "near_poverty": "低保边缘",
    "registered_poor": "建档立卡贫困人口",
    "illness_poverty": "因病致贫",
    "low_income": "低收入救助对象",
    "orphan_child": "孤残儿童/困境儿童",
    "poor_disabled": "贫困残疾人",
    "laid_off_1960s": "60年代精减退职职工",
    "priority_veteran": "重点优抚对象",
    "severe_mental_illness": "低收入家庭重度精神病患者",
    "hardship_worker": "特困职工",
    "other": "其他特殊困难人员",
}
VISIT_NAMES = {
    "inpatient": "住院",
    "outpatient_special": "特殊病种门诊",
    "outpatient_chronic": "慢性病门诊",
    "outpatient_general": "普通门诊",
    "emergency": "急诊",
}
INSURANCE_NAMES = {"resident": "城乡居民医保", "employee": "职工医保"}
FACILITY_NAMES = {
    "grassroots": "基层定点医疗机构",
    "county": "县(市、区)级定点医疗机构",
    "outside": "统筹区外或非定点医疗机构",
}
# Where a stay may be a referral in (its papers, its filing deadline); outside the area it must be.
REFERRAL_FACILITIES = ("county", "outside")
POOL_NAMES = {"inpatient": "住院", "outpatient": "门诊"}
SETTLE_MODE_NAMES = {
    "instant": "即时结算（窗口垫付）",
    "year_end": "年底统一救助（由主管部门另行发放）",
    "office": "到镇（街）经办机构结算",
}
CAUSE_NAMES = {
    "traffic_accident": "交通事故",
    "traffic_accident_no_liable_party": "交通事故（无赔偿责任方）",
    "medical_accident": "医疗事故",
    "safety_accident": "安全事故",
    "self_harm": "自杀、自伤、自残",
    "alcohol": "酗酒",
    "fight": "打架斗殴",
    "crime": "违法犯罪",
    "free_treatment": "已享受国家免费治疗",
    "judicial_appraisal": "司法鉴定",
    "work_injury": "工伤",
    "occupational_disease": "职业病",
    "maternity": "生育、孕产期保健",
    "cosmetic": "美容保健",
    "accident": "意外伤害",
    "third_party_liability": "应由第三方负担",
    "mass_emergency": "突发疾病流行或自然灾害大范围救治",
}
FUND_NAMES = {
    "medical_assistance": "医疗救助资金",
    "insurer": "商业保险（承办保险公司）",
    "fiscal": "财政兜底资金",
    "hospital": "医院减免（医院自担，不申报）",
}
# A fund the hospital does not claim back: what it waives is its own reduction, not an advance.
HOSPITAL_FUND = "hospital"
# The fund whose caps are "the policy's assistance cap" on a slip (年度限额剩余).
ASSISTANCE_FUND = "medical_assistance"
DOCUMENT_STAGE_NAMES = {
    "admission": "入院备案",
    "discharge": "出院结算",
    "referral": "转诊",
    "out_of_area": "区外就医结报",
    "quarterly_claim": "定期申报",
    "outpatient": "门诊救助",
}
CLAIM_PERIOD_NAMES = {"quarter": "季度", "month": "月度"}
PAPER_FORM_NAMES = {"referral": "转诊单", "application": "救助申请表", "materials": "材料清单"}
# Who filled in an application (威海 三(一): 由于特殊情况不能本人填写的可由其直系亲属或监护人代填).
FILLER_KINDS = {"self": "本人", "relative": "直系亲属", "guardian": "监护人"}
