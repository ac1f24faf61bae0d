"""Accounts in the window: the administrator's account page (add, disable or enable, reset a
password, unlock, change a role) and everyone's 修改密码.

The rules (password strength, the last administrator, who may do what) and the audit are
``app.accounts``'s, reached through the desk off the GUI thread; these dialogs show each
refusal beside its field.
"""

from app.services.access import ROLE_NAMES
from ui.fields import CheckedLineEdit, EnterMovesOn, ErrorLabel, focus_first_error
from ui.fitting import fit_to_screen
from ui.ops import run_in_background
from ui.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from ui.sign_in import RULES, NewPassword, password_field

COLUMNS = ("登录名", "角色", "状态", "须修改密码", "锁定至", "最后登录", "创建")


def _when(moment) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "—"


def _role_box(parent: QWidget) -> QComboBox:
    box = QComboBox(parent)
    for code, name in ROLE_NAMES.items():
        box.addItem(name, code)
    return box


class AccountsDialog(EnterMovesOn, QDialog):
    """账户管理 (administrators only)."""

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.rows = []
        self.setWindowTitle("账户管理")
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda *_: self._selected_changed())

        chosen = QGroupBox("所选账户", self)
        self.role = _role_box(chosen)
        self.role_button = QPushButton("修改角色", chosen)
        self.active_button = QPushButton("停用账户", chosen)
        self.unlock_button = QPushButton("解锁", chosen)
        self.reset_button = QPushButton("重置密码…", chosen)
        self.role_button.clicked.connect(self.change_role)
        self.active_button.clicked.connect(self.toggle_active)
        self.unlock_button.clicked.connect(self.unlock)
        self.reset_button.clicked.connect(self.reset_password)
        chosen_row = QHBoxLayout(chosen)
        chosen_row.addWidget(QLabel("角色：", chosen))
        chosen_row.addWidget(self.role)
        for button in (self.role_button, self.active_button, self.unlock_button):
            chosen_row.addWidget(button)
        chosen_row.addWidget(self.reset_button)
        chosen_row.addStretch(1)

        new = QGroupBox("新建账户（首次登录须修改初始密码）", self)
        self.new_name = CheckedLineEdit("登录名", "如 zhangsan 或 张三（不含空格）", new)
        self.new_role = _role_box(new)
        self.new_password = NewPassword(self.new_name.text, new, label="初始密码")
        self.new_name.edited.connect(self.new_password.check)
        self.add_button = QPushButton("新建账户", new)
        self.add_button.clicked.connect(self.add)
        # Enter moves on to the next field (keyPressEvent), and in the last one creates: a
        # password typed after an Enter never lands in 登录名, readable on the screen.
        self.new_password.again.edit.returnPressed.connect(self.add)
        rules = QLabel(RULES, new)
        rules.setWordWrap(True)
        new_form = QFormLayout(new)
        new_form.addRow("登录名：", self.new_name)
        new_form.addRow("角色：", self.new_role)
        new_form.addRow(self.new_password)
        new_form.addRow(rules)
        new_form.addRow("", self.add_button)

        self.message = QLabel("", self)
        self.error = ErrorLabel(self)
        close = QDialogButtonBox(self)
        close.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(chosen)
        layout.addWidget(new)
        layout.addWidget(self.message)
        layout.addWidget(self.error)
        layout.addWidget(close)
        fit_to_screen(self, 900, 640)
        self.reload()

    # --- the list --------------------------------------------------------------------------
    def reload(self, keep: str | None = None) -> None:
        desk = self.desk
        run_in_background(desk.accounts, lambda rows: self._show(rows, keep), self._failed)

    def _show(self, rows, keep: str | None) -> None:
        current = keep or (self.selected().name if self.selected() else None)
        self.rows = list(rows)
        now = self.desk.now()
        self.table.setRowCount(len(self.rows))
        for row, account in enumerate(self.rows):
            locked = account.locked_at(now)
            cells = (
                account.name,
                ROLE_NAMES.get(account.role, account.role),
                ("已锁定" if locked else "正常") if account.active else "已停用",
                "是" if account.must_change_password else "否",
                _when(account.locked_until) if locked else "—",
                _when(account.last_login_at),
                f"{account.created_by} {_when(account.created_at)}",
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        names = [account.name for account in self.rows]
        self.table.setCurrentCell(names.index(current) if current in names else 0, 0)
        self._selected_changed()

    def selected(self):
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def select(self, name: str) -> None:
        names = [account.name for account in self.rows]
        self.table.setCurrentCell(names.index(name), 0)

    def _selected_changed(self) -> None:
        account = self.selected()
        for button in (self.role_button, self.active_button, self.unlock_button, self.reset_button):
            button.setEnabled(account is not None)
        if account is None:
            return
        self.role.setCurrentIndex(self.role.findData(account.role))
        self.active_button.setText("停用账户" if account.active else "启用账户")
        self.unlock_button.setEnabled(account.locked_at(self.desk.now()))

    # --- the actions -----------------------------------------------------------------------
    def _act(self, work, done_text: str, name: str) -> None:
        self.error.show_error(None)
        self.message.setText("")

        def done(_info) -> None:
            self.message.setText(done_text)
            self.reload(keep=name)

        run_in_background(work, done, self._failed, owner=self)

    def _failed(self, exc: Exception) -> None:
        self.error.show_error(str(exc))

    def change_role(self) -> None:
        account, role = self.selected(), self.role.currentData()
        if account is None or role == account.role:
            return
        desk = self.desk
        self._act(
            lambda: desk.set_account_role(account.name, role),
            f"{account.name} 的角色已改为{ROLE_NAMES[role]}",
            account.name,
        )

    def toggle_active(self) -> None:
        account = self.selected()
        if account is None:
            return
        desk, active = self.desk, not account.active
        self._act(
            lambda: desk.set_account_active(account.name, active),
            f"{account.name} 已{'启用' if active else '停用'}",
            account.name,
        )

    def unlock(self) -> None:
        account = self.selected()
        if account is not None:
            desk = self.desk
            self._act(
                lambda: desk.unlock_account(account.name), f"{account.name} 已解锁", account.name
            )

    def reset_password(self) -> None:
        account = self.selected()
        if account is None:
            return
        self.reset_dialog = ResetPasswordDialog(self.desk, account.name, self)
        self.reset_dialog.accepted.connect(
            lambda: (
                self.message.setText(f"{account.name} 的密码已重置，下次登录须修改"),
                self.reload(keep=account.name),
            )
        )
        self.reset_dialog.open()

    def add(self) -> None:
        from app.accounts.service import AccountError

        name = self.new_name.text().strip()
        self.new_name.set_error(None if name else "不能为空")
        if not self.new_password.require() or not name:
            focus_first_error(self)
            return
        desk, role, password = self.desk, self.new_role.currentData(), self.new_password.text()

        def refused(exc: Exception) -> None:
            field = exc.field if isinstance(exc, AccountError) else ""
            if field == "user":
                self.new_name.set_error(exc.message)
            elif field == "new_password":
                self.new_password.password.set_error(exc.message)
            else:
                self._failed(exc)
            focus_first_error(self)

        def added(_info) -> None:
            self.new_name.setText("")
            self.new_password.password.setText("")
            self.new_password.again.setText("")
            self.new_password.password.set_error(None)
            self.new_password.again.set_error(None)
            self.message.setText(f"已新建账户 {name}（{ROLE_NAMES[role]}），首次登录须修改密码")
            self.reload(keep=name)

        run_in_background(
            lambda: desk.add_account(name, role, password), added, refused, owner=self
        )


def _rules_and_buttons(dialog, text: str) -> tuple[QLabel, QDialogButtonBox]:
    """A password dialog's rules text and buttons (``text`` runs ``dialog.save``, 取消 closes);
    sets ``dialog.error`` and ``dialog.save_button``."""
    rules = QLabel(RULES, dialog)
    rules.setWordWrap(True)
    dialog.error = ErrorLabel(dialog)
    buttons = QDialogButtonBox(dialog)
    dialog.save_button = buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(dialog.save)
    buttons.rejected.connect(dialog.reject)
    return rules, buttons


class ResetPasswordDialog(QDialog):
    """An administrator sets someone's password; they must change it at the next sign-in."""

    def __init__(self, desk, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.name = name
        self.setWindowTitle(f"重置密码 — {name}")
        self.new_password = NewPassword(lambda: name, self, label="新密码")
        self.new_password.again.edit.returnPressed.connect(self.save)
        rules, buttons = _rules_and_buttons(self, "重置")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"为 <b>{name}</b> 设置新密码（对方下次登录时须修改）：", self))
        layout.addWidget(self.new_password)
        layout.addWidget(rules)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        fit_to_screen(self, 520)

    def save(self) -> None:
        if not self.new_password.require():
            return
        desk, name, password = self.desk, self.name, self.new_password.text()
        run_in_background(
            lambda: desk.reset_account_password(name, password),
            lambda _info: self.accept(),
            lambda exc: self.error.show_error(str(exc)),
            owner=self,
        )


