"""Referral form (湖南), materials sheet (every policy; 靖江 article 24 for referral claims) and
application form (威海), read back with pdftotext."""

from datetime import date
from decimal import Decimal

import pytest
from conftest import CASES, SITE, squeeze

from app.fonts import MissingGlyphError
from app.printing.application_weihai import render_weihai_application
from app.printing.checklists import checklist_items, common_article, required_documents
from app.printing.from_contract import policy_ref
from app.printing.materials_sheet import render_materials_sheet
from app.printing.records import ApplicationData, Clause, MaterialsData, Patient, ReferralData
from app.printing.referral_hunan import POVERTY_BOXES, poverty_identities, render_hunan_referral
from app.vocabulary import DOCUMENT_STAGE_NAMES

HUNAN_PATIENT = Patient(
    "测试戊",
    "男",
    "430521195509090035",
    "建档立卡贫困人口",
    date(1955, 9, 9),
    "13800000000",
    "湖南省示例县示例镇示例村3组",
    "43052100000123",
)


def hunan_referral(policies, categories) -> ReferralData:
    loaded = policies["hunan"]
    return ReferralData(
        document_id="ZZ-HN01-2026-000001",
        policy=policy_ref(loaded.definition, "2018-08-01", loaded.sha256),
        site=SITE,
        patient=HUNAN_PATIENT,
        poverty_identities=poverty_identities(categories),
        diagnosis="肺部阴影待查",
        receiving_hospital="省级示例医院",
        applied_on=date(2026, 5, 10),
    )


def test_hunan_referral_has_every_field_of_the_seed_form_in_three_marked_copies(
    policies, read_text
):
    pages = read_text(render_hunan_referral(hunan_referral(policies, ["registered_poor"])))
    assert len(pages) == 3
    holders = ["医保经办机构留存", "转出医院留存", "转入医院留存"]
    for index, (page, holder) in enumerate(zip(pages, holders, strict=True)):
        assert f"第{'一二三'[index]}联{holder}" in page
        assert "湖南省农村贫困人口县域外就医转诊单" in page
        # The seed attachment's fields, in its words.
        for label in [
            "患者姓名",
            "性别",
            "出生年月",
            "联系电话",
            "家庭住址",
            "身份证号",
            "社保卡号",
            "(医保卡号)",
            "贫困人口身份属性",
            "疾病初步诊断",
            "个人申请",
            "申请人签字：",
            "转出医院",
            "(医保科)意见",
            "统筹区医保经办机构审核意见",
            "(公章)",
        ]:
            assert squeeze(label) in page, label
        for value in [
            "测试戊",
            "1955年9月",
            "13800000000",
            "湖南省示例县示例镇示例村3组",
            "430521195509090035",
            "43052100000123",
            "肺部阴影待查",
            "示例县人民医院",
            "省级示例医院",
            "2026年5月10日",
        ]:
            assert value in page, value
        assert "此表一式3份，分别由医保经办机构、转出医院和转入医院留存" in page
        assert "身份证(户口本)及社保卡(医保卡)复印件" in page
        assert "文档编号：ZZ-HN01-2026-000001" in page
        assert "政策版本：hunan2018-08-01" in page


@pytest.mark.parametrize(
    ("categories", "ticked"),
    [
        (["registered_poor"], {"建档立卡贫困户"}),
        (["minimum_living", "poor_disabled"], {"低保对象", "贫困残疾人"}),
        (["destitute"], {"特困人员"}),
        (["near_poverty"], set()),
    ],
)
def test_hunan_poverty_boxes_are_ticked_per_category(policies, read_text, categories, ticked):
    page = read_text(render_hunan_referral(hunan_referral(policies, categories)))[0]
    for name in POVERTY_BOXES:
        assert (f"✓{name}" in page) == (name in ticked), name
        assert name in page


def materials_for(policies, policy_id: str) -> MaterialsData:
    """The stage a claim outside the window needs: referral, else out-of-area, else discharge."""
    loaded = policies[policy_id]
    version = loaded.definition.versions[-1]
    stage = next(s for s in ("referral", "out_of_area", "discharge") if s in version.documents)
    documents = required_documents(version, [stage])
    # Record every other item as done, to see ticks and gaps both.
    recorded = {doc.code: (True, True, False, False) for doc in documents[::2]}
    return MaterialsData(
        document_id=f"CL-{policy_id}-0001",
        policy=policy_ref(loaded.definition, version.effective_from.isoformat(), loaded.sha256),
        site=SITE,
        patient=CASES[policy_id].patient,
        admission_number="ZY2026-0815",
        diagnosis="社区获得性肺炎",
        items=checklist_items(documents, recorded),
        article=common_article(doc.clause for doc in documents),
        sheet_title=f"{DOCUMENT_STAGE_NAMES[stage]}材料清单",
        clerk="窗口甲",
        checked_on=date(2026, 5, 10),
    )


def test_materials_sheet_for_each_policy_ticks_what_was_recorded(case, policies, read_text):
    data = materials_for(policies, case.policy)
    page = read_text(render_materials_sheet(data))[0]
    assert squeeze(data.sheet_title) in page
    assert case.patient.name in page and case.patient.id_number in page
    for item in data.items:
        # a long name wraps inside its cell; its first line is whole
        assert squeeze(item.name)[:12] in page
    done = sum(1 for item in data.items if item.copy_kept)
    assert f"共{len(data.items)}项，已备齐{done}项" in page
    assert page.count("✓") == 2 * done  # original sighted + copy kept, per recorded item
    assert f"政策版本：{case.policy}" in page


