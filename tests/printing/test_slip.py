"""The settlement slip, rendered for each policy and read back with pdftotext and zbarimg."""

import io
import pickle
import subprocess
import sys
from decimal import ROUND_DOWN, Decimal

import pypdf
import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from conftest import CASES, squeeze
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.lib.units import mm

from app.fonts import MissingGlyphError
from app.printing.capital import capital_figures
from app.printing.code128 import QUIET_MODULES
from app.printing.paper_sizes import SLIP_PAPERS
from app.printing.records import HOSPITAL_COPY, PATIENT_COPY, Patient
from app.printing.slip import BARCODE_MODULE, SHEETS, render_slip

PAPERS = sorted(SLIP_PAPERS)


def test_slip_shows_amounts_capitals_names_and_clauses(case, make_slip, read_text):
    slip = make_slip(case)
    pages = read_text(render_slip(slip, paper="A5"))

    assert len(pages) == 2
    assert "第一联患者留存" in pages[0]
    assert "第二联医院留存" in pages[1]
    # The slip's title as the policy file names it (靖江 第二十四条(五): 精准医疗结算单).
    title = "精准医疗结算单" if case.policy == "jingjiang" else "城乡医疗救助“一站式”即时结算单"
    for page in pages:
        assert title in page
        if case.policy == "jingjiang":
            assert "即时结算单" not in page
        assert case.slip_number in page
        assert case.patient.name in page
        assert case.patient.id_number in page
        assert case.patient.category in page
        assert "示例县人民医院" in page
        assert "ZY2026-0815" in page and "社区获得性肺炎" in page
        assert "12天" in page  # 2026-04-28 to 2026-05-10
        for key in ("total", "out_of_catalog", "basic_insurance", "critical_illness"):
            assert case.claim[key] in page
        assert f"救助合计{case.assistance}" in page
        if case.advanced:
            assert f"医院减免{case.hospital_reduction}" in page
            assert f"医院垫付（申报）{case.advanced}" in page
            assert "医院垫付（窗口支付）" not in page
        else:
            assert f"医院垫付（窗口支付）{case.paid_at_window}" in page
        assert f"个人自付{case.patient_pays}" in page
        for capital in case.capitals:
            assert f"人民币{capital}" in page
        assert squeeze(slip.policy.title) in page
        assert squeeze(slip.policy.document_number) in page
        for clause in slip.clauses:
            assert squeeze(f"[{clause.clause}]") in page
        assert f"文档编号：JS-{case.slip_number}" in page
        assert f"政策版本：{slip.policy.policy_id}{slip.policy.version}" in page


def test_slip_lists_each_layer_of_the_hunan_chain(make_slip, read_text):

    page = read_text(render_slip(make_slip(CASES["hunan"]), paper="A5"))[0]
    # 5000 + 7000 + 300 + 0, worked by hand in conftest.
    for name, amount in [
        ("扶贫特惠保", "5000.00"),
        ("医疗救助", "7000.00"),
        ("医院减免", "300.00"),
        ("财政兜底", "0.00"),
    ]:
        assert f"{name}{amount}" in page


def test_year_end_settlement_says_so_and_pays_nothing_at_the_window(make_slip, read_text):

    page = read_text(render_slip(make_slip(CASES["weihai"]), paper="A5"))[0]
    assert "结算方式：年底统一救助" in page
    assert "医院垫付（窗口支付）0.00大写：人民币零元整" in page


def test_year_so_far_and_cap_left_are_printed(make_slip, read_text):

    ytd = {"inpatient": {"base": "1000.00", "assistance": "700.00"}}
    slip = make_slip(CASES["lanxi"], claim={"year_to_date": ytd})
    page = read_text(render_slip(slip, paper="A5"))[0]
    # 700 before + 15000 × 70% now = 11200; cap 80000 − 11200 = 68800.
    assert "本年度住院累计救助（含本次）：11200.00元" in page
    assert "本次前：700.00元" in page
    assert "年度救助封顶线剩余：68800.00元" in page


def test_outpatient_year_line_names_its_pool(make_slip, read_text):
    # 台儿庄 chronic outpatient: 20% of (600 − 100) = 100; 1000 − 300 before − 100 = 600.
    claim = {
        "visit": "outpatient_chronic",
        "total": "600.00",
        "out_of_catalog": "0.00",
        "basic_insurance": "100.00",
        "critical_illness": "0.00",
        "year_to_date": {
            "inpatient": {"base": "9000.00", "assistance": "6300.00"},
            "outpatient": {"base": "1500.00", "assistance": "300.00"},
        },
    }
    page = read_text(render_slip(make_slip(CASES["taierzhuang"], claim=claim), paper="A5"))[0]
    assert "本年度门诊累计救助（含本次）：400.00元" in page
    assert "本次前：300.00元" in page
    assert "门诊年度救助限额剩余：600.00元" in page