class ChangePasswordDialog(QDialog):
    """修改密码: the signed-in user's old password and the new one, typed twice."""

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        name = desk.user.name if desk.user else ""
        self.setWindowTitle(f"修改密码 — {name}")
        self.old_password = password_field("原密码", "", self)
        self.new_password = NewPassword(lambda: name, self, label="新密码")
        self.old_password.edit.returnPressed.connect(self.new_password.password.edit.setFocus)
        self.new_password.password.edit.returnPressed.connect(self.new_password.again.edit.setFocus)
        self.new_password.again.edit.returnPressed.connect(self.save)
        rules, buttons = _rules_and_buttons(self, "修改密码")
        form = QFormLayout()
        form.addRow("原密码：", self.old_password)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.new_password)
        layout.addWidget(rules)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        fit_to_screen(self, 520)

    def keyPressEvent(self, event) -> None:
        """Enter is the fields' (``returnPressed``), never also the default button's click."""
        from ui.qt import Qt

        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            super().keyPressEvent(event)

    def save(self) -> None:
        from app.accounts.service import AccountError

        self.old_password.set_error(None if self.old_password.text() else "不能为空")
        if not self.old_password.text() or not self.new_password.require():
            return
        desk, old, new = self.desk, self.old_password.text(), self.new_password.text()

        def refused(exc: Exception) -> None:
            field = exc.field if isinstance(exc, AccountError) else ""
            if field == "new_password":
                self.new_password.password.set_error(exc.message)
            elif field == "password":
                self.old_password.set_error(exc.message)
                self.old_password.setText("")
            else:
                self.error.show_error(str(exc))

        run_in_background(
            lambda: desk.change_own_password(old, new),
            lambda _u: self.accept(),
            refused,
            owner=self,
        )
