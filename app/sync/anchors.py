"""The audit chain heads this window anchored outside its store, for ``audit verify``: the
ones its sent log keeps (``sync-sent.json`` beside the database) and the ones in its packages
in the central folder, when that folder can be read."""

import contextlib
from pathlib import Path

from sqlalchemy.orm import Session

from app.services.errors import ServiceError
from app.services.sites import current_site
from app.services.sync_secret import kept_password
from app.sync.package import PackageError, decode, parse_name
from app.sync.sealing import open_sealed
from app.sync.sent_log import FILE_NAME, restores, sent_anchors
from app.sync.state import WINDOW_ID, central_folder
from db import Store
from db.audit_chain import Anchor
from db.models import Setting


def _window_and_site(session: Session) -> tuple[str | None, str | None]:
    row = session.get(Setting, WINDOW_ID)
    try:
        site = current_site(session).code
    except ServiceError:
        site = None
    return (row.value if row is not None else None), site


def beyond_restores(store: Store, anchors: tuple[Anchor, ...]) -> tuple[Anchor, ...]:
    """``anchors`` without the heads a restored backup lost (they belong to a chain that went
    with it), and with the head each restore went back to, which the chain must still pass."""
    noted = restores(store)
    kept = [a for a in anchors if not any(r.chain_seq < a.seq <= r.lost_to for r in noted)]
    kept += [Anchor(r.chain_seq, r.digest, f"恢复备份时（{r.at}）记下的链尾 ") for r in noted]
    return tuple(sorted(set(kept), key=lambda a: (a.seq, a.source)))


def anchors_found(store: Store, password: str | None = None) -> tuple[Anchor, ...]:
    """Every audit head this window sent that can be found, oldest first."""
    found = [Anchor(seq, digest, f"本机的 {FILE_NAME} ") for seq, digest in sent_anchors(store)]
    with store.read() as session:
        window, site = _window_and_site(session)
        password = password or kept_password(session)
    folder = central_folder(store)
    if window and site and folder is not None:
        with contextlib.suppress(OSError):
            found += _from_inbox(folder / "inbox" / site, window, password)
    return tuple(sorted(set(found), key=lambda a: (a.seq, a.source)))


def _from_inbox(inbox: Path, window: str, password: str | None) -> list[Anchor]:
    found = []
    for path in sorted(inbox.iterdir()):
        name = parse_name(path.name)
        if name is None or name.window != window:
            continue
        try:
            header = decode(open_sealed(path.read_bytes(), password, path.name), path.name).header
        except (OSError, PackageError):
            continue  # sealed without the password, or damaged: the log still has its head
        head = (header.get("audit_chain") or {}).get("head")
        if head:
            found.append(Anchor(int(head[0]), str(head[1]), f"中心文件夹中的变更包 {path.name} "))
    return found
