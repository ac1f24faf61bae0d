"""首次启动 on a machine with no database: two clear choices, never mixed.

试用（演示数据） opens the demo store, its own file beside the real one (fictitious people, marked
演示 in the title bar, the status bar and on every paper). 正式启用 asks for the site (hospital
name, site code, level, the policy in force, the central folder) and the first administrator,
then creates the real store with those and nothing else. The work is the application layer's
(``app.desk.first_start``), off the GUI thread; this dialog collects the input and shows each
problem beside its field.
"""

from app.services import settings as store_settings
from ui.fields import CheckedLineEdit, EnterMovesOn, ErrorLabel
from ui.fitting import fit_to_screen
from ui.ops import run_in_background
from ui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.settings import DISPLAY_NAME
from ui.sign_in import RULES, NewPassword

DEMO_TEXT = (
    "打开单独的演示数据库（虚构人员、住院与结算，覆盖全部政策），用于培训和试用。"
    "演示数据库是另一个文件，标题栏、状态栏和每张打印件上都标明“演示”，不会同步到中心。"
)
REAL_TEXT = (
    "为本院建立正式数据库：填写医院信息与执行的政策，创建管理员账户，再由管理员核准政策文件。"
    "正式数据库中不会写入任何演示数据。"
)


class FirstStartWizard(EnterMovesOn, QDialog):
    """Emits ``opened(desk)``: the demo store's desk (nobody signed in yet), or the real
    store's with its administrator signed in (``desk.user``). Closing it quits the program."""

    opened = Signal(object)

    def __init__(self, target: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.target = target
        self.setWindowTitle(f"首次启动 — {DISPLAY_NAME}")
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._choice_page())
        self.pages.addWidget(self._real_page())
        self.busy = QLabel("", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.busy)
        fit_to_screen(self, 640)
        self.demo_button.setFocus()

    # --- page 1: the two choices ---------------------------------------------------------
    def _choice_page(self) -> QWidget:
        from app.desk.first_start import demo_target

        page = QWidget(self)
        heading = QLabel("<b>本机还没有数据库。</b>请选择：", page)
        self.demo_button = QPushButton("试用（演示数据）(&D)", page)
        self.demo_button.setMinimumHeight(40)
        self.demo_button.clicked.connect(self.choose_demo)
        demo_text = QLabel(f"{DEMO_TEXT}\n演示数据库：{demo_target(self.target)}", page)
        self.real_button = QPushButton("正式启用(&R)", page)
        self.real_button.setMinimumHeight(40)
        self.real_button.clicked.connect(self.choose_real)
        real_text = QLabel(f"{REAL_TEXT}\n正式数据库：{self.target}", page)
        for label in (demo_text, real_text):
            label.setWordWrap(True)
        self.choice_error = ErrorLabel(page)
        buttons = QDialogButtonBox(page)
        buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(page)
        layout.addWidget(heading)
        layout.addWidget(self.demo_button)
        layout.addWidget(demo_text)
        layout.addSpacing(12)
        layout.addWidget(self.real_button)
        layout.addWidget(real_text)
        layout.addWidget(self.choice_error)
        layout.addStretch(1)
        layout.addWidget(buttons)
        return page

    # --- page 2: the real store's site and administrator ----------------------------------
    def _real_page(self) -> QWidget:
        options = store_settings.OPTIONS
        page = QWidget(self)
        site = QGroupBox("本院信息", page)
        self.site_name = CheckedLineEdit("医院名称", options["site.name"].hint, site)
        self.site_code = CheckedLineEdit("站点代码", options["site.code"].hint, site)
        self.facility = QComboBox(site)
        for code, name in options["site.facility"].choice_list():
            self.facility.addItem(name, code)
        self.facility.setCurrentIndex(self.facility.findData("county"))
        self.policy = QComboBox(site)
        self.policy.addItem("（请选择）", "")
        for code, title in options["site.default_policy"].choice_list():
            self.policy.addItem(title, code)
        self.policy_error = ErrorLabel(site)
        self.central_folder = CheckedLineEdit(
            "中央上传文件夹", "可暂不填写，以后在“设置”中填写", site
        )
        form = QFormLayout(site)
        form.addRow("医院名称：", self.site_name)
        form.addRow("站点代码：", self.site_code)
        form.addRow("医院级别：", self.facility)
        form.addRow("执行政策：", self.policy)
        form.addRow(self.policy_error)
        form.addRow("中央上传文件夹：", self.central_folder)
        admin = QGroupBox("管理员账户", page)
        self.admin_name = CheckedLineEdit("管理员登录名", "如 zhangsan 或 张三（不含空格）", admin)
        self.new_password = NewPassword(self.admin_name.text, admin)
        self.admin_name.edited.connect(self.new_password.check)
        rules = QLabel(RULES, admin)
        rules.setWordWrap(True)
        admin_form = QFormLayout(admin)
        admin_form.addRow("登录名：", self.admin_name)
        admin_form.addRow(self.new_password)
        admin_form.addRow(rules)
        self.real_error = ErrorLabel(page)
        buttons = QDialogButtonBox(page)
        self.create_button = buttons.addButton("创建并启用", QDialogButtonBox.ButtonRole.AcceptRole)
        back = buttons.addButton("返回", QDialogButtonBox.ButtonRole.ResetRole)
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.create_real)
        buttons.rejected.connect(self.reject)
        self.new_password.again.edit.returnPressed.connect(self.create_real)
        layout = QVBoxLayout(page)
        layout.addWidget(site)
        layout.addWidget(admin)
        layout.addWidget(self.real_error)
        layout.addWidget(buttons)
        return page

    def _fields(self) -> dict:
        return {
            "site.name": self.site_name,
            "site.code": self.site_code,
            "sync.central_folder": self.central_folder,
            "user": self.admin_name,
            "new_password": self.new_password.password,
        }

    # --- the choices -----------------------------------------------------------------------
    def choose_demo(self) -> None:
        from app.desk.first_start import demo_target, open_demo

        target = self.target
        self._working(f"正在打开演示数据库 {demo_target(target)}（首次需约半分钟）…")
        run_in_background(lambda: open_demo(target, ""), self._opened, self._failed, owner=self)

    def choose_real(self) -> None:
        self.pages.setCurrentIndex(1)
        self.site_name.edit.setFocus()

    def create_real(self) -> None:
        from app.desk.first_start import SiteForm

        for field in self._fields().values():
            field.set_error(None)
        self.policy_error.show_error(None)
        self.real_error.show_error(None)
        if not self.new_password.require():
            return
        site = SiteForm(
            name=self.site_name.text(),
            code=self.site_code.text(),
            facility=self.facility.currentData(),
            default_policy=self.policy.currentData(),
            central_folder=self.central_folder.text(),
        )
        target, name, password = self.target, self.admin_name.text(), self.new_password.text()
        self._working("正在创建正式数据库…")

        def start():
            from app.desk.first_start import start_real_store

            return start_real_store(target, site, name, password)

        run_in_background(start, self._opened, self._refused, owner=self)

    def _working(self, text: str) -> None:
        self.busy.setText(text)
        for button in (self.demo_button, self.real_button, self.create_button):
            button.setEnabled(False)

    def _idle(self) -> None:
        self.busy.setText("")
        for button in (self.demo_button, self.real_button, self.create_button):
            button.setEnabled(True)

    def _opened(self, desk) -> None:
        self.desk = desk
        self.opened.emit(desk)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._idle()
        self.choice_error.show_error(str(exc))

    def _refused(self, exc: Exception) -> None:
        self._idle()
        fields = self._fields()
        shown = False
        for error in getattr(exc, "errors", (exc,)):
            key = getattr(error, "field", "")
            if key in fields:
                fields[key].set_error(error.message)
                shown = True
            elif key == "site.default_policy":
                self.policy_error.show_error(str(error))
                shown = True
            elif key == "site.facility":
                self.real_error.show_error(str(error))
                shown = True
        if not shown:
            self.real_error.show_error(str(exc))