def test_a_cap_over_both_pools_says_so(make_slip, read_text):
    # 威海 低保 chronic outpatient 70%: (1000 − 0) × 70% = 700; one 50000 cap over both pools:
    # before 20000 + 1000 = 21000; 50000 − 21700 = 28300.
    claim = {
        "visit": "outpatient_chronic",
        "category": "minimum_living",
        "total": "1000.00",
        "out_of_catalog": "0.00",
        "basic_insurance": "0.00",
        "critical_illness": "0.00",
        "year_to_date": {
            "inpatient": {"base": "30000.00", "assistance": "20000.00"},
            "outpatient": {"base": "2000.00", "assistance": "1000.00"},
        },
    }
    page = read_text(render_slip(make_slip(CASES["weihai"], claim=claim), paper="A5"))[0]
    assert "本年度住院、门诊合计累计救助（含本次）：21700.00元" in page
    assert "年度累计救助限额剩余：28300.00元" in page


def test_fen_and_jiao_in_capital_figures(make_slip, read_text):

    claim = {
        "total": "4234.56",
        "out_of_catalog": "0.00",
        "basic_insurance": "3000.00",
        "critical_illness": "0.00",
    }
    page = read_text(render_slip(make_slip(CASES["lanxi"], claim=claim), paper="A5"))[0]
    # base 1234.56 × 70% = 864.192 -> 864.19; patient 4234.56 − 3000 − 864.19 = 370.37
    assert "救助合计864.19大写：人民币捌佰陆拾肆元壹角玖分" in page
    assert "个人自付370.37大写：人民币叁佰柒拾元叁角柒分" in page


@pytest.mark.parametrize("paper", PAPERS)
def test_barcode_scans_back_to_the_slip_number(case, make_slip, read_barcodes, paper):
    pdf = render_slip(make_slip(case), paper=paper)
    pages = read_barcodes(pdf)
    assert pages, "no page rendered"
    for symbols in pages:
        assert symbols, "zbarimg found no barcode"
        assert set(symbols) == {case.slip_number}


@pytest.mark.parametrize("paper", PAPERS)
def test_preview_is_marked_and_carries_no_barcode(case, make_slip, read_barcodes, paper):
    slip = make_slip(case)
    preview = render_slip(slip, paper=paper, preview=True)
    pages = pypdf.PdfReader(io.BytesIO(preview)).pages
    printed = pypdf.PdfReader(io.BytesIO(render_slip(slip, paper=paper))).pages
    assert len(pages) == len(printed)
    for page in pages:
        # 预览 stamped across each copy (rotated text: read in content order with pypdf)
        assert page.extract_text().count("预览") >= len(SHEETS[paper].origins) + 1
    assert read_barcodes(preview) == [[]] * len(pages)


def _bars_and_others(page) -> tuple[list, list]:
    """The page's objects as (left, bottom, right, top) boxes in points: the barcode's bars
    (narrow, tall, filled paths) and everything else drawn."""
    bars, others = [], []
    for item in page.get_objects():
        box = item.get_bounds()
        left, bottom, right, top = box
        tall = 2 * mm < top - bottom < 20 * mm  # bars, not the cut line
        if item.type == pdfium_c.FPDF_PAGEOBJ_PATH and right - left < 2 * mm and tall:
            bars.append(box)
            continue
        others.append(box)
    return bars, others


def _frame_of(sheet, box) -> int:
    """Which of the sheet's frames holds ``box`` (left, bottom, right, top in points)."""
    for index, (x, y) in enumerate(sheet.origins):
        if x <= box[0] < x + sheet.frame.width and y <= box[1] < y + sheet.frame.height:
            return index
    raise AssertionError(f"{box} lies in no frame")


