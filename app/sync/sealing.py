"""Sync files sealed with the bureau's password (kept in the OS's secret store, or given at each
run: ``app.services.sync_secret``): change packages, rosters and year-to-date
files on the shared drive are AES-256-GCM encrypted (``app.encryption``) when a password is
set, so a copied share or a lost stick does not spill a roster.

A sealed file keeps its name; ``open_sealed`` recognises it by its header, so windows and the
centre can switch to encryption without renaming anything, and a resend is still one package.
"""

from app.encryption import EncryptionError, decrypt, encrypt, is_encrypted
from app.services.sync_secret import PasswordNeeded, put_sync_password, sync_password
from app.sync.package import PackageError
from db.store import Store

__all__ = [
    "PasswordNeeded",
    "open_sealed",
    "password_needed",
    "seal",
    "set_sync_password",
    "sync_password",
]


def seal(data: bytes, password: str | None) -> bytes:
    return encrypt(data, password) if password else data


def open_sealed(data: bytes, password: str | None, file_name: str) -> bytes:
    """The plain bytes of a sync file; ``PackageError`` naming the file if it cannot be opened."""
    if not is_encrypted(data):
        return data
    if not password:
        raise PackageError(f"{file_name}：文件已加密，需要主管部门的同步密码")
    try:
        return decrypt(data, password)
    except EncryptionError as exc:
        raise PackageError(f"{file_name}：{exc}") from None


def set_sync_password(store: Store, password: str | None, clerk: str = "system") -> bool:
    """Seal this window's sync files with ``password`` (None: stop sealing). The password goes
    to the OS's secret store, never the database; returns whether it was kept there (False:
    this computer has none, so it is asked at each sync). The change is audited as 设置's is,
    naming ``clerk`` and not the password."""
    from app.services import audit
    from app.services.settings import SECRET_CHANGED

    if password is not None:
        encrypt(b"", password)  # refuses a password that is too short, with its reason
    with store.write() as session:
        kept = put_sync_password(session, password)
        audit.record(
            session,
            clerk=clerk,
            action="change",
            entity="setting",
            entity_id="sync.password",
            changes={"sync.password": SECRET_CHANGED if password else "（不再加密）"},
        )
        return kept


def password_needed(store: Store) -> bool:
    """Whether a sync run must be given the password: files are sealed and none is kept."""
    from app.services.sync_secret import is_sealed, kept_password

    with store.read() as session:
        return is_sealed(session) and kept_password(session) is None
