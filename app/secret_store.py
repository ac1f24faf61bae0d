"""The OS's secret store, for what must never be in the database, a backup, a log or a settings
file: the bureau's sync password and the audit chain's key.

Through ``keyring``: Windows Credential Manager, the Secret Service (GNOME Keyring, KWallet) on
Linux, the macOS Keychain. Entries live under the service ``one-stop-desk`` and are named
``<what>/<store id>`` (``sync-password/…``, ``audit-key/…``), the store id being a random name
the database keeps (not a secret), so two databases on one computer keep theirs apart and a
restored backup finds its own.

Where no backend exists (keyring's fail or null backend: a headless Linux server, CI),
``available()`` is False and:

- the sync password is not kept anywhere: it is asked (or read from ``--password-file``) each
  time it is needed;
- the audit key is kept in a key file in the user's data folder, outside the database and its
  backups: ``keys/<store id>.key`` (or in the folder ``$ONESTOP_KEYS`` names), created with
  permissions 0600 in a 0700 folder. Anyone who
  can read that file can re-key the chain, but the anchors sent with every sync package (and
  printed on the daily close) still expose a rewritten chain.
"""

import json
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from app.paths import APP_NAME, default_data_dir

SERVICE = APP_NAME
SYNC_PASSWORD = "sync-password"
AUDIT_KEY = "audit-key"
KEY_FOLDER = "keys"


class SecretStoreError(Exception):
    """The OS's secret store refused (locked, unreachable); the message is Chinese."""


def _keyring():
    """``keyring``, its backend chosen the first time (``_choose_backend``)."""
    global _backend_chosen
    if not _backend_chosen:
        already = "keyring" in sys.modules  # imported by someone else: their choice stands
        import keyring

        _backend_chosen = True
        if not already:
            backend = _choose_backend()
            if backend is not None:
                keyring.set_keyring(backend)
    import keyring

    return keyring


_backend_chosen = False

# keyring's own choice, without asking every installed backend whether it is usable (keyring
# then imports each, SecretService with SecretStorage and cryptography: about 8 MB and 0.1 s
# at the first sign-in, issue 18, point 5).
PLATFORM_BACKENDS = {
    "win32": "keyring.backends.Windows.WinVaultKeyring",  # Windows Credential Manager
    "darwin": "keyring.backends.macOS.Keyring",  # the Keychain
}


def _choose_backend():
    """The backend keyring would find here, or None to let it look: one named in
    ``PYTHON_KEYRING_BACKEND`` or keyring's ``keyringrc.cfg`` (as keyring documents), else
    the platform's own; on Linux, no session bus (``DBUS_SESSION_BUS_ADDRESS``, which the
    Secret Service, KWallet and libsecret backends all talk through) means none of them can
    work, and keyring's fail backend is what it would choose."""
    from keyring import core

    configured = core.load_env() or core.load_config()
    if configured is not None:
        return configured
    name = PLATFORM_BACKENDS.get(sys.platform)
    if name is not None:
        try:
            return core.load_keyring(name)  # checks that it is usable (RuntimeError if not)
        except Exception:
            return None
    if sys.platform.startswith("linux") and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        from keyring.backends import fail

        return fail.Keyring()
    return None


def available() -> bool:
    """Whether this computer has a usable secret store backend."""
    try:
        backend = _keyring().get_keyring()
        from keyring.backends import fail, null
    except Exception:
        return False
    return not isinstance(backend, fail.Keyring | null.Keyring)


def backend_name() -> str:
    """The backend in use, for messages ("keyring.backends.Windows.WinVaultKeyring")."""
    try:
        backend = _keyring().get_keyring()
    except Exception:
        return "无"
    return f"{type(backend).__module__}.{type(backend).__name__}"


def _entry(what: str, store_id: str) -> str:
    return f"{what}/{store_id}"


def get_secret(what: str, store_id: str) -> str | None:
    """The secret, or None when none is kept (or no backend exists)."""
    if not available():
        return None
    try:
        return _keyring().get_password(SERVICE, _entry(what, store_id))
    except Exception as exc:
        raise SecretStoreError(f"无法读取系统密码库（{backend_name()}）：{exc}") from None