@pytest.mark.parametrize("paper", PAPERS)
def test_barcode_is_ten_mm_tall_with_its_quiet_zones_clear(make_slip, paper):
    slip = make_slip(CASES["taierzhuang"], reprint_count=3, voided=True, void_reason="录入错误")
    document = pypdfium2.PdfDocument(render_slip(slip, paper=paper))
    sheet = SHEETS[paper]
    copies = 0
    for page in document:
        bars, others = _bars_and_others(page)
        # one symbol per frame (frames side by side on A4, one above the other on 241×279)
        for frame in {_frame_of(sheet, bar) for bar in bars}:
            mine = [bar for bar in bars if _frame_of(sheet, bar) == frame]
            copies += 1
            left = min(bar[0] for bar in mine)
            right = max(bar[2] for bar in mine)
            bottom = max(bar[1] for bar in mine)
            top = min(bar[3] for bar in mine)
            assert top - bottom >= 10 * mm - 0.01
            quiet = QUIET_MODULES * BARCODE_MODULE
            for zone in ((left - quiet, left), (right, right + quiet)):
                for other in others:
                    overlaps_x = other[0] < zone[1] - 0.01 and other[2] > zone[0] + 0.01
                    overlaps_y = other[1] < top and other[3] > bottom
                    # the void stamp is translucent, drawn over everything on purpose
                    assert not (overlaps_x and overlaps_y and other[2] - other[0] < 100 * mm), (
                        zone,
                        other,
                    )
            frame_right = sheet.origins[frame][0] + sheet.frame.width
            assert frame_right - right >= quiet
    assert copies == 2


def test_a4_puts_both_copies_on_one_landscape_sheet(make_slip, read_text):

    pages = read_text(render_slip(make_slip(CASES["lanxi"]), paper="A4"))
    assert len(pages) == 1
    assert "第一联患者留存" in pages[0] and "第二联医院留存" in pages[0]


def test_site_may_print_one_copy_only(make_slip, read_text):

    pages = read_text(render_slip(make_slip(CASES["lanxi"]), paper="A5", copies=[HOSPITAL_COPY]))
    assert len(pages) == 1
    # The hospital's copy keeps its number printed alone (as in the claim bundle).
    assert "第二联医院留存" in pages[0]
    assert "患者留存" not in pages[0] and "第一联" not in pages[0]


@pytest.mark.parametrize("paper", PAPERS)
def test_copies_keep_their_numbers_in_any_order(make_slip, read_text, paper):
    pdf = render_slip(make_slip(CASES["lanxi"]), paper=paper, copies=[HOSPITAL_COPY, PATIENT_COPY])
    text = "".join(read_text(pdf))
    assert text.index("第二联医院留存") < text.index("第一联患者留存")


def test_reprint_is_marked_with_its_count(make_slip, read_text):

    first = read_text(render_slip(make_slip(CASES["lanxi"]), paper="A5"))[0]
    third = read_text(render_slip(make_slip(CASES["lanxi"], reprint_count=2), paper="A5"))[0]
    assert "补打" not in first
    assert "补打（第2次）" in third


def test_voided_settlement_is_marked_void_with_its_reason(make_slip, read_text):

    live = read_text(render_slip(make_slip(CASES["lanxi"]), paper="A5"))[0]
    voided = make_slip(CASES["lanxi"], voided=True, void_reason="金额录入错误")
    page = read_text(render_slip(voided, paper="A5"))[0]
    assert "作废" not in live
    assert "本结算已作废：金额录入错误" in page
    # The stamp across the page is rotated text, which pdftotext -layout leaves out: read the
    # page in content order with pypdf as well.
    reader = pypdf.PdfReader(io.BytesIO(render_slip(voided, paper="A5")))
    assert reader.pages[0].extract_text().count("作废") == 2  # the reason line and the stamp


def test_same_settlement_gives_identical_bytes_even_in_another_process(make_slip, tmp_path):

    slip = make_slip(CASES["hunan"])
    here = render_slip(slip, paper="A4", copies=[PATIENT_COPY, HOSPITAL_COPY])
    assert render_slip(slip, paper="A4") == here
    # A fresh interpreter registers the fonts anew and reads no clock into the file.
    script = (
        "import pickle,sys\n"
        "from app.printing.slip import render_slip\n"
        "slip = pickle.loads(sys.stdin.buffer.read())\n"
        "sys.stdout.buffer.write(render_slip(slip, paper='A4'))\n"
    )
    other = subprocess.run(
        [sys.executable, "-c", script], input=pickle.dumps(slip), capture_output=True, check=True
    ).stdout
    assert other == here
    assert b"CreationDate" not in here or b"D:20000101000000" in here


def test_different_settlements_give_different_bytes(make_slip):

    one = render_slip(make_slip(CASES["lanxi"]))
    other = render_slip(make_slip(CASES["lanxi"], reprint_count=1))
    assert one != other


