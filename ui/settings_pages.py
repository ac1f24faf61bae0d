"""Settings pages in the manner of Picard's options pages: a name, a title, an order, the
options they hold, ``load()`` and ``save()``, registered with one call.

Store-wide options (the site, sync, security) are the registry's (``app.services.settings``):
the page loads them from the service and hands them back to it, which checks, audits and
refuses only what changed and the user's role may not change; such options are shown read-only
to that user. The printer, paper and the name offered at sign-in are this user's own, kept
with QSettings.
"""

from app.printing.paper_sizes import SLIP_PAPERS
from app.services import settings as store_settings
from app.services.access import ROLE_NAMES, role_allows
from ui import settings as options
from ui.fields import CheckedLineEdit
from ui.option_editors import OptionEditor
from ui.qt import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSettings,
    QWidget,
    print_support,
)

PAGES: list[type["SettingsPage"]] = []


def register_page(page: type["SettingsPage"]) -> type["SettingsPage"]:
    PAGES.append(page)
    PAGES.sort(key=lambda p: p.ORDER)
    return page


class SettingsPage(QWidget):
    """``load(values)`` fills the page (``values``: the store-wide options as the desk read
    them, off the GUI thread; None before they arrive or with no store); ``check()`` refuses
    what needs no store; ``changes()`` is what the desk saves; ``keep()`` writes this user's
    own preferences once the desk has saved; ``show_refusal`` puts a refused option on its
    field (True when it is this page's)."""

    NAME = ""
    TITLE = ""
    ORDER = 0

    def __init__(self, settings: QSettings, desk=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.desk = desk
        self.form = QFormLayout(self)

    def load(self, values: dict | None) -> None:
        raise NotImplementedError

    def check(self) -> bool:
        return True

    def changes(self) -> dict[str, object]:
        return {}

    def keep(self) -> None:
        """Write this user's own preferences (QSettings)."""

    def show_refusal(self, error: Exception) -> bool:
        return False

    def may_change(self, role: str) -> bool:
        """Whether the signed-in user may change what needs ``role`` (a database without
        accounts is being set up: anyone may)."""
        if self.desk is None:
            return False
        user = self.desk.user
        return user is None or role_allows(user.role, role)


def _read_only_reason(role: str) -> str:
    return f"须由{ROLE_NAMES[role]}修改"


class StoreOptionsPage(SettingsPage):
    """A page of store-wide options: one editor per key in ``OPTIONS``."""

    OPTIONS: tuple[str, ...] = ()
    NOTE = ""

    def __init__(self, settings, desk=None, parent=None):
        super().__init__(settings, desk, parent)
        self.editors: dict[str, OptionEditor] = {}
        for key in self.OPTIONS:
            option = store_settings.option(key)
            self.editors[key] = OptionEditor(option, self)
            self.form.addRow(f"{option.label}：", self.editors[key])
        note = self.NOTE if desk is not None else "未打开数据库：本页设置保存在数据库中。"
        if note:
            label = QLabel(note, self)
            label.setWordWrap(True)
            self.form.addRow("", label)

    def load(self, values: dict | None) -> None:
        current = values or {key: store_settings.option(key).default for key in self.OPTIONS}
        for key, editor in self.editors.items():
            editor.set_value(current[key])
            role = editor.option.role
            # Read-only until the store's values are in, and then where the role may not.
            editor.set_read_only(
                values is None or not self.may_change(role), _read_only_reason(role)
            )

    def changes(self) -> dict[str, object]:
        if self.desk is None:
            return {}
        for editor in self.editors.values():
            editor.set_error(None)
        return {key: editor.value() for key, editor in self.editors.items()}

    def show_refusal(self, error: Exception) -> bool:
        editor = self.editors.get(getattr(error, "field", ""))
        if editor is None:
            return False
        editor.set_error(str(error))
        return True


@register_page
class SitePage(StoreOptionsPage):
    NAME = "site"
    TITLE = "本院"
    ORDER = 10
    OPTIONS = ("site.code", "site.name", "site.facility", "site.default_policy")


@register_page
class SyncPage(StoreOptionsPage):
    NAME = "sync"
    TITLE = "上传与同步"
    ORDER = 20
    OPTIONS = ("sync.central_folder", "sync.interval_minutes")
    NOTE = "同步密码用命令设置：onestop-cli settings set sync.password --user 主管"


@register_page
class SecurityPage(StoreOptionsPage):
    NAME = "security"
    TITLE = "安全"
    ORDER = 25
    OPTIONS = ("security.idle_lock_minutes", "privacy.id_mask_pattern")
    NOTE = "遮蔽方式：# 显示、* 隐藏，共 18 位，至少隐藏 8 位。锁屏时间下次登录起生效。"


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
        for name, label in SLIP_PAPERS.items():
            self.paper.addItem(label, name)
        self.calibrate = QPushButton("打印机校准…", self)
        self.calibrate.clicked.connect(self._calibrate)
        self.form.addRow("打印机：", self.printer)
        self.form.addRow("结算单纸张：", self.paper)
        self.form.addRow("", self.calibrate)

    def _calibrate(self) -> None:
        """Offsets and paper kept per printer on this computer (``ui.printer_calibration``)."""
        from ui.printer_calibration import CalibrationDialog

        CalibrationDialog(self, self.printer.currentData(), self.paper.currentData()).exec()

    def load(self, values: dict | None) -> None:
        printer = options.PRINTER.read(self.settings)
        if printer and self.printer.findData(printer) < 0:
            self.printer.addItem(f"{printer}（未连接）", printer)
        self.printer.setCurrentIndex(max(self.printer.findData(printer), 0))
        self.paper.setCurrentIndex(max(self.paper.findData(options.PAPER.read(self.settings)), 0))

    def keep(self) -> None:
        self.settings.setValue(options.PRINTER.key, self.printer.currentData())
        self.settings.setValue(options.PAPER.key, self.paper.currentData())


@register_page
class DataPage(SettingsPage):
    NAME = "data"
    TITLE = "数据与经办人"
    ORDER = 40

    def __init__(self, settings, desk=None, parent=None):
        super().__init__(settings, desk, parent)
        self.folder = CheckedLineEdit(
            store_settings.DATA_FOLDER_LABEL, "留空：使用本机用户数据目录"
        )
        self.browse = QPushButton("浏览…", self)
        self.browse.clicked.connect(self._choose_folder)
        self.clerk = CheckedLineEdit("经办人", "登录框中预先填入的登录名")
        note = QLabel(
            "数据目录须在本机硬盘上（不可用网络共享）；写入用户数据目录的 database.txt，"
            "窗口和命令行（onestop-cli）都用它；更改后重新启动程序生效。",
            self,
        )
        note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        self.form.addRow("数据目录：", row)
        # The error on its own row, under the field and 浏览…: inside the row's box layout the
        # form gave it one line's height and a missing folder's two lines were cut in half.
        self.folder.layout().removeWidget(self.folder.error)
        self.form.addRow("", self.folder.error)
        self.form.addRow("", note)
        self.form.addRow("经办人：", self.clerk)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择数据目录", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def load(self, values: dict | None) -> None:
        self.folder.setText(str((values or {}).get("data.folder", "")))
        editable = values is not None and self.may_change(store_settings.DATA_FOLDER_ROLE)
        self.folder.edit.setReadOnly(not editable)
        self.browse.setEnabled(editable)
        self.clerk.setText(options.CLERK.read(self.settings))

    def check(self) -> bool:
        self.clerk.set_error(None if self.clerk.text().strip() else "不能为空")
        self.folder.set_error(None)
        return bool(self.clerk.text().strip())

    def data_folder(self) -> str | None:
        """The folder to hand to the desk (None: there is no store to record it in)."""
        return self.folder.text() if self.desk is not None else None

    def show_refusal(self, error: Exception) -> bool:
        if getattr(error, "field", "") != "data.folder":
            return False
        self.folder.set_error(getattr(error, "message", str(error)))
        return True

    def keep(self) -> None:
        # Only the name offered at sign-in: the clerk services record is the signed-in user.
        self.settings.setValue(options.CLERK.key, self.clerk.text().strip())
