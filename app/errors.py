"""One shape for refused input, from the calculator's contract to the services and the forms.

``FieldError(field, message)``: ``field`` is the input's key (``"id_number"``, or a contract
path like ``"year_to_date.inpatient.base"``), ``message`` the Chinese reason, ``label`` the
field's Chinese name; ``str(error)`` reads ``身份证号：校验位不正确…``. A form with several bad
fields is refused with ``FieldErrors``, which is the first of them and carries them all, so a
caller that shows one error and a form that shows each beside its field both work.
"""

from collections.abc import Sequence

# The Chinese name of each input a service or form checks (the contract's are in
# ``app.settlement.claim.CLAIM_FIELDS``).
FIELD_NAMES = {
    "id_number": "身份证号",
    "name": "姓名",
    "sex": "性别",
    "birth_date": "出生日期",
    "phone": "电话",
    "address": "住址",
    "source": "来源",
    "category": "救助对象类别",
    "certificate_type": "证件类型",
    "certificate_number": "证件号码",
    "valid_from": "有效期起",
    "valid_to": "有效期止",
    "site": "医院（站点）",
    "site_code": "站点代码",
    "policy": "政策",
    "admission": "住院登记",
    "admission_number": "住院号",
    "admitted_at": "入院时间",
    "department": "科室",
    "diagnosis": "诊断",
    "facility": "医疗机构级别",
    "insurance": "参保类型",
    "visit": "就诊类型",
    "referral": "转诊",
    "referral_approved": "转诊已批准",
    "referral_number": "转诊单号",
    "referral_at": "转诊时间",
    "referral_from": "转出医院",
    "referral_to": "转入医院",
    "hospital": "就诊医院",
    "off_roster_reason": "未在名册的登记理由",
    "discharged_at": "出院时间",
    "visit_date": "就诊日期",
    "out": "输出文件",
    "cancel_reason": "撤销登记理由",
    "date": "结算日期",
    "total": "医疗总费用",
    "out_of_catalog": "目录外费用",
    "basic_insurance": "基本医保支付",
    "critical_illness": "大病保险支付",
    "other_compensation": "其他补偿",
    "cause": "伤病原因",
    "disabling": "造成残疾",
    "year_to_date": "本年累计",
    "checklist": "材料清单",
    "checklist_item": "材料",
    "scan": "扫描件",
    "supervisor": "审核主管",
    "override_reason": "放行理由",
    "slip_number": "结算单号",
    "void_reason": "作废理由",
    "clerk": "经办人",
    "roster": "名册文件",
    "excluded": "不予救助费用",
    "insurance_card": "社保卡号（医保卡号）",
    "household_size": "家庭人口",
    "household_income": "家庭年收入",
    "filled_by_kind": "填表人",
    "filled_by_name": "代填人姓名",
    "filled_by_relation": "与申请人关系",
    "account_name": "户名",
    "bank": "开户银行",
    "card_number": "银行卡号",
    "claim_number": "报销单号",
    "batch_number": "代发清单号",
    "admitted_on": "入院日期",
    "discharged_on": "出院日期",
    "materials": "申请材料",
    "return_reason": "退回理由",
    "failure_reason": "支付失败原因",
    "results": "银行回执",
    "bank_file": "银行回执文件",
    "status": "状态",
    "period": "申报期",
    "files": "申报包文件",
    "imported": "医保导入数据",
    "policy_refusal": "拒绝理由",
    "setting": "设置项",
    "slip": "结算单存档",
    "data.folder": "数据文件夹",
    "both_sides_copied": "正反两面",
}


class FieldError(ValueError):
    """Bad input for one field; nothing was saved."""

    def __init__(self, field: str, message: str, label: str | None = None):
        self.field = field
        self.message = message
        self.label = label or FIELD_NAMES.get(field, field)
        super().__init__(f"{self.label}：{message}")


class FieldErrors(FieldError):
    """Several bad fields of one form: ``errors`` in the form's order, the first one's
    ``field`` and ``message`` on the exception itself."""

    def __init__(self, errors: Sequence[FieldError]):
        if not errors:
            raise ValueError("FieldErrors needs at least one error")
        first = errors[0]
        self.errors = tuple(errors)
        super().__init__(first.field, first.message, first.label)
        self.args = ("\n".join(str(error) for error in self.errors),)

    def on(self, field: str) -> FieldError | None:
        """The error about ``field``, if there is one."""
        return next((error for error in self.errors if error.field == field), None)


class StoreRefused(Exception):
    """The store cannot be used as asked; the message (Chinese) says why and the way out.
    Raised by ``app.store_guard``; here, a leaf, so the window's start can name it before the
    window shows without importing sqlite3 and the store's marks (issue 18, point 1)."""
