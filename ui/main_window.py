"""The main window: search (ID number, name, 住院号 or a scanned slip), the case list, the case.

It is shown before the database is open; ``attach(desk)`` fills it once the store is ready.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from app.printing.paper import asks_paperwork, forms_printed, referral_paperwork
from ui import settings as options
from ui.drafts import REGISTRATION_DRAFT, DraftBox
from ui.fitting import usable_size
from ui.ops import activity, run_in_background
from ui.qt import (
    QAbstractItemView,
    QAction,
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSettings,
    QShortcut,
    QSplitter,
    Qt,
    QTableView,
    QTimer,
    QToolBar,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.window_accounts import SwitchUserAnywhere, WindowAccounts

# The dialogs, the desk and what they bring (SQLAlchemy, ReportLab, the policies) are imported
# where they are first opened: the window is shown before the store opens, and everything
# imported here delays it (issue 18, point 1).
if TYPE_CHECKING:
    from app.desk import Desk
    from app.desk.records import CaseRow
    from ui.discharge_dialog import DischargeDialog
    from ui.printing import RenderedPages
    from ui.registration_form import RegistrationForm


NOTICE_STYLE = "background: #fff3cd; color: #7a4d00; border: 1px solid #e0b000; padding: 6px;"
DEMO_STYLE = "background: #b00020; color: white; font-weight: bold; padding: 0 6px;"
TITLE = f"医疗救助 — {options.DISPLAY_NAME}"
REMINDER_STYLE = "background: #fdecea; color: #7a1f12; border: 1px solid #e0a09a; padding: 4px;"
REMINDER_LEVELS = {"overdue": "【已逾期】", "due": "【即将到期】", "notice": "【提示】"}
# Lines shown above the list at most; the rest are counted, and all are in the tool tip.
REMINDER_LINES = 4
SEARCH_HINT = "身份证号、姓名（或拼音、首字母）、住院号，或扫描结算单条码，回车查找（Ctrl+F）"


def preview_and_print(*args, **kwargs) -> bool:
    """``ui.printing.preview_and_print``, imported with the first print (it brings the
    printing modules); the tests put a recorder here in its place."""
    from ui.printing import preview_and_print as preview

    return preview(*args, **kwargs)


class GivingWayLabel(QLabel):
    """A status-bar label that gives way on a full bar (the claims due and who is signed in
    stay whole at 1024 px); its whole text stays in its tool tip."""

    def __init__(self, text: str, parent: QWidget):
        super().__init__(text, parent)
        self.setMinimumWidth(1)
        self.setToolTip(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)


class MainWindow(WindowAccounts, QMainWindow):
    desk_ready = Signal()
    printed = Signal(str)  # slip number, once its PDF is made

    def __init__(self, settings: QSettings, parent: QWidget | None = None, *, build: bool = True):
        """``build=False``: only the frame (title, size), to be shown at once; ``build()``
        then makes everything in it. The start shows the window that way (issue 18, point 1):
        the frame is on screen before the lists, the case panel and the tool bar are made."""
        super().__init__(parent)
        self.settings = settings
        self.desk: Desk | None = None
        self.drafts: DraftBox | None = None
        self.registration: RegistrationForm | None = None
        self.discharge: DischargeDialog | None = None
        self.outpatient = None  # ui.outpatient_dialog.OutpatientDialog while open
        self.handled_today: set[int] = set()  # admissions this window worked on today
        self.sync_timer = QTimer(self)
        self.sync_timer.setInterval(60_000)
        self.sync_timer.timeout.connect(self.sync_if_due)
        self.setWindowTitle(TITLE)
        screen = usable_size(self)
        # Restored to this size; ui.launch shows it maximised (showMaximized).
        self.resize(min(1340, screen.width()), min(740, screen.height()))
        if build:
            self.build()

    def build(self) -> None:
        """Everything in the window: search, case list, case panel, menus and status bar."""
        # Their Qt classes and enums are made here, after the frame is on screen.
        from ui.case_panel import CasePanel
        from ui.case_table import CaseFilter, CaseTableModel

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(SEARCH_HINT)
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.run_search)
        self.search_button = QPushButton("查找", self)
        self.search_button.clicked.connect(self.run_search)
        self.list_title = QLabel("在院及今日办理的病例", self)
        self.back_button = QPushButton("返回在院列表 (Esc)", self)
        self.back_button.clicked.connect(self.show_work_list)
        self.back_button.hide()

        self.model = CaseTableModel(self)
        self.proxy = CaseFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)  # Tab goes on to the case; arrows move in the list
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)  # newest admission first
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("在列表中筛选（任意一列）")
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.today_only = QCheckBox("只看今日入院或出院", self)
        self.today_only.toggled.connect(
            lambda on: self.proxy.show_only(date.today() if on else None)
        )

        # Start-up warnings (policy files changed, backup failed) stay in sight until fixed.
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.notice.hide()
        self.signoff_button = QPushButton("核准政策文件… (Ctrl+Shift+K)", self)
        self.signoff_button.clicked.connect(self.open_policy_signoff)
        self.signoff_button.hide()
        self.startup_problems: list[str] = []
        self.policy_warnings: list[str] = []
        self.idle_lock = None
        # Filing deadlines, the claim period, large expenses: above the list (app.reminders).
        self.reminder_box = QLabel(self)
        self.reminder_box.setWordWrap(True)
        self.reminder_box.setTextFormat(Qt.TextFormat.PlainText)
        self.reminder_box.setStyleSheet(REMINDER_STYLE)
        self.reminder_box.hide()
        self.reminders: list = []

        self.case_panel = CasePanel(self._mark_item, self)
        self.case_panel.checklist.view_scan = self.view_scan

        self._build_layout()
        self._build_actions()
        self._build_status_bar()
        self._enable_case_actions()
        if self.isVisible():
            # What was added to the frame on screen is shown by posted events: run them now,
            # before anything uses the window (a status message shown before them is drawn
            # over the labels they show again).
            QApplication.processEvents()

    # --- layout ----------------------------------------------------------------------------
    def _build_layout(self) -> None:
        search_row = QHBoxLayout()
        search_row.addWidget(QLabel("查找：", self))
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.search_button)
        list_head = QHBoxLayout()
        list_head.addWidget(self.list_title)
        list_head.addStretch(1)
        list_head.addWidget(self.back_button)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter, 1)
        filter_row.addWidget(self.today_only)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(list_head)
        left_layout.addWidget(self.reminder_box)
        left_layout.addLayout(filter_row)
        left_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.case_panel)
        # Half each: at 1024 px the checklist's document names need the room more than the
        # list's last columns, which scroll.
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        notice_row = QHBoxLayout()
        notice_row.addWidget(self.notice, 1)
        notice_row.addWidget(self.signoff_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(notice_row)
        layout.addLayout(search_row)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

    def _build_actions(self) -> None:
        """Every action is in the menu bar with its shortcut (Alt opens the menus), and the
        most used ones on the tool bar; the tool bar's short texts fit a 1024-pixel screen."""
        bar = QToolBar("操作", self)
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(bar)
        menus = self.menuBar()

        def action(menu, text: str, shortcut: str | None, slot, on_bar: bool = True) -> QAction:
            item = QAction(text, self)
            if shortcut:
                item.setShortcut(QKeySequence(shortcut))
                item.setToolTip(f"{text}（{shortcut}）")
            item.triggered.connect(slot)
            menu.addAction(item)
            if on_bar:
                bar.addAction(item)
            return item

        case = menus.addMenu("办理(&B)")
        self.register_action = action(case, "入院登记", "F2", self.open_registration)
        self.discharge_action = action(case, "出院结算", "F5", self.open_discharge)
        self.outpatient_action = action(case, "门诊结算", "F6", self.open_outpatient)
        self.void_action = action(case, "作废", "Ctrl+Shift+V", self.open_void)
        self.checklist_action = action(
            case, "材料清单", "Ctrl+M", self.case_panel.checklist.focus_first_missing, False
        )
        self.claims_action = action(case, "事后报销", "F7", self.open_post_discharge, on_bar=False)
        self.paperwork_action = action(
            case, "申请与发放信息", "Ctrl+Shift+B", self.open_paperwork, on_bar=False
        )
        case.addSeparator()
        self.search_action = action(case, "查找", "Ctrl+F", self.focus_search, on_bar=False)
        papers = menus.addMenu("打印(&P)")
        self.print_action = action(papers, "打印结算单", "Ctrl+P", self.print_current)
        self.pdf_action = action(papers, "保存为 PDF", "Ctrl+S", self.save_current_pdf)
        self.referral_action = action(
            papers, "转诊单/材料清单", "Ctrl+Shift+R", self.print_referral
        )
        self.application_action = action(
            papers, "救助申请表", "Ctrl+Shift+P", self.print_application
        )
        bar.addSeparator()
        manage = menus.addMenu("管理(&G)")
        self.export_action = action(manage, "导出申报包", "Ctrl+E", self.open_export)
        self.daily_close_action = action(
            manage, "日结/交班", "Ctrl+Shift+D", self.open_daily_close, on_bar=False
        )
        self.audit_action = action(manage, "审计记录", "Ctrl+Shift+A", self.open_audit_viewer)
        self.policy_action = action(manage, "政策条款", "F9", self.open_policy_viewer)
        self.whatif_action = action(
            manage, "政策测算", "Ctrl+Shift+T", self.open_what_if, on_bar=False
        )
        self.settings_action = action(manage, "设置", "Ctrl+,", self.open_settings)
        self.signoff_action = action(
            manage, "政策文件核准", "Ctrl+Shift+K", self.open_policy_signoff, on_bar=False
        )
        who = menus.addMenu("账户(&Z)")
        self.switch_action = action(who, "切换用户/退出登录", "Ctrl+L", self.switch_user, False)
        QApplication.instance().installEventFilter(SwitchUserAnywhere(self))
        self.password_action = action(who, "修改密码", None, self.open_change_password, False)
        self.accounts_action = action(
            who, "账户管理", "Ctrl+Shift+U", self.open_accounts, on_bar=False
        )
        QShortcut(QKeySequence("Escape"), self.search, activated=self.show_work_list)

    def _build_status_bar(self) -> None:
        self.status_db = GivingWayLabel("数据库：正在打开…", self)
        self.status_site = GivingWayLabel("站点：—", self)
        self.status_clerk = QLabel("经办人：—", self)
        self.status_sync = GivingWayLabel("同步：—", self)
        self.status_demo = QLabel("演示数据库", self)
        self.status_demo.setStyleSheet(DEMO_STYLE)
        self.status_demo.setToolTip("虚构数据，仅供培训试用；打印件均标“演示”，不会同步到中心")
        self.status_demo.hide()
        self.statusBar().addPermanentWidget(self.status_demo)
        # One busy indicator for every call to the desk (ui.ops): the window never waits.
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(90)
        self.busy.setToolTip("正在处理…")
        self.busy.hide()
        activity.busy.connect(self.busy.setVisible)
        self.statusBar().addPermanentWidget(self.busy)
        # 事后报销 due today / overdue, shown on the main list from the start (F7 opens them).
        self.status_claims = QLabel("", self)
        self.status_claims.setStyleSheet("color: #b00020;")
        # A message ("已结算…", "数据库为最新版本…") takes the place of the database, site and
        # sync while it shows, instead of being squeezed to a few characters at the left on a
        # 1024 px screen; who is signed in stays in sight.
        for label in (self.status_db, self.status_site, self.status_sync):
            self.statusBar().addWidget(label)
        # First of the permanent ones, after the three above (Qt refuses an index among them
        # and appends, which put it right of who is signed in).
        self.statusBar().insertPermanentWidget(3, self.status_claims)
        self.statusBar().addPermanentWidget(self.status_clerk)

    def _run(self, work, done, what: str) -> None:
        """``work()`` off the GUI thread, then ``done(result)`` on it; a failure is shown."""
        run_in_background(
            work,
            done,
            lambda error: QMessageBox.warning(self, f"未能{what}", str(error)),
            owner=self,
        )

    # --- the store arrives -----------------------------------------------------------------
    def show_database(self, target: str) -> None:
        """The database file's name in the status bar, its whole path or URL in the tooltip:
        at 1024 px a path pushed the site's code out of sight."""
        if "://" in target:  # a server: host/database, never the user
            shown = target.rsplit("@", 1)[-1].split("://", 1)[-1]
        else:
            shown = target.replace("\\", "/").rsplit("/", 1)[-1]
        self.status_db.setText(f"数据库：{shown}")
        self.status_db.setToolTip(target)

    def attach(self, desk: Desk) -> None:
        self.desk = desk
        self.model.mask = desk.mask_id
        self.drafts = DraftBox(desk.data_dir / "drafts")
        self.show_database(desk.target)
        self._show_demo(desk.is_demo())
        self._show_notice()  # the policy notice depends on who signed in
        self._enable_case_actions()
        self.update_status()
        self._carry_sync_setting()
        self.show_work_list()
        if self.drafts.load(REGISTRATION_DRAFT):
            self.statusBar().showMessage("有上次未保存的入院登记草稿，按 F2 继续。", 15000)
        elif desk.migration_message:
            self.statusBar().showMessage(desk.migration_message, 8000)
        else:
            self.statusBar().clearMessage()
        self.search.setFocus()  # a scanner's code lands in the search box
        self.update_claims_due()
        self.sync_timer.start()
        self.desk_ready.emit()

    def _show_demo(self, demo: bool) -> None:
        """A demo store says so in the title bar and the status bar (its paper says 演示)."""
        demo_title = f"【演示】医疗救助（演示数据库，数据均为虚构） — {options.DISPLAY_NAME}"
        self.setWindowTitle(demo_title if demo else TITLE)
        self.status_demo.setVisible(demo)

    def run_after_start_checks(self) -> None:
        """The full integrity check and the daily backup, off the GUI thread, once the window
        is ready: the clerk works meanwhile; a damaged file is said at once (writing stops)."""
        desk = self.desk
        desk.start_steps.append("ready")

        def done(notes) -> None:
            if notes.backup_note:
                self.statusBar().showMessage(notes.backup_note, 8000)
            if notes.problems:
                self.startup_problems = [*self.startup_problems, *notes.problems]
                self._show_notice()
                if any(line.startswith("已停止写入") for line in notes.problems):
                    QMessageBox.critical(self, "数据库有问题", "\n".join(notes.problems))

        run_in_background(desk.after_start_checks, done, lambda _error: None, owner=self)

    def show_startup_notes(self, notes) -> None:
        """``app.desk.accounts.StartupNotes``: each changed policy file named, backup problems."""
        self.startup_problems = list(notes.problems)
        self.policy_warnings = list(notes.policy_warnings)
        self._show_notice()
        if notes.backup_note:
            self.statusBar().showMessage(notes.backup_note, 8000)

    def _show_notice(self) -> None:
        """Backup problems for all; the policy files waiting for sign-off as the banner an
        administrator acts on, or, for anyone else, why settling under them is paused."""
        lines = list(self.startup_problems)
        user = self.desk.user if self.desk else None
        admin = user is not None and self.desk.may("administrator")
        if self.policy_warnings and admin:
            lines.append(
                "以下政策文件与管理员核准的清单不一致，请核对后核准或拒绝"
                "（管理 → 政策文件核准，Ctrl+Shift+K）："
            )
        elif self.policy_warnings and user is not None:
            lines.append(
                "以下政策文件尚待管理员核准；文件已改动或被拒绝的，暂停按该政策结算"
                "（结算时将被拒绝），请联系管理员登录核准："
            )
        if user is not None:
            lines += [f"  · {line}" for line in self.policy_warnings]
        self.notice.setText("\n".join(lines))
        self.notice.setVisible(bool(lines))
        self.signoff_button.setVisible(bool(self.policy_warnings) and admin)

    def watch_idle(self, minutes: int, clock=None, check_every_ms: int | None = None):
        """Lock the window after ``minutes`` without input (``ui.idle_lock``)."""
        from ui.idle_lock import CHECK_EVERY_MS, IdleLock

        if self.idle_lock is not None:
            self.idle_lock.stop()
        extra = {"clock": clock} if clock is not None else {}
        self.idle_lock = IdleLock(
            self, self.desk, minutes, check_every_ms=check_every_ms or CHECK_EVERY_MS, **extra
        )
        return self.idle_lock

    def show_open_failure(self, error: Exception) -> None:
        self.status_db.setText("数据库：未能打开")
        QMessageBox.critical(self, "未能打开数据库", f"{error}")

    def update_status(self) -> None:
        desk = self.desk
        site = desk.site() if desk else None  # the desk keeps the site once read
        self.status_site.setText(f"站点：{site.name}（{site.code}）" if site else "站点：未设置")
        user = desk.user if desk else None
        if user is not None:
            self.status_clerk.setText(f"经办人：{user.name}（{user.role_name}）")
        else:
            self.status_clerk.setText("经办人：未登录")
        if desk is None:
            self.status_sync.setText(self._sync_text(None))
            return
        run_in_background(
            desk.sync_status,
            lambda state: self.status_sync.setText(self._sync_text(state)),
            lambda error: self.status_sync.setText(f"同步：状态未能读取（{error}）"),
            owner=self.status_sync,  # a window closed meanwhile (the tests' teardown) drops it
        )

    def _carry_sync_setting(self) -> None:
        """A folder an older version kept only in QSettings is handed to the store, once, by
        the first supervisor to sign in (the folder is a supervisor's setting)."""
        desk = self.desk
        folder = str(self.settings.value(options.LEGACY_UPLOAD_FOLDER, "") or "")
        minutes = self.settings.value(options.LEGACY_SYNC_MINUTES, 0)
        if not folder or (desk.user is not None and not desk.may("supervisor")):
            return

        def carry() -> None:
            state = desk.sync_status()
            if state.central_folder is None:
                desk.set_sync(folder, int(minutes) or state.interval_minutes)

        def carried(_none) -> None:
            self.settings.remove(options.LEGACY_UPLOAD_FOLDER)
            self.settings.remove(options.LEGACY_SYNC_MINUTES)
            self.update_status()

        self._run(carry, carried, "保存同步设置")

    def _sync_text(self, state) -> str:
        if state is None or state.central_folder is None:
            return "同步：未设置上传文件夹"
        waiting = f"，待发送 {state.queue_length} 条" if state.queue_length else ""
        if state.last_error:
            retry = f"，{state.next_attempt:%H:%M} 重试" if state.next_attempt else ""
            return f"同步失败：{state.last_error}{retry}{waiting}"
        if state.last_success:
            return f"同步：{state.last_success:%m-%d %H:%M} 成功{waiting}"
        return f"同步：尚未同步{waiting}"

    def sync_if_due(self) -> None:
        """Run sync off the GUI thread when its back-off says it is due; show the outcome."""
        desk = self.desk
        if desk is None:
            return
        run_in_background(
            desk.sync_if_due,
            lambda _report: self.update_status(),
            lambda error: self.status_sync.setText(f"同步失败：{error}"),
        )

    # --- search and the list ---------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def run_search(self) -> None:
        text = self.search.text().strip()
        desk = self.desk
        if desk is None or not text:
            return
        self._run(lambda: desk.search(text), lambda rows: self._found(text, rows), "查找")

    def _found(self, text: str, rows: list[CaseRow]) -> None:
        self.model.set_rows(rows)
        self.list_title.setText(f"查找“{text}”：{len(rows)} 条")
        self.back_button.show()
        if rows:
            self.select_admission(rows[0].admission_id)
            self.search.selectAll()  # the next scan replaces the text
        else:
            self.case_panel.show_case(None)
            self.statusBar().showMessage(f"没有找到“{text}”。", 8000)
        self._enable_case_actions()

    def show_work_list(self) -> None:
        desk = self.desk
        if desk is None:
            return
        handled = frozenset(self.handled_today)
        self.back_button.hide()
        self.search.clear()
        self._run(lambda: desk.work_list(handled), self._show_work_rows, "读取在院列表")
        self.refresh_reminders()

    def refresh_reminders(self) -> None:
        desk = self.desk
        if desk is not None:
            self._run(desk.reminders, self._show_reminders, "读取提醒")

    def _show_reminders(self, reminders: list) -> None:
        self.reminders = reminders
        lines = [f"{REMINDER_LEVELS.get(r.level, '')}{r.text}" for r in reminders]
        shown = lines[:REMINDER_LINES]
        if len(lines) > REMINDER_LINES:
            shown.append(f"……另有 {len(lines) - REMINDER_LINES} 条提醒（鼠标停留查看全部）")
        self.reminder_box.setText("\n".join(shown))
        self.reminder_box.setToolTip("\n".join(lines))
        self.reminder_box.setVisible(bool(lines))

    def _show_work_rows(self, rows: list[CaseRow]) -> None:
        self.model.set_rows(rows)
        self.list_title.setText(f"在院及今日办理的病例：{self.model.rowCount()} 条")
        self.case_panel.show_case(None)
        self._enable_case_actions()

    def select_admission(self, admission_id: int) -> None:
        for source_row, row in enumerate(self.model.rows):
            if row.admission_id == admission_id:
                index = self.proxy.mapFromSource(self.model.index(source_row, 0))
                self.table.setCurrentIndex(index)
                self.table.scrollTo(index)
                return

    def current_row(self) -> CaseRow | None:
        index = self.proxy.mapToSource(self.table.currentIndex())
        return self.model.rows[index.row()] if index.isValid() else None

    def _row_chosen(self, *_args) -> None:
        self.refresh_case()

    def refresh_case(self) -> None:
        row = self.current_row()
        desk = self.desk
        if row is None or desk is None:
            self.case_panel.show_case(None)
            self._enable_case_actions()
            return
        admission_id = row.admission_id

        def loaded(detail) -> None:
            current = self.current_row()
            if current is not None and current.admission_id == admission_id:
                self.case_panel.show_case(detail)
                self._enable_case_actions()

        self._run(lambda: desk.case(admission_id), loaded, "读取病例")

    def _replace_row(self, admission_id: int) -> None:
        """Show the case's new state in the list (after registering, settling, voiding)."""
        desk = self.desk
        self.handled_today.add(admission_id)

        def loaded(detail) -> None:
            rows = [r for r in self.model.rows if r.admission_id != admission_id]
            self.model.set_rows([detail.row, *rows])
            if self.list_title.text().startswith("在院及今日"):  # the count said one less
                self.list_title.setText(f"在院及今日办理的病例：{self.model.rowCount()} 条")
            self.select_admission(admission_id)

        self._run(lambda: desk.case(admission_id), loaded, "读取病例")

    def _enable_case_actions(self) -> None:
        detail = self.case_panel.detail
        live = detail.live_settlement if detail else None
        ready = self.desk is not None
        self.audit_action.setEnabled(ready and self.desk.may("supervisor"))
        self.whatif_action.setEnabled(ready and self.desk.may("supervisor"))
        self.signoff_action.setEnabled(ready and self.desk.may("administrator"))
        self.accounts_action.setEnabled(ready and self.desk.may("administrator"))
        self.switch_action.setEnabled(ready)
        self.password_action.setEnabled(ready)
        self.register_action.setEnabled(ready)
        self.outpatient_action.setEnabled(ready)
        self.export_action.setEnabled(ready)
        self.daily_close_action.setEnabled(ready)
        outpatient = bool(detail) and detail.row.kind == "outpatient"
        self.discharge_action.setEnabled(bool(detail) and live is None and not outpatient)
        self.void_action.setEnabled(live is not None)
        # A voided slip still prints (with its 作废 mark) for the file.
        for item in (self.print_action, self.pdf_action):
            item.setEnabled(self._printable_slip() is not None)
        # The forms a case prints are those its policy file lists ([[versions.paper]]).
        forms = self._forms_printed(detail.row) if (ready and detail) else ()
        self.referral_action.setEnabled(referral_paperwork(forms) is not None)
        self.application_action.setEnabled(live is not None and "application" in forms)
        self.paperwork_action.setEnabled(
            bool(ready and detail) and self._asks_paperwork(detail.row)
        )

    def _asks_paperwork(self, row: CaseRow) -> bool:
        loaded = self.desk.policies.get(row.policy_id)
        return bool(loaded) and asks_paperwork(loaded.definition, row.admitted_at.date())

    def _forms_printed(self, row: CaseRow) -> tuple[str, ...]:
        loaded = self.desk.policies.get(row.policy_id)
        return forms_printed(loaded.definition, row.admitted_at.date()) if loaded else ()

    def view_scan(self, sha256: str, title: str) -> None:
        from ui.scan_viewer import ScanViewer

        def show(found: tuple[bytes, str]) -> None:
            self.scan_viewer = ScanViewer(title, *found, parent=self)
            self.scan_viewer.open()

        desk = self.desk
        self._run(lambda: desk.scan_file(sha256), show, "打开扫描件")

    def _mark_item(self, item_id: int, **changes) -> None:
        """Save one tick or scan off the GUI thread (a scan is hashed), then show the case."""
        desk = self.desk

        def refused(error: Exception) -> None:
            QMessageBox.warning(self, "未能保存材料", str(error))
            self.refresh_case()  # the tick goes back to what is saved

        run_in_background(
            lambda: desk.mark_item(item_id, **changes), lambda _none: self.refresh_case(), refused
        )

    def open_paperwork(self) -> None:
        """Who filled in the application and the account paid into, for the case's forms."""
        from ui.paperwork_dialog import PaperworkDialog

        detail = self.case_panel.detail
        if detail is None or self.desk is None:
            return
        self.paperwork_dialog = PaperworkDialog(self.desk, detail.row.admission_number, self)
        self.paperwork_dialog.saved.connect(
            lambda number: self.statusBar().showMessage(f"已保存 {number} 的申请与发放信息", 8000)
        )
        self.paperwork_dialog.open()

    # --- registration, discharge, void -----------------------------------------------------
    def open_registration(self) -> None:
        from ui.registration_form import RegistrationForm

        if self.desk is None:
            return
        if self.desk.site() is None:
            QMessageBox.warning(
                self, "尚未设置本院", "请先在“设置”中填写站点代码、医院名称与默认政策。"
            )
            self.open_settings()
            return
        self.registration = RegistrationForm(self.desk, self.drafts, self)
        self.registration.registered.connect(self._registered)
        self.registration.open()

    def _registered(self, admission_id: int) -> None:
        self._replace_row(admission_id)
        self.statusBar().showMessage("入院备案登记已保存。", 8000)

    def open_discharge(self) -> None:
        detail = self.case_panel.detail
        if self.desk is None or detail is None or detail.live_settlement is not None:
            return
        desk = self.desk
        self._run(
            lambda: desk.discharge_case(detail.row.admission_id),
            self._show_discharge,
            "打开出院结算",
        )

    def _show_discharge(self, case) -> None:
        from ui.discharge_dialog import DischargeDialog

        desk = self.desk
        self.discharge = DischargeDialog(
            case,
            preview=lambda claim: desk.preview(case, claim),
            confirm=lambda claim, override, moment: desk.settle(case, claim, override, moment),
            drafts=self.drafts,
            parent=self,
            stored_figures=lambda: desk.insurance_figures(case.admission_id),
            file_figures=lambda path: desk.insurance_figures_from_file(path, case),
        )
        self.discharge.settled.connect(lambda slip: self._settled(case.admission_id, slip))
        self.discharge.open()

    def _settled(self, admission_id: int, slip_number: str) -> None:
        self._replace_row(admission_id)
        self.statusBar().showMessage(f"已结算，结算单号 {slip_number}，正在生成结算单…", 8000)
        self.print_slip(slip_number)

    def open_outpatient(self) -> None:
        """门诊结算 (F6): the site policy's outpatient screen; settled, the slip is printed."""
        from ui.outpatient_dialog import OutpatientDialog

        desk = self.desk
        if desk is None:
            return

        def show(setup) -> None:
            self.outpatient = OutpatientDialog(
                setup,
                preview=desk.outpatient_preview,
                confirm=desk.settle_outpatient,
                lookup=lambda number, day: (
                    desk.known_name(number),
                    desk.roster_answer(number, day),
                ),
                parent=self,
            )
            self.outpatient.settled.connect(self._outpatient_settled)
            self.outpatient.open()

        self._run(desk.outpatient_setup, show, "打开门诊结算")

    def _outpatient_settled(self, slip_number: str) -> None:
        desk = self.desk

        def found(rows: list[CaseRow]) -> None:
            if rows:
                self._settled(rows[0].admission_id, slip_number)

        self._run(lambda: desk.search(slip_number), found, "读取门诊结算")

    def open_void(self) -> None:
        from ui.void_dialog import VoidDialog

        detail = self.case_panel.detail
        live = detail.live_settlement if detail else None
        if live is None:
            return
        user = self.desk.user
        # A supervisor signed in is offered as the approver; the password is still asked.
        name = user.name if user and self.desk.may("supervisor") else ""
        dialog = VoidDialog(live.slip_number, self.desk.void, self, supervisor=name)
        dialog.accepted.connect(lambda: self._voided(detail.row.admission_id, live.slip_number))
        self.void_dialog = dialog
        dialog.open()

    def _voided(self, admission_id: int, slip_number: str) -> None:
        self._replace_row(admission_id)
        self.statusBar().showMessage(f"结算单 {slip_number} 已作废，可重新结算。", 8000)

    # --- paper -----------------------------------------------------------------------------
    def _printable_slip(self) -> str | None:
        """The case's slip to print: the one in force, else the last one, voided."""
        detail = self.case_panel.detail
        if detail is None or not detail.settlements:
            return None
        live = detail.live_settlement
        return (live or detail.settlements[-1]).slip_number

    def print_current(self) -> None:
        slip = self._printable_slip()
        if slip:
            self.print_slip(slip)

    def print_slip(self, slip_number: str) -> None:
        """Make the PDF off the GUI thread, then show Qt's print preview of it."""
        from ui.printing import SlipPapers, render_for_print, slip_paper

        desk = self.desk
        printer = options.PRINTER.read(self.settings)
        # The printer's own paper (打印机校准), else the user's; the preview may change it.
        paper = slip_paper(printer, options.PAPER.read(self.settings))

        def make_on(paper: str) -> tuple[bytes, bytes, RenderedPages]:
            # The PDFs and their pages, all off the GUI thread.
            pdf = desk.slip_pdf(slip_number, paper=paper)
            preview = desk.slip_pdf(slip_number, paper=paper, preview=True)
            return pdf, preview, render_for_print(pdf, preview)

        papers = SlipPapers(paper, make_on)

        def done(made: tuple[bytes, bytes, RenderedPages]) -> None:
            pdf, preview, pages = made
            self.printed.emit(slip_number)
            title = f"结算单 {slip_number}"
            # Only a print that happened counts: a preview closed unprinted is no reprint.
            if preview_and_print(
                self, pdf, title, printer, preview_pdf=preview, rendered=pages, papers=papers
            ):
                printed_on = papers.paper
                self._run(
                    lambda: desk.record_print(slip_number, printed_on), lambda _: None, "记录打印"
                )
            else:  # stays on the status bar until something else is said
                self.statusBar().showMessage(
                    f"结算单 {slip_number} 未打印（预览已关闭）：选中该病例后按 Ctrl+P 打印", 0
                )

        run_in_background(
            lambda: make_on(paper),
            done,
            lambda error: QMessageBox.warning(self, "未能生成结算单", str(error)),
        )

    def print_referral(self) -> None:
        detail = self.case_panel.detail
        if detail is not None:
            number = detail.row.admission_number
            self.print_document(lambda desk: desk.referral_pdf(number))

    def print_application(self) -> None:
        detail = self.case_panel.detail
        if detail is not None:
            number = detail.row.admission_number
            self.print_document(lambda desk: desk.application_pdf(number))

    def print_document(self, make) -> None:
        """``make(desk) -> (title, pdf)`` off the GUI thread, then the print preview."""
        from ui.printing import render_for_print

        desk = self.desk
        printer = options.PRINTER.read(self.settings)

        def made_and_rendered() -> tuple[str, bytes, RenderedPages]:
            title, pdf = make(desk)
            return title, pdf, render_for_print(pdf)

        def done(made: tuple[str, bytes, RenderedPages]) -> None:
            title, pdf, pages = made
            self.printed.emit(title)
            preview_and_print(self, pdf, title, printer, rendered=pages)

        run_in_background(
            made_and_rendered,
            done,
            lambda error: QMessageBox.warning(self, "未能生成文书", str(error)),
        )

    def save_current_pdf(self) -> None:
        from ui.printing import save_pdf, slip_paper

        slip = self._printable_slip()
        if not slip:
            return
        desk = self.desk
        paper = slip_paper(options.PRINTER.read(self.settings), options.PAPER.read(self.settings))

        def made(pdf: bytes) -> None:
            path = save_pdf(self, pdf, f"结算单-{slip}.pdf")
            if path is not None:
                self._run(
                    lambda: desk.record_print(slip, paper),
                    lambda _none: self.statusBar().showMessage(f"已保存：{path}", 8000),
                    "记录打印",
                )

        self._run(lambda: desk.slip_pdf(slip, paper=paper), made, "生成结算单")

    # --- settings and policies -------------------------------------------------------------
    def open_export(self) -> None:
        from ui.export_dialog import ExportDialog

        self.export_dialog = ExportDialog(self.desk, self)
        self.export_dialog.open()

    def open_daily_close(self) -> None:
        from ui.daily_close_dialog import DailyCloseDialog

        if self.desk is None:
            return
        self.daily_close_dialog = DailyCloseDialog(self.desk, self.print_document, self)
        self.daily_close_dialog.open()

    def open_audit_viewer(self) -> None:
        from ui.audit_viewer import AuditViewer

        if self.desk is None or not self.desk.may("supervisor"):
            return
        self.audit_viewer = AuditViewer(self.desk, self)
        self.audit_viewer.show()

    def open_what_if(self) -> None:
        from ui.whatif_dialog import WhatIfDialog

        if self.desk is None or not self.desk.may("supervisor"):
            return
        self.whatif_dialog = WhatIfDialog(self.desk, self)
        self.whatif_dialog.open()

    def open_post_discharge(self) -> None:
        from ui.post_discharge import PostDischargeView

        if self.desk is None:
            return
        self.post_discharge = PostDischargeView(self.desk, self)
        self.post_discharge.finished.connect(self.update_claims_due)
        self.post_discharge.show()

    def update_claims_due(self) -> None:
        if self.desk is None:
            return
        desk = self.desk
        run_in_background(
            desk.claims_due,
            lambda counts: self.status_claims.setText(due_notice(*counts)),
            lambda _error: None,
            owner=self,
        )

    def open_settings(self) -> None:
        from ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self.desk, self)
        dialog.accepted.connect(self.update_status)
        self.settings_dialog = dialog
        dialog.open()

    def open_policy_viewer(self) -> None:
        from ui.policy_viewer import PolicyViewer

        site = self.desk.site() if self.desk else None
        chosen = site.default_policy if site else ""
        self.policy_viewer = PolicyViewer(chosen, self)
        self.policy_viewer.show()

    # --- closing -----------------------------------------------------------------------------
    def closeEvent(self, event) -> None:
        """A form with unsaved input asks first (its own question); the window waits for it."""
        for form in (self.registration, self.discharge, self.outpatient):
            if form is not None and form.isVisible():
                form.reject()
                if form.isVisible():
                    event.ignore()
                    return
        self.sync_timer.stop()
        if self.idle_lock is not None:
            self.idle_lock.stop()
        event.accept()


def due_notice(today: int, overdue: int) -> str:
    """The line the main window shows at start when claims are due."""
    if not (today or overdue):
        return ""
    return f"事后报销：今日到期 {today} 笔，已逾期 {overdue} 笔（F7 查看）"
