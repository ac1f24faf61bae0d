"""The first start on a machine with no database: two choices, never mixed.

* 试用（演示数据）: the demo store, its own file beside the real one (``app.paths.
  demo_database_for``), made and filled with fictitious records the first time, marked demo.
* 正式启用: the real store, created empty by explicit choice (``app.store_guard.create_store``:
  built under a hidden name, renamed into place only when whole) with the site the
  administrator typed, the central folder and the first administrator; no fictitious row.

No Qt here: the window's wizard (``ui.first_start``) collects the input and calls these off
the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.desk.desk import Desk
from app.errors import FieldError, FieldErrors


@dataclass(frozen=True)
class SiteForm:
    """What 正式启用 asks for the site; keys as the settings pages name them."""

    name: str
    code: str
    facility: str
    default_policy: str
    central_folder: str = ""

    def changes(self) -> dict[str, object]:
        """The settings (``app.services.settings``) the real store starts with."""
        values: dict[str, object] = {
            "site.code": self.code.strip().upper(),
            "site.name": self.name.strip(),
            "site.facility": self.facility,
            "site.default_policy": self.default_policy,
        }
        if self.central_folder.strip():
            values["sync.central_folder"] = self.central_folder.strip()
        return values


def demo_target(target: str) -> str:
    """Where the demo store beside ``target`` lives."""
    from app.paths import demo_database_for

    return demo_database_for(target)


def open_demo(target: str, clerk: str) -> Desk:
    """The demo store beside the real ``target`` (made first if it is not there yet), checked
    like every store. The real ``target`` is not created or touched."""
    from app.demo import create_demo_store
    from app.paths import sqlite_path
    from app.store_guard import check_store

    demo = demo_target(target)
    path = sqlite_path(demo)
    if path is not None and not path.exists():
        create_demo_store(demo)
    check_store(demo)
    return Desk.open(demo, clerk)


def first_start_problems(site: SiteForm, admin: str, password: str) -> list[FieldError]:
    """Every field of 正式启用 that would be refused (the same checks the services run):
    ``site.*`` / ``sync.central_folder`` keys, ``user`` and ``new_password``."""
    from app.accounts.passwords import password_problems
    from app.services.errors import ServiceError
    from app.services.policies import installed_policies
    from app.services.settings import OPTIONS, parse
    from app.services.sites import check_site

    problems: list[FieldError] = []

    def refuse(key: str, message: str) -> None:
        label = OPTIONS[key].label if key in OPTIONS else None
        problems.append(FieldError(key, message, label))

    for key, value in site.changes().items():
        if key == "site.default_policy":
            if value not in installed_policies():
                refuse(key, "请选择本院执行的政策")
            continue
        try:
            parse(OPTIONS[key], value)
        except ServiceError as exc:
            refuse(key, exc.message)
    names = {"site_code": "site.code", "site": "site.name", "facility": "site.facility"}
    if not any(p.field in names.values() for p in problems):
        try:
            check_site(site.code, site.name, site.facility)
        except ServiceError as exc:
            refuse(names.get(exc.field, exc.field), exc.message)
    if not admin.strip():
        problems.append(FieldError("user", "不能为空", "管理员登录名"))
    found = password_problems(password or "", admin.strip())
    if found:
        problems.append(FieldError("new_password", "；".join(found), "密码"))
    return problems


def start_real_store(target: str, site: SiteForm, admin: str, password: str) -> Desk:
    """Create the real store at ``target`` with the site and the first administrator (and
    nothing else), then open it with the administrator signed in.

    ``FieldErrors`` (nothing created) when a field is refused; ``StoreRefused`` when
    ``target`` exists already."""
    from app.accounts.service import create_user
    from app.services import settings
    from app.store_guard import create_store

    problems = first_start_problems(site, admin, password)
    if problems:
        raise FieldErrors(problems)
    name = admin.strip()

    def fill(store) -> None:
        # The settings first, while the store has no account: it is the administrator who
        # chose them, and no one can sign in before the account exists.
        settings.save(store, name, site.changes())
        create_user(store, None, name, "administrator", password)

    create_store(target, fill)
    desk = Desk.open(target, name)
    try:
        desk.sign_in(name, password)
    except Exception:
        desk.close()
        raise
    return desk
