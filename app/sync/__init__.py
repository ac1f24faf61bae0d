"""Sync with the county's central upload folder (files only; no server).

A window: ``run_once(store, central_dir=None) -> SyncReport`` pushes its outbox as packages
to ``<central>/inbox/<site>/`` and pulls rosters and year-to-date from ``<central>/outbox/``;
``status(store) -> SyncStatus`` is what the status bar shows; ``run_if_due`` is for a timer.
The centre: ``ingest`` (packages into its database) and ``publish`` (the files windows pull).

Names are loaded on first use: ``app.services`` imports ``app.sync.paid_elsewhere``, and this
package's other modules import ``app.services``.
"""

import importlib

_EXPORTS = {
    "SyncReport": "app.sync.run",
    "run_once": "app.sync.run",
    "run_if_due": "app.sync.run",
    "SyncStatus": "app.sync.state",
    "status": "app.sync.state",
    "set_central_folder": "app.sync.state",
    "set_interval": "app.sync.state",
    "IngestReport": "app.sync.central_ingest",
    "ingest": "app.sync.central_ingest",
    "PublishReport": "app.sync.central_publish",
    "publish": "app.sync.central_publish",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'app.sync' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
