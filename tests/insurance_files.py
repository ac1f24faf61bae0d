"""Settlement files shaped like the national insurance platform's output (setlinfo, setldetail)
for the import tests: 兰溪 低保 patients, total 9000.00, basic insurance 5000.00, so our 医疗救助
is (9000 − 5000) × 70% = 2800.00."""

import json


def setlinfo(number="ZY001", certno="", **figures) -> dict:
    info = {
        "setl_id": f"S{number}",
        "mdtrt_id": f"M{number}",
        "psn_name": "测试1",
        "ipt_no": number,
        "certno": certno,
        "insutype": "390",
        "med_type": "21",
        "medfee_sumamt": "9000.00",
        "fulamt_ownpay_amt": "0.00",
        "overlmt_selfpay": "0.00",
        "inscp_scp_amt": "9000.00",
        "hifp_pay": "5000.00",
        "hifmi_pay": "0.00",
        "hifob_pay": "0.00",
        "maf_pay": "2800.00",
        "oth_pay": "0.00",
        "psn_part_amt": "1200.00",
    }
    info.update(figures)
    return info


def json_file(*records: tuple[dict, list[dict]]) -> bytes:
    """The interface's envelope for one record, a list of them for several."""
    shaped = [{"output": {"setlinfo": info, "setldetail": details}} for info, details in records]
    body = shaped[0] if len(shaped) == 1 else shaped
    return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")


def detail(fund_pay_type: str, amount: str) -> dict:
    return {"fund_pay_type": fund_pay_type, "fund_payamt": amount, "fund_pay_type_name": ""}


def csv_file(rows: list[dict], encoding="utf-8-sig") -> bytes:
    header = list(rows[0])
    lines = [",".join(header)] + [",".join(str(row[key]) for key in header) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)
