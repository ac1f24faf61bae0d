"""Sync files sealed with the bureau's password: change packages, rosters and year-to-date
files on the shared drive are AES-256-GCM encrypted (``app.encryption``) when a password is
set, so a copied share or a lost stick does not spill a roster.

A sealed file keeps its name; ``open_sealed`` recognises it by its header, so windows and the
centre can switch to encryption without renaming anything, and a resend is still one package.
"""

from sqlalchemy.orm import Session

from app.encryption import EncryptionError, decrypt, encrypt, is_encrypted
from app.sync.package import PackageError
from db.models import Setting
from db.store import Store

PASSWORD_SETTING = "sync_password"


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


def sync_password(session: Session) -> str | None:
    row = session.get(Setting, PASSWORD_SETTING)
    return row.value if row and row.value else None


def set_sync_password(store: Store, password: str | None) -> None:
    """Keep (or with None forget) the password this window seals its sync files with."""
    if password is not None:
        encrypt(b"", password)  # refuses a password that is too short, with its reason
    with store.write() as session:
        row = session.get(Setting, PASSWORD_SETTING)
        if password is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(Setting(key=PASSWORD_SETTING, value=password))
        else:
            row.value = password