def test_rare_character_in_a_name_is_reported_not_dropped(make_slip):

    rare = Patient("张𠮷", "男", "330781196807120026", "低保对象")
    with pytest.raises(MissingGlyphError) as raised:
        render_slip(make_slip(CASES["lanxi"], patient=rare))
    assert "患者姓名" in str(raised.value)
    assert "𠮷" in str(raised.value)
    assert [(item.field, item.char) for item in raised.value.missing] == [("患者姓名", "𠮷")]


def test_fonts_are_embedded_as_subsets(make_slip, tmp_path):

    path = tmp_path / "fonts.pdf"
    path.write_bytes(render_slip(make_slip(CASES["lanxi"])))
    listing = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    rows = listing.splitlines()[2:]
    assert rows, listing
    for row in rows:
        name, *_, emb, sub, _uni, _obj, _gen = row.split()
        assert "+" in name and emb == "yes" and sub == "yes", row
    assert any("DroidSansFallback" in row for row in rows)


@pytest.mark.parametrize(
    ("paper", "pages_expected"), [("A5", 4), ("A4", 2), ("241x140", 4), ("241x279", 2)]
)
def test_clauses_that_do_not_fit_continue_on_a_marked_page(
    make_slip, read_text, paper, pages_expected
):
    from dataclasses import replace

    from app.printing.records import Clause

    slip = make_slip(CASES["hunan"])
    many = slip.clauses + tuple(
        Clause(f"附{n}", f"第{n}条示例说明：按示例县参数逐项列明的计算过程", None)
        for n in range(40)
    )
    pages = read_text(render_slip(replace(slip, clauses=many), paper=paper))
    assert len(pages) == pages_expected
    text = "".join(pages)
    for n in range(40):
        assert f"[附{n}]第{n}条示例说明" in text
    assert "第一联患者留存（续页）" in text and "第二联医院留存（续页）" in text
    assert text.count(f"结算单号：{slip.slip_number}") == 4


def test_ineligible_claim_prints_the_reason_and_nothing_paid(make_slip, read_text):
    # 台儿庄 excludes traffic accidents: no assistance, the patient pays 52000−30000−5000.
    slip = make_slip(CASES["taierzhuang"], claim={"cause": "traffic_accident"})
    assert not slip.eligible
    page = read_text(render_slip(slip, paper="A5"))[0]
    assert f"不予救助：{squeeze(slip.reason)}" in page
    assert "救助合计0.00大写：人民币零元整" in page
    assert "个人自付17000.00大写：人民币壹万柒仟元整" in page


def test_outpatient_settlement_leaves_admission_fields_blank(make_slip, read_text):
    slip = make_slip(
        CASES["lanxi"],
        claim={
            "visit": "outpatient_general",
            "total": "800.00",
            "out_of_catalog": "0.00",
            "basic_insurance": "300.00",
            "critical_illness": "0.00",
        },
        admission_number="",
        department="",
        diagnosis="",
        admitted_on=None,
        discharged_on=None,
    )
    page = read_text(render_slip(slip, paper="A5"))[0]
    assert "就诊类型普通门诊" in page
    assert "住院天数" in page and "天" not in page.split("住院天数")[1][:3]
    # 低保 outpatient is paid in full up to 2000 a year: 800 − 300 = 500
    assert "救助合计500.00大写：人民币伍佰元整" in page


amounts = st.integers(min_value=0, max_value=999_999_999).map(lambda fen: Decimal(fen) / 100)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(total=amounts, share=st.integers(0, 100), out=st.integers(0, 100))
def test_any_bill_reads_back_with_matching_capital_figures(make_slip, read_text, total, share, out):
    # basic insurance pays share% of the bill; out% of the rest is outside the catalogue
    basic = (total * share / 100).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    out_of_catalog = ((total - basic) * out / 100).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    claim = {
        "total": str(total),
        "basic_insurance": str(basic),
        "out_of_catalog": str(out_of_catalog),
        "critical_illness": "0.00",
    }
    slip = make_slip(CASES["lanxi"], claim=claim)
    page = read_text(render_slip(slip, paper="A5"))[0]
    assert slip.paid_at_window + slip.patient_pays == total - basic
    for label, amount in [("救助合计", slip.assistance), ("个人自付", slip.patient_pays)]:
        assert f"{label}{amount}大写：人民币{capital_figures(amount)}" in page
    assert f"医疗总费用{total}" in page
