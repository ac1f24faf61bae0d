"""Signing in at the window: the first administrator on a new database, else the login dialog
(and the forced change of a first password). A refused sign-in shows the service's one answer
under the password, whether the name is unknown, the password wrong or the account locked: the
dialog never asks whether a name exists or is locked.

The rules and the lockout are ``app.accounts``'s; these dialogs collect the input, show each
problem next to its field as it is typed, and emit ``signed_in`` with the ``UserSession``.
"""

from ui.fields import CheckedLineEdit, EnterMovesOn, ErrorLabel, focus_first_error
from ui.fitting import fit_to_screen
from ui.ops import run_in_background
from ui.qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.settings import DISPLAY_NAME

RULES = (
    "密码规则：至少 10 个字符；小写字母、大写字母、数字、符号中至少 3 类；不含用户名；"
    "不能是常见密码，也不能大半由键盘排列、顺序或重复字符组成。连续 5 次输错将锁定 15 分钟。"
)


def password_field(label: str, hint: str, parent: QWidget) -> CheckedLineEdit:
    field = CheckedLineEdit(label, hint, parent)
    field.edit.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class NewPassword(QWidget):
    """A new password typed twice; each rule it breaks is listed under it as it is typed."""

    def __init__(self, user_name, parent: QWidget | None = None, label: str = "密码"):
        """``user_name()`` gives the name the password must not contain; ``label`` names the
        field (e.g. 主管新密码 in the override box)."""
        super().__init__(parent)
        self._user_name = user_name
        self.password = password_field(label, "至少 10 个字符", self)
        self.again = password_field(f"确认{label}", "再输入一次", self)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(f"{label}：", self.password)
        form.addRow(f"确认{label}：", self.again)
        self.password.edited.connect(self.check)
        self.again.edited.connect(self.check)

    def check(self, *_args) -> bool:
        """Show what is wrong so far; True when both fields are filled and acceptable."""
        from app.accounts.passwords import password_problems

        text = self.password.text()
        problems = password_problems(text, self._user_name()) if text else []
        self.password.set_error("；".join(problems) or None)
        again = self.again.text()
        mismatch = bool(again) and again != text
        self.again.set_error("两次输入的密码不一致" if mismatch else None)
        return bool(text) and not problems and again == text

    def require(self) -> bool:
        """Like ``check``, and name an empty field too (on pressing the button)."""
        if not self.password.text():
            self.password.set_error("不能为空")
            return False
        if not self.again.text():
            self.again.set_error("请再输入一次")
            return False
        return self.check()

    def text(self) -> str:
        return self.password.text()


def _buttons(parent: QWidget, dialog: QDialog, text: str, slot) -> tuple[QDialogButtonBox, object]:
    """The button that does it, and 退出 (closing the dialog quits the program)."""
    buttons = QDialogButtonBox(parent)
    button = buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(slot)
    buttons.rejected.connect(dialog.reject)
    return buttons, button


class FirstAdministratorDialog(EnterMovesOn, QDialog):
    """首次启动: the database has no accounts yet; this person becomes the administrator."""

    signed_in = Signal(object)  # UserSession

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.user = None
        self.setWindowTitle("首次启动：创建管理员账户")
        intro = QLabel(
            "本数据库还没有任何账户。请创建管理员账户：管理员负责新建经办员、主管账户，"
            "核准政策文件。请牢记密码。",
            self,
        )
        intro.setWordWrap(True)
        self.name = CheckedLineEdit("登录名", "如 zhangsan 或 张三（不含空格）", self)
        self.new_password = NewPassword(self.name.text, self)
        self.name.edited.connect(self.new_password.check)
        # Enter moves on field by field (EnterMovesOn); in the last field it creates.
        self.new_password.again.edit.returnPressed.connect(self.create)
        rules = QLabel(RULES, self)
        rules.setWordWrap(True)
        self.error = ErrorLabel(self)
        buttons, self.create_button = _buttons(self, self, "创建并登录", self.create)
        form = QFormLayout()
        form.addRow("登录名：", self.name)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.new_password)
        layout.addWidget(rules)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        fit_to_screen(self, 560)

    def create(self) -> None:
        name = self.name.text().strip()
        self.name.set_error(None if name else "不能为空")
        if not self.new_password.require() or not name:
            focus_first_error(self)
            return
        desk, password = self.desk, self.new_password.text()
        run_in_background(
            lambda: desk.create_first_administrator(name, password), self._created, self._refused
        )

    def _created(self, user) -> None:
        self.user = user
        self.signed_in.emit(self.user)
        self.accept()

    def _refused(self, exc: Exception) -> None:
        from app.accounts.service import AccountError

        field = exc.field if isinstance(exc, AccountError) else ""
        if field == "user":
            self.name.set_error(exc.message)
        elif field == "new_password":
            self.new_password.password.set_error(exc.message)
        else:
            self.error.show_error(str(exc))
        focus_first_error(self)


