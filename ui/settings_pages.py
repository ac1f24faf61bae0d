"""Settings pages in the manner of Picard's options pages: a name, a title, an order, the
options they hold, ``load()`` from QSettings and ``save()`` to it, registered with one call."""

from app.vocabulary import FACILITY_NAMES
from ui import settings as options
from ui.fields import CheckedLineEdit
from ui.qt import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSettings,
    QSpinBox,
    QWidget,
    print_support,
)

PAGES: list[type["SettingsPage"]] = []


def register_page(page: type["SettingsPage"]) -> type["SettingsPage"]:
    PAGES.append(page)
    PAGES.sort(key=lambda p: p.ORDER)
    return page


class SettingsPage(QWidget):
    NAME = ""
    TITLE = ""
    ORDER = 0

    def __init__(self, settings: QSettings, desk=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.desk = desk
        self.form = QFormLayout(self)

    def load(self) -> None:
        raise NotImplementedError

    def save(self) -> bool:
        """Store the page; False (with the error shown on its field) when it cannot."""
        raise NotImplementedError


def _folder_row(page: QWidget, edit: CheckedLineEdit, title: str) -> QHBoxLayout:
    row = QHBoxLayout()
    browse = QPushButton("浏览…", page)

    def choose() -> None:
        folder = QFileDialog.getExistingDirectory(page, title, edit.text())
        if folder:
            edit.setText(folder)

    browse.clicked.connect(choose)
    row.addWidget(edit, 1)
    row.addWidget(browse)
    return row


@register_page
class SitePage(SettingsPage):
    NAME = "site"
    TITLE = "本院"
    ORDER = 10

    def __init__(self, settings, desk=None, parent=None):
        super().__init__(settings, desk, parent)
        from app.services.policies import installed_policies

        self.code = CheckedLineEdit("站点代码", "2–10位大写字母或数字，如 LX01（印在结算单号中）")
        self.name = CheckedLineEdit("医院名称", "如 兰溪市人民医院")
        self.level = QComboBox(self)
        for code, name in FACILITY_NAMES.items():
            self.level.addItem(name, code)
        self.policy = QComboBox(self)
        for pid, loaded in installed_policies().items():
            self.policy.addItem(loaded.definition.title, pid)
        self.form.addRow("站点代码：", self.code)
        self.form.addRow("医院名称：", self.name)
        self.form.addRow("医院级别：", self.level)
        self.form.addRow("默认政策：", self.policy)

    def load(self) -> None:
        site = self.desk.site() if self.desk else None
        self.code.setText(options.SITE_CODE.read(self.settings) or (site.code if site else ""))
        self.name.setText(options.SITE_NAME.read(self.settings) or (site.name if site else ""))
        level = options.SITE_LEVEL.read(self.settings) or (site.facility if site else "")
        self.level.setCurrentIndex(max(self.level.findData(level), 0))
        policy = options.DEFAULT_POLICY.read(self.settings) or (site.default_policy if site else "")
        self.policy.setCurrentIndex(max(self.policy.findData(policy), 0))

    def save(self) -> bool:
        code = self.code.text().strip().upper()
        name = self.name.text().strip()
        if self.desk is not None:
            try:
                self.desk.save_site(code, name, self.level.currentData(), self.policy.currentData())
            except ValueError as exc:
                target = self.code if getattr(exc, "field", "") == "site_code" else self.name
                target.set_error(getattr(exc, "message", str(exc)))
                return False
        self.settings.setValue(options.SITE_CODE.key, code)
        self.settings.setValue(options.SITE_NAME.key, name)
        self.settings.setValue(options.SITE_LEVEL.key, self.level.currentData())
        self.settings.setValue(options.DEFAULT_POLICY.key, self.policy.currentData())
        return True


@register_page
class SyncPage(SettingsPage):
    NAME = "sync"
    TITLE = "上传与同步"
    ORDER = 20

    def __init__(self, settings, desk=None, parent=None):
        super().__init__(settings, desk, parent)
        self.folder = CheckedLineEdit("中央上传文件夹", "共享文件夹或 U 盘上的文件夹")
        self.minutes = QSpinBox(self)
        self.minutes.setRange(5, 24 * 60)
        self.minutes.setSuffix(" 分钟")
        self.form.addRow("中央上传文件夹：", _folder_row(self, self.folder, "选择上传文件夹"))
        self.form.addRow("同步间隔：", self.minutes)

    def load(self) -> None:
        # The sync module reads the folder from the store; the store's value wins when set.
        state = self.desk.sync_status() if self.desk else None
        folder = options.UPLOAD_FOLDER.read(self.settings)
        minutes = options.SYNC_MINUTES.read(self.settings)
        if state is not None and state.central_folder is not None:
            folder, minutes = str(state.central_folder), state.interval_minutes
        self.folder.setText(folder)
        self.minutes.setValue(minutes)

    def save(self) -> bool:
        folder = self.folder.text().strip()
        if self.desk is not None:
            self.desk.set_sync(folder, self.minutes.value())
        self.settings.setValue(options.UPLOAD_FOLDER.key, folder)
        self.settings.setValue(options.SYNC_MINUTES.key, self.minutes.value())
        return True


@register_page
class PrintPage(SettingsPage):
    NAME = "print"
    TITLE = "打印"
    ORDER = 30

    def __init__(self, settings, desk=None, parent=None):
        super().__init__(settings, desk, parent)
        self.printer = QComboBox(self)
        self.printer.addItem("系统默认打印机", "")
        for name in print_support().QPrinterInfo.availablePrinterNames():
            self.printer.addItem(name, name)
        self.paper = QComboBox(self)
        self.paper.addItem("A4 横向（两联并排）", "A4")
        self.paper.addItem("A5（每联一页）", "A5")
        self.form.addRow("打印机：", self.printer)
        self.form.addRow("结算单纸张：", self.paper)

    def load(self) -> None:
        printer = options.PRINTER.read(self.settings)
        if printer and self.printer.findData(printer) < 0:
            self.printer.addItem(f"{printer}（未连接）", printer)
        self.printer.setCurrentIndex(max(self.printer.findData(printer), 0))
        self.paper.setCurrentIndex(max(self.paper.findData(options.PAPER.read(self.settings)), 0))

    def save(self) -> bool:
        self.settings.setValue(options.PRINTER.key, self.printer.currentData())
        self.settings.setValue(options.PAPER.key, self.paper.currentData())
        return True


@register_page
class DataPage(SettingsPage):
    NAME = "data"
    TITLE = "数据与经办人"
    ORDER = 40

    def __init__(self, settings, desk=None, parent=None):
        super().__init__(settings, desk, parent)
        self.folder = CheckedLineEdit("数据目录", "留空：使用本机用户数据目录")
        self.clerk = CheckedLineEdit("经办人", "登录框中预先填入的登录名")
        note = QLabel("数据目录须在本机硬盘上（不可用网络共享）；更改后重新启动程序生效。", self)
        note.setWordWrap(True)
        self.form.addRow("数据目录：", _folder_row(self, self.folder, "选择数据目录"))
        self.form.addRow("", note)
        self.form.addRow("经办人：", self.clerk)

    def load(self) -> None:
        self.folder.setText(options.DATA_DIR.read(self.settings))
        self.clerk.setText(options.CLERK.read(self.settings))

    def save(self) -> bool:
        if not self.clerk.text().strip():
            self.clerk.set_error("不能为空")
            return False
        self.settings.setValue(options.DATA_DIR.key, self.folder.text().strip())
        # Only the name offered at sign-in: the clerk services record is the signed-in user.
        self.settings.setValue(options.CLERK.key, self.clerk.text().strip())
        return True
