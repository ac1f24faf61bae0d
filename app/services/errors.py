"""The one error a service raises for bad input: which field, and why, in Chinese."""

from app.text import TextError, clean_text, required_text

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
    "referral_number": "转诊单号",
    "referral_at": "转诊时间",
    "referral_from": "转出医院",
    "referral_to": "转入医院",
    "off_roster_reason": "未在名册的登记理由",
    "discharged_at": "出院时间",
    "cancel_reason": "撤销登记理由",
    "date": "结算日期",
    "total": "医疗总费用",
    "out_of_catalog": "目录外费用",
    "basic_insurance": "基本医保支付",
    "critical_illness": "大病保险支付",
    "other_compensation": "其他补偿",
    "cause": "伤病原因",
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
}


class ServiceError(ValueError):
    """Bad input refused before anything was saved.

    ``field`` is the input's key (e.g. ``"id_number"``), ``message`` the Chinese reason;
    ``str(error)`` names the field in Chinese: ``身份证号：校验位不正确…``.
    """

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        self.label = FIELD_NAMES.get(field, field)
        super().__init__(f"{self.label}：{message}")


def checked_text(value: object, field: str, *, required: bool = True) -> str:
    """A name or number as typed, stripped (``""`` when optional and empty); ``ServiceError``
    naming ``field`` for control or invisible-only characters (see ``app.text``)."""
    try:
        return required_text(value) if required else clean_text(value)
    except TextError as exc:
        raise ServiceError(field, exc.reason) from None