def set_secret(what: str, store_id: str, value: str) -> None:
    """Keep ``value``; SecretStoreError when there is no backend or it refuses."""
    if not available():
        raise SecretStoreError(
            "本机没有可用的系统密码库（如 Windows 凭据管理器），不能保存；请每次使用时输入"
        )
    try:
        _keyring().set_password(SERVICE, _entry(what, store_id), value)
    except Exception as exc:
        raise SecretStoreError(f"无法写入系统密码库（{backend_name()}）：{exc}") from None


def delete_secret(what: str, store_id: str) -> None:
    """Forget the secret (nothing happens when none is kept)."""
    if not available():
        return
    keyring = _keyring()
    try:
        if keyring.get_password(SERVICE, _entry(what, store_id)) is not None:
            keyring.delete_password(SERVICE, _entry(what, store_id))
    except Exception as exc:
        raise SecretStoreError(f"无法修改系统密码库（{backend_name()}）：{exc}") from None


# --- the audit chain's key ---------------------------------------------------------------------
@dataclass(frozen=True)
class AuditKey:
    """The HMAC-SHA256 key of one store's audit chain.

    Attributes:
        store_id: the store it belongs to.
        from_seq: the first chain position keyed with it (links before it are the plain
            SHA-256 links of a store made before keys existed). Kept with the key, outside the
            database, so a chain turned back into plain links is noticed.
        secret: 32 random bytes.
    """

    store_id: str
    from_seq: int
    secret: bytes

    def text(self) -> str:
        """The key as one line of JSON (the secret in hex): how it is kept and exported."""
        return json.dumps(
            {"store_id": self.store_id, "from_seq": self.from_seq, "key": self.secret.hex()},
            sort_keys=True,
        )

    @classmethod
    def from_text(cls, text: str) -> "AuditKey":
        """Read what ``text()`` wrote; ValueError (Chinese) when it is not a key."""
        try:
            value = json.loads(text)
            key = cls(str(value["store_id"]), int(value["from_seq"]), bytes.fromhex(value["key"]))
        except (ValueError, KeyError, TypeError):
            raise ValueError("不是审计密钥（应为 audit key export 写出的文件）") from None
        if len(key.secret) != 32 or key.from_seq < 1:
            raise ValueError("审计密钥不完整")
        return key


KEYS_ENV = "ONESTOP_KEYS"


def key_file(store_id: str) -> Path:
    """Where the audit key is kept on a computer without a secret store backend: ``keys/`` in
    the user's data folder, or the folder ``$ONESTOP_KEYS`` names (a service account's own)."""
    folder = os.environ.get(KEYS_ENV, "").strip()
    return (Path(folder) if folder else default_data_dir() / KEY_FOLDER) / f"{store_id}.key"


def load_audit_key(store_id: str) -> AuditKey | None:
    """This store's audit key from the secret store, else from its key file; None if neither
    has it (the database was copied from another computer)."""
    text = get_secret(AUDIT_KEY, store_id)
    if text is None:
        path = key_file(store_id)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise SecretStoreError(f"无法读取审计密钥文件 {path}：{exc.strerror or exc}") from None
    try:
        key = AuditKey.from_text(text)
    except ValueError as exc:
        raise SecretStoreError(f"审计密钥已损坏：{exc}") from None
    if key.store_id != store_id:
        raise SecretStoreError("审计密钥属于另一个数据库")
    return key


def save_audit_key(key: AuditKey) -> str:
    """Keep ``key`` in the secret store, else in its key file (0600); returns where (Chinese)."""
    if available():
        set_secret(AUDIT_KEY, key.store_id, key.text())
        return f"系统密码库（{backend_name()}）"
    path = key_file(key.store_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    staging = path.with_name(f".{path.name}.partial")
    staging.unlink(missing_ok=True)
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key.text())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(staging, path)
    return f"密钥文件 {path}"


def create_audit_key(store_id: str, from_seq: int) -> AuditKey:
    """A new random key for ``store_id``'s chain from position ``from_seq`` on, kept."""
    key = AuditKey(store_id, from_seq, secrets.token_bytes(32))
    save_audit_key(key)
    return key