def test_jingjiang_referral_sheet_lists_article_24(policies, read_text):
    data = materials_for(policies, "jingjiang")
    page = read_text(render_materials_sheet(data))[0]
    assert data.article == "第二十四条"
    assert "依据：《靖江市精准医疗救助扶贫实施办法》（靖政办发〔2018〕107号）第二十四条" in page
    for material in [
        "救助对象本人身份证正反两面复印件",
        "银行卡正反两面复印件",
        "特殊病种门诊病历复印件、出院小结",
        "发票或发票复印件、费用清单、基本医疗保险结算单",
        "转诊手续、相关基层定点医院精准医疗结算单",
    ]:
        assert material in page
    # items 1, 3, 5 recorded: 2 and 4 are missing.
    assert "共5项，已备齐3项，尚缺第2、4项" in page


def weihai_application(policies, **changes) -> ApplicationData:
    loaded = policies["weihai"]
    version = loaded.definition.versions[-1]
    documents = required_documents(version, ["admission", "discharge", "quarterly_claim"], "三(二)")
    recorded = {"id_card": (True, True, True, True), "income_proof": (True, True, False, False)}
    fields = dict(
        document_id="SQ-WH01-2026-000001",
        policy=policy_ref(loaded.definition, "2017-03-15", loaded.sha256),
        site=SITE,
        patient=CASES["weihai"].patient,
        year=2026,
        household_address="山东省威海市经济技术开发区示例街道示例社区12号",
        admission_number="ZY2026-0815",
        diagnosis="社区获得性肺炎",
        admitted_on=date(2026, 4, 28),
        discharged_on=date(2026, 5, 10),
        total=Decimal("62000.00"),
        basic_insurance=Decimal("30000.00"),
        critical_illness=Decimal("5000.00"),
        other_compensation=Decimal("0.00"),
        self_pay=Decimal("25000.00"),
        # (25000 − 20000) × 60% for 低收入, worked in conftest
        estimated_assistance=Decimal("3000.00"),
        attachments=checklist_items(documents, recorded),
        clauses=(
            Clause("二(二)2(2)", "低收入救助对象超过2万元的部分按60%救助", Decimal("3000.00")),
        ),
        category_code="low_income",
    )
    fields.update(changes)
    return ApplicationData(**fields)


def test_weihai_application_three_copies_filled_from_the_case(policies, read_text):
    pages = read_text(render_weihai_application(weihai_application(policies)))
    assert len(pages) == 3
    for index, page in enumerate(pages):
        assert f"第{'一二三'[index]}联（共3联）" in page
        assert "2026年度困难群众医疗及重特大疾病救助申请表" in page
        for value in [
            "测试丙",
            "371002197001010011",
            "山东省威海市经济技术开发区示例街道示例社区12号",
            "ZY2026-0815",
            "社区获得性肺炎",
            "2026-04-28至2026-05-10",
        ]:
            assert value in page, value
        assert "医疗总费用（元）62000.00" in page
        assert "基本医保报销（元）30000.00" in page
        assert "大病保险报销（元）5000.00" in page
        assert "个人自负合规费用25000.00" in page
        assert "测算救助金额3000.00" in page
        assert "人民币叁仟元整" in page
        assert "[二(二)2(2)]" in page
        assert "✓低收入救助对象" in page
        for other in ["重点救助对象", "因病致贫家庭重病患者", "其他特殊困难人员"]:
            assert other in page and f"✓{other}" not in page
        # attachments of 三(二), ticked from the checklist (id card and income proof kept)
        assert "✓1.居民身份证（正反两面）" in page
        assert "✓5.家庭收入证明" in page
        assert "2.户口本" in page and "✓2.户口本" not in page
        for step in ["村（居）委会", "镇（街道）", "公示3天", "区社会事务", "审批意见"]:
            assert step in page
        # who filled it in is not recorded: the boxes are left for the pen
        for kind in ("本人", "直系亲属", "监护人"):
            assert kind in page and f"✓{kind}" not in page


def test_weihai_application_by_a_relative_names_them(policies, read_text):
    data = weihai_application(
        policies, filled_by_kind="relative", filled_by="测试己", filled_by_relation="子女"
    )
    page = read_text(render_weihai_application(data))[0]
    assert "✓直系亲属" in page and "✓本人" not in page and "✓监护人" not in page
    assert "代填人测试己" in page
    assert "与申请人关系子女" in page


def test_forms_report_characters_the_fonts_lack(policies):
    with pytest.raises(MissingGlyphError, match="户籍地址"):
        render_weihai_application(weihai_application(policies, household_address="𠮷村"))
    referral = hunan_referral(policies, ["registered_poor"])
    rare = Patient("张𠮷", "男", "430521195509090035", "建档立卡贫困人口")
    with pytest.raises(MissingGlyphError, match="患者姓名"):
        render_hunan_referral(ReferralData(**{**referral.__dict__, "patient": rare}))


def test_forms_are_byte_identical_on_reprint(policies):
    referral = hunan_referral(policies, ["registered_poor"])
    assert render_hunan_referral(referral) == render_hunan_referral(referral)
    application = weihai_application(policies)
    assert render_weihai_application(application) == render_weihai_application(application)
