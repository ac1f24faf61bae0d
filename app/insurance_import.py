"""The national medical-insurance platform's settlement result, read from a file the hospital
system exports, and mapped to our amounts (pure: no store, no Qt).

The platform's inpatient settlement output is ``setlinfo`` (one settlement's figures) and
``setldetail`` (what each fund paid, by ``fund_pay_type``). A hospital exports it as

- JSON: one record ``{"setlinfo": {...}, "setldetail": [...]}``, optionally wrapped as
  ``{"output": {...}}`` (the interface's own envelope), or a list of such records;
- CSV (UTF-8 with or without BOM, or GBK) with the ``setlinfo`` column names: one row per
  settlement, or one row per ``setldetail`` line (columns ``fund_pay_type`` and
  ``fund_payamt``, the ``setlinfo`` columns repeated; rows with the same ``setl_id`` are one
  settlement and must agree on them).

A record is matched to an open admission by ``ipt_no`` (住院号, the hospital's number the
hospital system adds from its 入院办理) or else by ``certno`` (身份证号; ``psn_cert_no`` also
read); a record whose ``certno`` or ``psn_name`` is not that admission's person is not
imported (``PlatformSettlement.not_of``). ``IMPORT_MAP`` below is the one table from their figures to ours; ``PLATFORM_FUNDS``
says which of our funds each of their assistance payments is.

A bad file is refused whole (``ImportFileError``: every problem with its line and field), so
nothing is ever half-imported; so is one that gives a figure twice (a CSV header or a JSON key
repeated, the same fund line listed twice), never resolved to one of them. Amounts follow ``app.money.parse_amount``: ``1,200.00`` is
refused with the line and the field named, not read as 1200.
"""

from __future__ import annotations

import csv
import io
import json
import json.scanner
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from app.errors import FieldError, FieldErrors
from app.identity import compact_id
from app.money import ZERO, AmountError, fmt, parse_amount
from app.vocabulary import FUND_NAMES

# Our amount <- the platform's setlinfo figures, added up. Why each:
# - total: 医疗费总额.
# - out_of_catalog: 全自费 (items outside the catalogue) plus 超限价自费 (the part of a price
#   above the catalogue's limit): both lie outside the 政策范围 (inscp_scp_amt) the insurances
#   and our assistance base count, so both are what our forms call 目录外费用.
# - basic_insurance: 基本医疗保险统筹基金支出.
# - critical_illness: 居民大病保险 (hifmi_pay) plus 职工大额医疗费用补助 (hifob_pay): each is the
#   layer after the basic fund for its insurance, and a person has only one of them.
# - other_compensation: 其他支出 (oth_pay) plus what the patient's other schemes paid:
#   补充医疗保险 (hifes_pay, e.g. an employer's) and 公务员医疗补助 (cvlserv_pay). Every policy
#   takes such payments out of the base (兰溪 三(二) “其他补充医疗保险补偿”, 台儿庄 四 “各种医疗保险
#   报销”, 威海 二(三) 单位报销, 靖江 第十九条 “其他第三方补偿”), and a file may omit both.
# - excluded (政策规定从基数扣除的费用) has no platform figure: the clerk types it.
# maf_pay (医疗救助基金支出) is not one of our amounts: it is the platform's own 医疗救助 share,
# compared with our calculation (``PLATFORM_FUNDS``), never added to the bill.
IMPORT_MAP: dict[str, tuple[str, ...]] = {
    "total": ("medfee_sumamt",),
    "out_of_catalog": ("fulamt_ownpay_amt", "overlmt_selfpay"),
    "basic_insurance": ("hifp_pay",),
    "critical_illness": ("hifmi_pay", "hifob_pay"),
    "other_compensation": ("oth_pay", "hifes_pay", "cvlserv_pay"),
}
# The Chinese name of each platform figure, for messages and the documentation.
PLATFORM_FIELD_NAMES = {
    "medfee_sumamt": "医疗费总额",
    "fulamt_ownpay_amt": "全自费金额",
    "overlmt_selfpay": "超限价自费费用",
    "inscp_scp_amt": "符合政策范围金额",
    "hifp_pay": "基本医疗保险统筹基金支出",
    "hifmi_pay": "居民大病保险资金支出",
    "hifob_pay": "职工大额医疗费用补助基金支出",
    "maf_pay": "医疗救助基金支出",
    "oth_pay": "其他支出",
    "hifes_pay": "补充医疗保险基金支出",
    "cvlserv_pay": "公务员医疗补助资金支出",
    "psn_part_amt": "个人负担总金额",
    "fund_payamt": "基金支付金额",
    "fund_pay_type": "基金支付类型",
}
# Columns a settlement must carry (an empty cell is 0, except the total's).
REQUIRED_FIELDS = (
    "medfee_sumamt",
    "fulamt_ownpay_amt",
    "overlmt_selfpay",
    "hifp_pay",
    "hifmi_pay",
    "hifob_pay",
    "maf_pay",
    "oth_pay",
)
OPTIONAL_AMOUNTS = ("inscp_scp_amt", "psn_part_amt", "hifes_pay", "cvlserv_pay")
ADMISSION_KEYS = ("ipt_no",)
ID_KEYS = ("certno", "psn_cert_no")
# Their fund_pay_type -> our fund (app.vocabulary.FUNDS). 610100 is the national code of the
# 医疗救助基金; 620100, 630100 and 640100 are 湖南's 特惠保, 医院减免 and 政府兜底.
PLATFORM_FUNDS = {
    "610100": "medical_assistance",
    "620100": "insurer",
    "630100": "hospital",
    "640100": "fiscal",
}
MAF_FUND_PAY_TYPE = "610100"
ENCODINGS = ("utf-8-sig", "gbk")
# The deepest a file's JSON needs is a list of {"output": {"setlinfo": [{…}]}}: five levels.
MAX_DEPTH = 16


