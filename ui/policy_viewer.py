"""政策条款: the rules of a policy version in force, each with the clause it comes from.

Shown straight from the loaded policy file; rates and amounts are printed as written there.
"""

from app.money import fmt, fmt_rate
from app.vocabulary import (
    CATEGORY_NAMES,
    CAUSE_NAMES,
    CLAIM_PERIOD_NAMES,
    DOCUMENT_STAGE_NAMES,
    FACILITY_NAMES,
    INSURANCE_NAMES,
    POOL_NAMES,
    SETTLE_MODE_NAMES,
    VISIT_NAMES,
)
from ui.fitting import fit_to_screen
from ui.qt import (
    QComboBox,
    QDate,
    QDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)


def _names(codes, names: dict[str, str]) -> str:
    return "、".join(names.get(code, code) for code in codes) or "全部"


def _version_label(version) -> str:
    until = version.effective_to.isoformat() if version.effective_to else "至今"
    return f"{version.effective_from.isoformat()} 起（{until}）"


class PolicyViewer(QDialog):
    def __init__(self, policy_id: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        from app.services.policies import installed_policies

        self.setWindowTitle("政策条款查看")
        fit_to_screen(self, 1000, 680)
        self.policies = installed_policies()
        self.policy = QComboBox(self)
        for pid, loaded in self.policies.items():
            self.policy.addItem(f"{loaded.definition.title}（{loaded.definition.region}）", pid)
        self.policy.setCurrentIndex(max(self.policy.findData(policy_id), 0))
        self.version = QComboBox(self)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["项目", "内容", "条款"])
        self.tree.setWordWrap(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        form = QFormLayout()
        form.addRow("政策：", self.policy)
        form.addRow("版本：", self.version)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.heading)
        layout.addWidget(self.tree, 1)
        self.policy.currentIndexChanged.connect(self._policy_changed)
        self.version.currentIndexChanged.connect(self._show_version)
        self._policy_changed()

    def _definition(self):
        return self.policies[self.policy.currentData()].definition

    def _policy_changed(self) -> None:
        definition = self._definition()
        self.heading.setText(
            f"<b>{definition.title}</b>　{definition.document_number}　"
            f"{definition.issuer}　{definition.region}"
        )
        in_force = definition.version_on(QDate.currentDate().toPython())
        self.version.blockSignals(True)
        self.version.clear()
        for index, version in enumerate(definition.versions):
            mark = "（现行）" if version is in_force else ""
            self.version.addItem(_version_label(version) + mark, index)
            if version is in_force:
                self.version.setCurrentIndex(index)
        self.version.blockSignals(False)
        self._show_version()

    def _show_version(self) -> None:
        version = self._definition().versions[self.version.currentData() or 0]
        self.tree.clear()
        self._section(
            "救助对象",
            [
                (
                    CATEGORY_NAMES.get(code, code),
                    f"{c.name}；证件：{'、'.join(c.certificates) or '—'}"
                    + (f"；{c.text}" if c.text else ""),
                    c.clause,
                )
                for code, c in version.categories.items()
            ],
        )
        self._section(
            "参保类型",
            [
                (
                    "救助的参保人员",
                    _names(version.insurance.types, INSURANCE_NAMES)
                    + (f"；{version.insurance.text}" if version.insurance.text else ""),
                    version.insurance.clause,
                ),
            ],
        )
        self._section(
            "就诊类型",
            [
                (VISIT_NAMES.get(code, code), f"计入{POOL_NAMES[v.pool]}；{v.text}", v.clause)
                for code, v in version.visits.items()
            ],
        )
        self._section(
            "救助基数与转诊",
            [
                (
                    "救助基数",
                    version.base.text
                    + ("（含目录外费用）" if version.base.includes_out_of_catalog else ""),
                    version.base.clause,
                ),
                ("转诊", version.referral.text, version.referral.clause),
            ],
        )
        self._section(
            "救助规则", [line for rule in version.rules for line in self._rule_lines(rule)]
        )
        self._section(
            "年度封顶",
            [
                (
                    cap.name,
                    f"{fmt(cap.amount)} 元；适用：{_names(cap.pools, POOL_NAMES)}"
                    + (f"；{cap.text}" if cap.text else ""),
                    cap.clause,
                )
                for cap in version.caps
            ],
        )
        self._section(
            "不予救助",
            [
                (
                    _names(e.causes, CAUSE_NAMES) if e.causes else _names(e.visits, VISIT_NAMES),
                    e.text,
                    e.clause,
                )
                for e in version.exclusions
            ],
        )
        settle = version.settle
        self._section(
            "结算方式",
            [
                (
                    "一般",
                    SETTLE_MODE_NAMES[settle.mode] + (f"；{settle.text}" if settle.text else ""),
                    settle.clause,
                ),
                *[
                    (
                        f"例外：{_names(o.categories, CATEGORY_NAMES)}",
                        SETTLE_MODE_NAMES[o.mode] + (f"；{o.text}" if o.text else ""),
                        o.clause,
                    )
                    for o in settle.overrides
                ],
                (
                    "申报周期",
                    CLAIM_PERIOD_NAMES[version.claim_period.period],
                    version.claim_period.clause,
                ),
            ],
        )
        self._section(
            "备案时限",
            [
                (
                    f"{'入院' if d.event == 'admission' else '转诊'}后 {d.hours} 小时",
                    d.text
                    + (f"（{_names(d.facilities, FACILITY_NAMES)}）" if d.facilities else ""),
                    d.clause,
                )
                for d in version.deadlines
            ],
        )
        for stage, documents in version.documents.items():
            self._section(
                f"所需材料：{DOCUMENT_STAGE_NAMES.get(stage, stage)}",
                [(doc.name, self._document_text(doc), doc.clause) for doc in documents],
            )
        if version.notes:
            self._section("说明", [("", version.notes, "")])
        self.tree.expandAll()

    @staticmethod
    def _document_text(doc) -> str:
        wanted = [
            w
            for w, on in (
                ("查验原件", doc.original),
                ("留存复印件", doc.copy_kept),
                ("正反面", doc.both_sides),
            )
            if on
        ]
        text = "、".join(wanted)
        if doc.alternatives:
            text += f"；可用{'、'.join(doc.alternatives)}代替"
        return text + (f"；{doc.note}" if doc.note else "")

    @staticmethod
    def _rule_lines(rule) -> list[tuple[str, str, str]]:
        scope = (
            f"对象：{_names(rule.categories, CATEGORY_NAMES)}；"
            f"就诊：{_names(rule.visits, VISIT_NAMES)}；"
            f"机构：{_names(rule.facilities, FACILITY_NAMES)}"
        )
        lines = [(rule.name, scope + (f"；{rule.text}" if rule.text else ""), rule.clause)]
        if rule.deductible:
            lines.append(
                ("　起付线", f"{fmt(rule.deductible)} 元", rule.deductible_clause or rule.clause)
            )
        for tier in rule.tiers:
            upper = f"{fmt(tier.to)} 元" if tier.to is not None else "以上"
            lines.append(
                (
                    "　分段比例",
                    f"{fmt(tier.from_)} 元 – {upper}：{fmt_rate(tier.rate)}"
                    + (f"；{tier.text}" if tier.text else ""),
                    tier.clause,
                )
            )
        if rule.patient_share is not None:
            lines.append(("　个人自付比例", fmt_rate(rule.patient_share), rule.clause))
        return lines

    def _section(self, title: str, lines: list[tuple[str, str, str]]) -> None:
        if not lines:
            return
        section = QTreeWidgetItem(self.tree, [title, "", ""])
        font = section.font(0)
        font.setBold(True)
        section.setFont(0, font)
        for name, text, clause in lines:
            QTreeWidgetItem(section, [name, text, clause])

    def rows(self) -> list[tuple[str, str, str, str]]:
        """Every line shown: (section, item, text, clause)."""
        shown = []
        for s in range(self.tree.topLevelItemCount()):
            section = self.tree.topLevelItem(s)
            for c in range(section.childCount()):
                child = section.child(c)
                shown.append((section.text(0), child.text(0), child.text(1), child.text(2)))
        return shown
