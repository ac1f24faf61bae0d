"""设置: every store-wide option in one registry, read and changed only through here.

Each ``Option`` is typed (bool, int, str, choice, path, secret), has a Chinese label, a default,
the role that may change it, and is audited when it changes (a secret's value never is). Values
live in the ``setting`` table (the sync password in the OS's secret store instead); the four ``site.*`` options are the current site's row
(``app.services.sites``). The window's settings pages, ``python -m app settings`` and the
other services all go through ``get`` / ``values`` / ``save``.

Per-user preferences (printer, paper, the name offered at sign-in, window geometry) are not
here: the window keeps them with QSettings. Which database to open is ``app.paths``'s rule;
``choose_data_folder`` is the window's way to change it (``database.txt``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath, PureWindowsPath

from sqlalchemy.orm import Session

from app.privacy import DEFAULT_PATTERN, mask_id, pattern_problem
from app.services import audit
from app.services.access import (
    CLERK,
    ROLE_NAMES,
    SUPERVISOR,
    Actor,
    actor_name,
    check_role,
    role_allows,
)
from app.services.errors import ServiceError
from app.services.sites import check_site, current_site, put_site
from app.services.sync_secret import kept_password, put_sync_password
from app.vocabulary import FACILITY_NAMES
from db import Store
from db.models import Setting

BOOL, INT, STR, CHOICE, PATH, SECRET = "bool", "int", "str", "choice", "path", "secret"
TRUE_WORDS = {"1", "true", "yes", "on", "是"}
FALSE_WORDS = {"0", "false", "no", "off", "否"}
IDLE_LOCK_DEFAULT = 10
IDLE_LOCK_RANGE = (1, 60)
SYNC_INTERVAL_DEFAULT = 10  # as app.sync.state reads it when unset
SECRET_CHANGED = "（已更改，内容不记录）"


@dataclass(frozen=True)
class Option:
    """One store-wide setting.

    Attributes:
        key: its name on the command line and in the audit trail (``sync.interval_minutes``).
        label: the Chinese name shown on the page and in every message about it.
        kind: bool, int, str, choice, path or secret.
        default: the value while nothing is stored.
        role: the lowest role that may change it (clerk, supervisor, administrator).
        row: its key in the ``setting`` table ("" for the site's own row).
        low / high / unit: an int's range and unit (``分钟``).
        choices: a choice's (code, Chinese name) pairs, or a function giving them.
        check: a str's extra check, giving the reason it is wrong or None.
        hint: what the page shows in an empty field.
    """

    key: str
    label: str
    kind: str
    default: object
    role: str
    row: str = ""
    low: int | None = None
    high: int | None = None
    unit: str = ""
    choices: tuple[tuple[str, str], ...] | Callable[[], tuple[tuple[str, str], ...]] = ()
    check: Callable[[str], str | None] | None = None
    hint: str = ""

    @property
    def audited(self) -> bool:
        return True  # every store-wide change is; a secret only as "changed"

    def choice_list(self) -> tuple[tuple[str, str], ...]:
        return self.choices() if callable(self.choices) else self.choices


class SettingError(ServiceError):
    """A value refused for one option: ``field`` is its key, ``str()`` begins with its label."""

    def __init__(self, option: Option, message: str):
        super().__init__(option.key, message)
        self.label = option.label
        self.args = (f"{option.label}：{message}",)


def _policies() -> tuple[tuple[str, str], ...]:
    from app.services.policies import installed_policies

    return tuple((pid, p.definition.title) for pid, p in installed_policies().items())


def _sync_password_problem(password: str) -> str | None:
    from app.encryption import EncryptionError, encrypt

    try:
        encrypt(b"", password)
    except EncryptionError as exc:
        return str(exc)
    return None


OPTIONS: dict[str, Option] = {
    option.key: option
    for option in (
        Option("site.code", "站点代码", STR, "", SUPERVISOR, hint="如 LX01（印在结算单号中）"),
        Option("site.name", "医院名称", STR, "", SUPERVISOR, hint="如 兰溪市人民医院"),
        Option(
            "site.facility", "医院级别", CHOICE, "county", SUPERVISOR,
            choices=tuple(FACILITY_NAMES.items()),
        ),
        Option("site.default_policy", "默认政策", CHOICE, "", SUPERVISOR, choices=_policies),
        Option(
            "sync.central_folder", "中央上传文件夹", PATH, "", SUPERVISOR, row="central_folder",
            hint="共享文件夹或 U 盘上的文件夹",
        ),
        Option(
            "sync.interval_minutes", "同步间隔", INT, SYNC_INTERVAL_DEFAULT, CLERK,
            row="sync.interval_minutes", low=1, high=24 * 60, unit="分钟",
        ),
        # Kept in the OS's secret store, never in the setting table (app.services.sync_secret).
        Option("sync.password", "同步密码", SECRET, "", SUPERVISOR, row="",
               check=_sync_password_problem),
        Option(
            "security.idle_lock_minutes", "闲置锁屏时间", INT, IDLE_LOCK_DEFAULT, SUPERVISOR,
            row="idle_lock_minutes", low=IDLE_LOCK_RANGE[0], high=IDLE_LOCK_RANGE[1], unit="分钟",
        ),
        Option(
            "privacy.id_mask_pattern", "身份证号遮蔽方式", STR, DEFAULT_PATTERN, SUPERVISOR,
            row="id_mask_pattern", check=pattern_problem, hint=DEFAULT_PATTERN,
        ),
    )
}  # fmt: skip
SITE_FIELDS = {
    "site.code": "code",
    "site.name": "name",
    "site.facility": "facility",
    "site.default_policy": "default_policy",
}
# check_site names its fields as the registration forms do; here they are these options.
_SITE_ERROR_FIELDS = {"site_code": "site.code", "site": "site.name", "facility": "site.facility"}


def option(key: str) -> Option:
    """The option named ``key``; ServiceError listing the known keys if there is none."""
    found = OPTIONS.get((key or "").strip())
    if found is None:
        raise ServiceError("setting", f"没有设置项“{key}”；可用：{'、'.join(OPTIONS)}")
    return found


def may_change(role: str | None, key: str) -> bool:
    """Whether a user of ``role`` may change the option (the page shows it read-only if not)."""
    return role is not None and role_allows(role, option(key).role)


# A full path for each folder option: the data folder's example is no upload folder.
PATH_EXAMPLES = {
    "sync.central_folder": "D:\\上传 或 /mnt/上传",
    "data.folder": "D:\\一站式结算\\数据 或 /srv/onestop/data",
}


def parse(option: Option, value: object) -> object:
    """``value`` (typed, or text from a field or the command line) as the option's type;
    SettingError naming the option when it cannot be."""
    if option.kind == BOOL:
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS | FALSE_WORDS:
            return word in TRUE_WORDS
        raise SettingError(option, "应为 是 或 否")
    if option.kind == INT:
        range_text = f"应为 {option.low} 到 {option.high} 之间的整数{option.unit}"
        if isinstance(value, bool | float):
            raise SettingError(option, range_text)
        typed = str(value).strip()
        # int() also takes "1_5" (15), "+5" and full-width or other scripts' digits
        if not (typed.isascii() and typed.isdigit()):
            raise SettingError(option, range_text)
        number = int(typed)
        if not option.low <= number <= option.high:
            raise SettingError(option, range_text)
        return number
    text = "" if value is None else str(value).strip()
    if option.kind == CHOICE:
        for code, name in option.choice_list():
            if text in (code, name):
                return code
        listed = "、".join(f"{code}（{name}）" for code, name in option.choice_list())
        raise SettingError(option, f"应为：{listed}")
    absolute = PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute()
    if option.kind == PATH and text and not absolute:
        example = PATH_EXAMPLES.get(option.key, PATH_EXAMPLES["sync.central_folder"])
        raise SettingError(option, f"应为完整路径，如 {example}")
    if option.kind in (STR, SECRET) and text and option.check is not None:
        problem = option.check(text)
        if problem:
            raise SettingError(option, problem)
    return text


def _stored(option: Option, text: str | None) -> object:
    """A row's text as the option's value; the default when absent or no longer valid."""
    if text is None:
        return option.default
    try:
        return parse(option, text)
    except SettingError:
        return option.default


def _read(session: Session, site_code: str | None = None) -> dict[str, object]:
    found = {key: o.default for key, o in OPTIONS.items()}
    for key, o in OPTIONS.items():
        if o.kind == SECRET:
            found[key] = kept_password(session) or ""
        elif o.row:
            row = session.get(Setting, o.row)
            found[key] = _stored(o, row.value if row is not None else None)
    try:
        site = current_site(session, site_code)
    except ServiceError:
        return found
    for key, column in SITE_FIELDS.items():
        found[key] = getattr(site, column)
    return found


def values(store: Store, site_code: str | None = None) -> dict[str, object]:
    """Every option's value by key (a secret's value too: for the service that uses it).
    ``site_code`` picks a site other than the current one for the ``site.*`` options."""
    with store.read() as session:
        return _read(session, site_code)


def get(store: Store, key: str) -> object:
    return values(store)[option(key).key]


def shown(option: Option, value: object) -> str:
    """The value as the command line and the audit trail show it (never a secret's text)."""
    if option.kind == SECRET:
        return "已设置" if value else "未设置"
    if option.kind == BOOL:
        return "是" if value else "否"
    if option.kind == CHOICE:
        names = dict(option.choice_list())
        return f"{value}（{names[value]}）" if value in names else str(value)
    return str(value)


def save(
    store: Store,
    clerk: Actor,
    changes: dict[str, object],
    *,
    site_code: str | None = None,
    now: datetime | None = None,
    folder: str | None = None,
) -> dict[str, tuple[object, object]]:
    """Store the options in ``changes`` (key -> value, typed or text) in one transaction.

    Only the options whose value differs are checked against ``clerk``'s role (a signed-in
    session once accounts exist, ``app.services.access``), written and audited, so saving a
    page unchanged needs no role. Returns key -> (old, new) of those.
    ``folder`` (not None) is the data folder chosen with them (``choose_data_folder``): its
    change is in the returned dict as ``data.folder``.
    Raises SettingError (bad value, naming the option) or AccessDenied before writing anything.
    """
    keys = [option(key).key for key in changes]  # an unknown key is refused first
    at = now or datetime.now()
    folder = None if folder is None else _new_data_folder(store, clerk, folder, at)
    who = actor_name(clerk)
    with store.write() as session:
        before = _read(session, site_code)
        # A value handed back as it was is not checked again (a stored policy since removed
        # stays as it is until someone changes it).
        wanted = {
            key: value if value == before[key] else parse(OPTIONS[key], value)
            for key, value in zip(keys, changes.values(), strict=True)
        }
        changed = {k: (before[k], v) for k, v in wanted.items() if before[k] != v}
        for key in changed:
            o = OPTIONS[key]
            check_role(session, clerk, o.role, doing=f"修改“{o.label}”", field="clerk", now=at)
        site_keys = [key for key in changed if key in SITE_FIELDS]
        if site_keys:
            merged = {SITE_FIELDS[k]: wanted.get(k, before[k]) for k in SITE_FIELDS}
            try:
                code, name = check_site(merged["code"], merged["name"], merged["facility"])
            except ServiceError as exc:
                raise SettingError(OPTIONS[_SITE_ERROR_FIELDS[exc.field]], exc.message) from None
            put_site(
                session,
                code=code,
                name=name,
                facility=merged["facility"],
                default_policy=merged["default_policy"],
                clerk=who,
            )
        for key, (old, new) in changed.items():
            if key not in SITE_FIELDS:
                _write(session, OPTIONS[key], old, new, who, at)
        if folder is not None:
            changed[DATA_FOLDER.key] = (data_folder(), folder)
            _record_data_folder(session, clerk, *changed[DATA_FOLDER.key], at)
    if folder is not None:
        # Only once the options and the audit entry are committed: a failed commit leaves
        # database.txt pointing where it did.
        _point_database_at(folder)
    return changed


def _write(session: Session, o: Option, old: object, new: object, clerk: str, at) -> None:
    text = "" if new is None else str(new).lower() if o.kind == BOOL else str(new)
    if o.kind == SECRET:
        _keep_secret(session, o, text)
    else:
        _put_row(session, o, text)
    change = SECRET_CHANGED if o.kind == SECRET else [shown(o, old), shown(o, new)]
    audit.record(
        session,
        clerk=clerk,
        action="change",
        entity="setting",
        entity_id=o.key,
        changes={o.key: change},
        at=at,
    )


def _put_row(session: Session, o: Option, text: str) -> None:
    row = session.get(Setting, o.row)
    if o.kind == PATH and not text:
        if row is not None:
            session.delete(row)  # unset: readers see "not set", as before
    elif row is None:
        session.add(Setting(key=o.row, value=text))
    else:
        row.value = text


def _keep_secret(session: Session, o: Option, text: str) -> None:
    """The sync password into the OS's secret store; refused where this computer has none (the
    command line's ``sync --password-file`` then gives it at each sync)."""
    from app import secret_store

    if text and not secret_store.available():
        raise SettingError(
            o,
            "本机没有可用的系统密码库（如 Windows 凭据管理器），不能保存；"
            "请在命令行同步时给出（sync --once --password-file 文件）",
        )
    try:
        put_sync_password(session, text or None)
    except secret_store.SecretStoreError as exc:
        raise SettingError(o, str(exc)) from None


def role_name(key: str) -> str:
    return ROLE_NAMES[option(key).role]


# --- settings other services read --------------------------------------------------------------
def idle_lock_minutes(store: Store) -> int:
    """Minutes without input after which the window locks and asks for the password again."""
    return get(store, "security.idle_lock_minutes")


def mask_pattern(store: Store) -> str:
    return get(store, "privacy.id_mask_pattern")


def masker(store: Store) -> Callable[[str | None], str]:
    """A function that masks ID numbers with the site's pattern (for list and table models)."""
    pattern = mask_pattern(store)
    return lambda number: mask_id(number, pattern)


# --- the data folder (database.txt, per computer; app.paths holds the rule) ----------------------
DATA_FOLDER_ROLE = SUPERVISOR
DATA_FOLDER_LABEL = "数据目录"
DATA_FOLDER = Option("data.folder", DATA_FOLDER_LABEL, PATH, "", DATA_FOLDER_ROLE)


def data_folder() -> str:
    """The folder ``database.txt`` names (its SQLite file's folder), "" when it names none or a
    server database."""
    from app.paths import chosen_database, is_url

    chosen = chosen_database()
    if not chosen or is_url(chosen):
        return ""
    return str(Path(chosen).expanduser().parent)


def choose_data_folder(store: Store, clerk: Actor, folder: str) -> bool:
    """Point ``database.txt`` at ``<folder>/desk.sqlite3`` ("" goes back to the default), so
    the window and ``onestop-cli`` open the same file from the next start. A supervisor's
    choice, audited in the open store; ``database.txt`` is written only once that is
    committed. Unchanged: nothing to check or write (False)."""
    return DATA_FOLDER.key in save(store, clerk, {}, folder=folder)


def _new_data_folder(store: Store, clerk: Actor, folder: str, at: datetime) -> str | None:
    """The folder to choose, None when it is the one chosen already; AccessDenied for one who
    may not choose it, SettingError saying what is wrong with it, before anything is saved."""
    folder = (folder or "").strip()
    if folder == data_folder():
        return None
    with store.read() as session:
        _may_choose_data_folder(session, clerk, at)
    parse(DATA_FOLDER, folder)
    if folder:
        problem = _data_folder_problem(Path(folder))
        if problem:
            raise SettingError(DATA_FOLDER, problem)
    return folder


def _data_folder_problem(folder: Path) -> str | None:
    """Why the window could not open ``folder``'s database from the next start, or None.

    The window refuses to start on a chosen database that is missing (only the default one
    means a first start), so the folder must already hold it."""
    from app.paths import DB_FILE_NAME, cannot_write_in

    if not folder.exists():
        if not Path(folder.anchor).exists():
            return f"{folder} 所在的驱动器 {folder.anchor} 不存在或未连接"
        return f"文件夹 {folder} 不存在（U盘或共享盘是否已连接？路径是否写错？）"
    if not folder.is_dir():
        return f"{folder} 是文件，不是文件夹"
    reason = cannot_write_in(folder, ".数据目录写入检查-")
    if reason is not None:
        return f"文件夹 {folder} 不能写入（{reason}），数据库无法在其中保存"
    database = folder / DB_FILE_NAME
    if not database.is_file() or not database.stat().st_size:
        return (
            f"文件夹 {folder} 中没有数据库文件 {DB_FILE_NAME}，重新启动后将无法打开："
            "请先把数据库复制（或用备份恢复）到该文件夹，再选择它"
        )
    return None


def _may_choose_data_folder(session: Session, clerk: Actor, at: datetime) -> str:
    return check_role(
        session, clerk, DATA_FOLDER_ROLE, doing="更改数据目录", field=DATA_FOLDER.key, now=at
    )


def _record_data_folder(session: Session, clerk: Actor, old: str, new: str, at) -> None:
    who = _may_choose_data_folder(session, clerk, at)
    audit.record(
        session,
        clerk=who,
        action="change",
        entity="setting",
        entity_id=DATA_FOLDER.key,
        changes={DATA_FOLDER.key: [old, new]},
        at=at,
    )


def _point_database_at(folder: str) -> None:
    from app.paths import choose_database, database_in

    choose_database(database_in(folder) if folder else None)