class ImportFileError(FieldErrors):
    """A file refused whole; ``problems`` are FieldErrors whose field reads ``第N行 key``."""

    def __init__(self, file_name: str, problems: list[FieldError]):
        super().__init__(problems)
        self.file_name = file_name
        self.problems = problems
        shown = "\n".join(f"  {problem}" for problem in problems[:20])
        more = f"\n  ……另有 {len(problems) - 20} 处" if len(problems) > 20 else ""
        self.args = (f"文件 {file_name} 未导入（一条也没有导入）：\n{shown}{more}",)


@dataclass(frozen=True)
class PlatformSettlement:
    """One settlement as the platform made it.

    Attributes:
      line: the file's line where the record starts (1-based).
      admission_number, id_number: what it is matched by ("" when the file has none).
      amounts: our amounts (yuan, Decimal) by ``IMPORT_MAP``; ``excluded`` is not among them.
      funds: what the platform paid from each of our funds (``PLATFORM_FUNDS``), yuan.
      figures: every platform figure read (yuan, Decimal), for the record kept in the store.
    """

    line: int
    admission_number: str
    id_number: str
    name: str
    settlement_id: str
    amounts: dict[str, Decimal]
    funds: dict[str, Decimal]
    figures: dict[str, Decimal] = field(default_factory=dict)

    @property
    def label(self) -> str:
        who = self.admission_number or self.id_number or "?"
        return f"第{self.line}行 {self.name or ''}（{who}）".replace(" （", "（")

    def amounts_text(self) -> dict[str, str]:
        return {key: fmt(value) for key, value in self.amounts.items()}

    def funds_text(self) -> dict[str, str]:
        return {key: fmt(value) for key, value in self.funds.items()}

    def not_of(self, id_number: str, name: str) -> str:
        """What of this record (its ``certno``, its ``psn_name``) names someone other than the
        person with ``id_number`` and ``name``: "身份证号", "姓名", both, or "" if none."""
        wrong = []
        if self.id_number and self.id_number != compact_id(id_number):
            wrong.append("身份证号")
        if self.name and _same_name(self.name) != _same_name(name):
            wrong.append("姓名")
        return "和".join(wrong)


# The middle dot of a minority name, as different input methods type it.
_NAME_DOTS = str.maketrans(dict.fromkeys("・•‧⋅．.", "·"))


def _same_name(name: str) -> str:
    return "".join(name.split()).translate(_NAME_DOTS)