class LoginDialog(QDialog):
    """登录: name and password; a first password must be changed before anything else."""

    signed_in = Signal(object)  # UserSession

    def __init__(self, desk, parent: QWidget | None = None, name: str = ""):
        super().__init__(parent)
        self.desk = desk
        self.user = None
        self.setWindowTitle(f"登录 — {DISPLAY_NAME}")
        heading = QLabel("<b>一站式即时结算窗口</b>　请用本人账户登录", self)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._login_page(name))
        self.pages.addWidget(self._change_page())
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.pages)
        fit_to_screen(self, 520)
        # Here, not while the page was made: moving it into the stack took the focus away,
        # and a returning clerk typed the password into 登录名.
        (self.password if name else self.name).edit.setFocus()

    def _login_page(self, name: str) -> QWidget:
        page = QWidget(self)
        self.name = CheckedLineEdit("登录名", "", page)
        self.name.setText(name)
        self.password = password_field("密码", "", page)
        self.name.edit.returnPressed.connect(self.password.edit.setFocus)
        self.password.edit.returnPressed.connect(self.sign_in)
        buttons, self.sign_in_button = _buttons(page, self, "登录", self.sign_in)
        form = QFormLayout()
        form.addRow("登录名：", self.name)
        form.addRow("密码：", self.password)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(buttons)
        return page

    def _change_page(self) -> QWidget:
        page = QWidget(self)
        self.change_notice = QLabel("", page)
        self.change_notice.setWordWrap(True)
        self.new_password = NewPassword(lambda: self.name.text().strip(), page)
        self.new_password.password.edit.returnPressed.connect(self.new_password.again.edit.setFocus)
        self.new_password.again.edit.returnPressed.connect(self.change)
        rules = QLabel(RULES, page)
        rules.setWordWrap(True)
        self.change_error = ErrorLabel(page)
        buttons, self.change_button = _buttons(page, self, "修改密码并登录", self.change)
        layout = QVBoxLayout(page)
        layout.addWidget(self.change_notice)
        layout.addWidget(self.new_password)
        layout.addWidget(rules)
        layout.addWidget(self.change_error)
        layout.addWidget(buttons)
        return page

    def keyPressEvent(self, event) -> None:
        """Enter is the fields' (``returnPressed``): never also a default button's click."""
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            super().keyPressEvent(event)

    def sign_in(self) -> None:
        name = self.name.text().strip()
        self.name.set_error(None if name else "不能为空")
        self.password.set_error(None if self.password.text() else "不能为空")
        if not (name and self.password.text()):
            return
        if self.sign_in_button.isEnabled() is False:
            return  # one check at a time: the last one is still running
        desk = self.desk
        password = self.password.text()
        self.sign_in_button.setEnabled(False)

        def attempt():
            # argon2 takes about 0.2 s: never on the GUI thread (ui.ops). The desk may still
            # be opening behind the dialog (app.startup): the accounts' module, which brings
            # SQLAlchemy, is imported here, after it, not on the GUI thread beside it.
            try:
                return desk.sign_in(name, password)
            except Exception as exc:
                from app.accounts.service import AccountError

                if isinstance(exc, AccountError):
                    return exc
                raise

        run_in_background(attempt, self._signed_in, self._failed)

    def _failed(self, exc: Exception) -> None:
        self.sign_in_button.setEnabled(True)
        self.password.set_error(str(exc))

    def _signed_in(self, outcome) -> None:
        from app.accounts.service import AccountError

        self.sign_in_button.setEnabled(True)
        user = outcome
        if isinstance(user, AccountError):
            self.name.set_error(None)
            self.password.set_error(user.message)
            self.password.setText("")
            return
        if user.must_change_password:
            self.change_notice.setText(
                f"{user.name}：首次登录（或密码已由管理员重置），须先修改密码。"
            )
            self.pages.setCurrentIndex(1)
            self.new_password.password.edit.setFocus()
            return
        self._done(user)

    def change(self) -> None:

        if not self.new_password.require():
            return
        desk, name = self.desk, self.name.text().strip()
        old, new = self.password.text(), self.new_password.text()
        run_in_background(lambda: desk.change_password(name, old, new), self._done, self._refused)

    def _refused(self, exc: Exception) -> None:
        from app.accounts.service import AccountError

        if isinstance(exc, AccountError) and exc.field == "new_password":
            self.new_password.password.set_error(exc.message)
        else:
            self.change_error.show_error(str(exc))

    def _done(self, user) -> None:
        self.user = user
        self.password.setText("")
        self.signed_in.emit(user)
        self.accept()


def sign_in_dialog(desk, parent: QWidget | None = None, name: str = "") -> QDialog:
    """The dialog the window opens once the store is ready (not yet shown)."""
    if desk.needs_first_administrator():
        return FirstAdministratorDialog(desk, parent)
    return LoginDialog(desk, parent, name)
