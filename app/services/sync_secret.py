"""The bureau's sync password, kept in the OS's secret store (``app.secret_store``), never in
the database, a backup, a log or a settings file.

The database keeps only whether sync files are sealed (``setting`` row ``sync_sealed``), so a
window whose computer has no secret store backend never sends a file unsealed because the
password is not at hand: the password is then asked (or read from ``--password-file``) at each
sync, and a sync without it stops with the reason.
"""

from sqlalchemy.orm import Session

from app import secret_store
from app.secret_store import SYNC_PASSWORD, SecretStoreError
from db.models import Setting
from db.store import STORE_ID_SETTING

SEALED_SETTING = "sync_sealed"


class PasswordNeeded(Exception):
    """Sync files are sealed but no password was given and none is kept (Chinese message)."""


def store_id_of(session: Session) -> str:
    row = session.get(Setting, STORE_ID_SETTING)
    return row.value if row is not None else ""


def is_sealed(session: Session) -> bool:
    row = session.get(Setting, SEALED_SETTING)
    return row is not None and row.value == "true"


def kept_password(session: Session) -> str | None:
    """The password kept in the OS's secret store for this store, or None (none kept, or this
    computer has no secret store)."""
    try:
        return secret_store.get_secret(SYNC_PASSWORD, store_id_of(session)) or None
    except SecretStoreError:
        return None


def sync_password(session: Session, given: str | None = None) -> str | None:
    """The password to seal and open sync files with: ``given`` for this run, else the kept one;
    None when files are not sealed. ``PasswordNeeded`` when they are but none is at hand."""
    if given:
        return given
    kept = kept_password(session)
    if kept:
        return kept
    if is_sealed(session):
        raise PasswordNeeded(
            "同步文件须加密，但本机没有保存同步密码（系统密码库不可用）：请在命令行同步并输入"
            "密码（sync --once，或 --password-file 文件）"
        )
    return None


def put_sync_password(session: Session, password: str | None) -> bool:
    """Keep ``password`` (None or "": stop sealing and forget it) in the OS's secret store, and
    mark the store's sync files as sealed. Returns whether it was kept: False when this
    computer has no secret store, so it must be given at each sync."""
    store_id = store_id_of(session)
    row = session.get(Setting, SEALED_SETTING)
    if not password:
        secret_store.delete_secret(SYNC_PASSWORD, store_id)
        if row is not None:
            session.delete(row)
        return False
    if row is None:
        session.add(Setting(key=SEALED_SETTING, value="true"))
    else:
        row.value = "true"
    if not secret_store.available():
        return False
    secret_store.set_secret(SYNC_PASSWORD, store_id, password)
    return True