# --- reading the file ------------------------------------------------------------------------
def decode(data: bytes, file_name: str) -> str:
    """The file's text: UTF-8 (with or without BOM), else GBK; refused naming the first line
    neither can read."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8:
        try:
            return data.decode("gbk")
        except UnicodeDecodeError:
            line = data[: utf8.start].count(b"\n") + 1
            raise ImportFileError(
                file_name,
                [
                    FieldError(
                        f"第{line}行", "编码无法识别：既不是 UTF-8 也不是 GBK，请另存为 UTF-8"
                    )
                ],
            ) from None


def read_file(data: bytes, file_name: str) -> list[PlatformSettlement]:
    """Every settlement of a JSON or CSV file (by its first non-blank character), or
    ``ImportFileError`` listing every problem."""
    text = decode(data, file_name)
    if text.lstrip()[:1] in ("{", "["):
        records = _json_records(text, file_name)
    else:
        records = _csv_records(text, file_name)
    problems: list[FieldError] = []
    settlements = []
    for line, info, details in records:
        try:
            settlements.append(_settlement(line, info, details))
        except ImportFileError as exc:
            problems.extend(exc.problems)
    if not settlements and not problems:
        problems.append(FieldError("第1行", "文件中没有结算记录"))
    if problems:
        raise ImportFileError(file_name, problems)
    return settlements


Record = tuple[int, Mapping[str, object], list[tuple[int, Mapping[str, object]]]]


def _json_records(text: str, file_name: str) -> list[Record]:
    too_deep = FieldError("第1行", f"JSON 嵌套层数过深（最多 {MAX_DEPTH} 层），不是医保结算文件")
    try:
        data = _PositionDecoder().decode(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            file_name, [FieldError(f"第{exc.lineno}行", f"不是有效的 JSON（第{exc.colno}列）")]
        ) from None
    except _RepeatedKey as exc:
        raise ImportFileError(
            file_name,
            [FieldError(f"第{exc.line}行 {exc.key}", "在同一对象中出现了两次，请只保留一个")],
        ) from None
    except RecursionError:
        raise ImportFileError(file_name, [too_deep]) from None
    if _depth_over(data, MAX_DEPTH):
        raise ImportFileError(file_name, [too_deep])
    items = data if isinstance(data, list) else [data]
    records = []
    for index, item in enumerate(items, 1):
        line = _line_of(item, 1)
        if isinstance(item, dict) and isinstance(item.get("output"), dict):
            item = item["output"]
        info = item.get("setlinfo") if isinstance(item, dict) else None
        if isinstance(info, list) and len(info) == 1:
            info = info[0]
        if not isinstance(info, dict):
            raise ImportFileError(
                file_name, [FieldError(f"第{line}行 setlinfo", f"第{index}条记录缺少结算信息")]
            )
        details = item.get("setldetail") or []
        if not isinstance(details, list) or not all(isinstance(d, dict) for d in details):
            raise ImportFileError(
                file_name, [FieldError(f"第{line}行 setldetail", "应为基金支付明细的列表")]
            )
        records.append((_line_of(info, line), info, [(_line_of(d, line), d) for d in details]))
    return records


class _Located(dict):
    """A JSON object with the line it starts on and the line of each of its keys."""

    start_line: int = 1
    key_lines: dict[str, int]


def _line_of(value: object, default: int) -> int:
    return value.start_line if isinstance(value, _Located) else default


def _key_line(source: Mapping[str, object], key: str, default: int) -> int:
    return source.key_lines.get(key, default) if isinstance(source, _Located) else default


def _depth_over(data: object, limit: int) -> bool:
    # Iterative on purpose: the value may be too deep to recurse through.
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)
    return False


class _RepeatedKey(Exception):
    def __init__(self, line: int, key: str):
        super().__init__(key)
        self.line = line
        self.key = key


class _PositionDecoder(json.JSONDecoder):
    """Notes the line of each JSON object and of each of its keys, so a problem names its line.

    Numbers with a fraction stay text (``parse_float=str``): an amount never passes a float.
    A key given twice in one object is refused (``_RepeatedKey``), not resolved to the last.
    """

    def __init__(self):
        # object_pairs_hook=list: the plain parser hands back the pairs, repeats and all.
        super().__init__(parse_float=str, parse_constant=_refuse_constant, object_pairs_hook=list)
        plain = self.parse_object

        def parse_object(s_and_end, *args, **kwargs):
            source, start = s_and_end
            pairs, end = plain(s_and_end, *args, **kwargs)
            located = _Located()
            located.start_line = source.count("\n", 0, start) + 1
            located.key_lines = {}
            found_at: dict[str, int] = {}
            for key, value in pairs:
                at = source.find(json.dumps(key, ensure_ascii=False), found_at.get(key, start), end)
                line = source.count("\n", 0, at) + 1 if at >= 0 else located.start_line
                if key in located:
                    raise _RepeatedKey(line, key)
                located[key] = value
                if at >= 0:
                    found_at[key] = at + 1
                    located.key_lines[key] = line
            return located, end

        self.parse_object = parse_object
        # The C scanner would not call parse_object: the pure-Python one does.
        self.scan_once = json.scanner.py_make_scanner(self)


def _refuse_constant(name: str) -> object:
    raise json.JSONDecodeError(f"JSON 中不能有 {name}", name, 0)


def _csv_records(text: str, file_name: str) -> list[Record]:
    rows = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip() for cell in next(rows, [])]
    # A column named twice would have its last one win, silently: refused instead.
    repeated = [
        FieldError(f"第1行 {key}", f"表头中有 {header.count(key)} 列同名，无法确定用哪一列")
        for index, key in enumerate(header)
        if key and header.index(key) == index and header.count(key) > 1
    ]
    if repeated:
        raise ImportFileError(file_name, repeated)
    missing = [key for key in REQUIRED_FIELDS if key not in header]
    if not any(key in header for key in ADMISSION_KEYS + ID_KEYS):
        missing.append("ipt_no 或 certno")
    long_form = "fund_pay_type" in header
    if long_form:
        missing += [key for key in ("fund_payamt", "setl_id") if key not in header]
    if missing:
        raise ImportFileError(
            file_name, [FieldError(f"第1行 {key}", "缺少此列") for key in missing]
        )
    records: list[Record] = []
    by_settlement: dict[str, Record] = {}
    problems = []
    for line, cells in enumerate(rows, 2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                FieldError(f"第{line}行", f"有 {len(cells)} 列，表头有 {len(header)} 列")
            )
            continue
        row = {key: cell.strip() for key, cell in zip(header, cells, strict=True)}
        if not long_form:
            records.append((line, row, []))
            continue
        detail = {"fund_pay_type": row["fund_pay_type"], "fund_payamt": row["fund_payamt"]}
        known = by_settlement.get(row["setl_id"])
        if known is None:
            by_settlement[row["setl_id"]] = known = (line, row, [])
            records.append(known)
        else:
            for key in header:
                if key not in ("fund_pay_type", "fund_payamt") and row[key] != known[1][key]:
                    problems.append(
                        FieldError(
                            f"第{line}行 {key}",
                            f"与同一结算（setl_id {row['setl_id']}）第{known[0]}行不一致",
                        )
                    )
        if detail["fund_pay_type"]:
            known[2].append((line, detail))
    if problems:
        raise ImportFileError(file_name, problems)
    return records


# --- one settlement --------------------------------------------------------------------------
def _amount(line: int, source: Mapping[str, object], key: str, required: bool) -> Decimal:
    line = _key_line(source, key, line)
    value = source.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise FieldError(f"第{line}行 {key}", f"{PLATFORM_FIELD_NAMES[key]}不能为空")
        return ZERO
    try:
        return parse_amount(value)
    except AmountError as exc:
        raise FieldError(
            f"第{line}行 {key}", f"{PLATFORM_FIELD_NAMES.get(key, key)}：{exc.reason}"
        ) from None


def _text(source: Mapping[str, object], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = source.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _settlement(
    line: int, info: Mapping[str, object], details: list[tuple[int, Mapping[str, object]]]
) -> PlatformSettlement:
    problems: list[FieldError] = []
    figures: dict[str, Decimal] = {}
    for key in REQUIRED_FIELDS + OPTIONAL_AMOUNTS:
        if key not in info and key in REQUIRED_FIELDS:
            problems.append(FieldError(f"第{line}行 {key}", "缺少此字段"))
            continue
        try:
            figures[key] = _amount(line, info, key, required=key == "medfee_sumamt")
        except FieldError as exc:
            problems.append(exc)
    admission_number = _text(info, ADMISSION_KEYS)
    id_number = compact_id(_text(info, ID_KEYS))
    if not admission_number and not id_number:
        problems.append(
            FieldError(f"第{line}行 ipt_no", "住院号（ipt_no）和身份证号（certno）都为空")
        )
    paid: dict[str, Decimal] = {}
    seen: dict[str, int] = {}
    for detail_line, detail in details:
        code = str(detail.get("fund_pay_type") or "").strip()
        try:
            amount = _amount(detail_line, detail, "fund_payamt", required=True)
        except FieldError as exc:
            problems.append(exc)
            continue
        # Lines of one fund with different figures are added up (a fund may pay in several
        # layers); the very same line twice is the file repeating it, which would double the
        # payment (in a long-form CSV every other column must agree, so it is the same row).
        same = repr(sorted((str(key), str(value)) for key, value in detail.items()))
        if same in seen:
            problems.append(
                FieldError(
                    f"第{detail_line}行 fund_pay_type",
                    f"与第{seen[same]}行是同一笔基金支付（{code}，{fmt(amount)} 元），"
                    "重复列出会使该基金的支付加倍：请删去重复的一行",
                )
            )
            continue
        seen[same] = detail_line
        if code in PLATFORM_FUNDS:
            paid[code] = paid.get(code, ZERO) + amount
    if problems:
        raise ImportFileError("", problems)
    amounts = {
        ours: sum((figures[theirs] for theirs in keys), ZERO) for ours, keys in IMPORT_MAP.items()
    }
    funds = {PLATFORM_FUNDS[code]: amount for code, amount in paid.items()}
    # maf_pay is the same 医疗救助 payment as a 610100 line: the line wins when there is one.
    if MAF_FUND_PAY_TYPE not in paid and figures["maf_pay"] > ZERO:
        funds[PLATFORM_FUNDS[MAF_FUND_PAY_TYPE]] = figures["maf_pay"]
    return PlatformSettlement(
        line=line,
        admission_number=admission_number,
        id_number=id_number,
        name=_text(info, ("psn_name",)),
        settlement_id=_text(info, ("setl_id",)),
        amounts=amounts,
        funds=funds,
        figures=figures,
    )


# --- beside our calculation ------------------------------------------------------------------
@dataclass(frozen=True)
class FundDifference:
    """What the platform paid from one of our funds beside what we computed (strings, yuan).

    ``layers`` names our layers of that fund (the policy's own names); ``differs`` is true for
    a difference of one fen or more.
    """

    fund: str
    fund_name: str
    layers: str
    platform: str
    ours: str
    difference: str
    differs: bool

    def sentence(self) -> str:
        said = f"医保平台已付{self.fund_name} {self.platform} 元，本院计算（{self.layers}）{self.ours} 元"
        return said + (f"，相差 {self.difference} 元" if self.differs else "，一致")


def compare(platform_funds: Mapping[str, str], result: Mapping) -> list[FundDifference]:
    """Each fund the platform paid from (amounts as strings, yuan) against the layers of our
    calculator ``result`` (the contract's JSON) borne by the same fund."""
    compared = []
    for fund, paid_text in platform_funds.items():
        paid = parse_amount(paid_text)
        layers = [layer for layer in result.get("layers", ()) if layer.get("fund") == fund]
        ours = sum((parse_amount(layer["amount"]) for layer in layers), ZERO)
        difference = ours - paid
        compared.append(
            FundDifference(
                fund=fund,
                fund_name=FUND_NAMES.get(fund, fund),
                layers="、".join(layer["name"] for layer in layers) or "无此层",
                platform=fmt(paid),
                ours=fmt(ours),
                difference=fmt(difference) if difference >= ZERO else "-" + fmt(-difference),
                differs=abs(difference) >= Decimal("0.01"),
            )
        )
    return compared
