"""Sync with the county's central upload folder (files only; no server).

A window: ``run_once(store, central_dir=None) -> SyncReport`` pushes its outbox as packages
to ``<central>/inbox/<site>/`` and pulls rosters and year-to-date from ``<central>/outbox/``;
``status(store) -> SyncStatus`` is what the status bar shows; ``run_if_due`` is for a timer.
The centre: ``ingest`` (packages into its database) and ``publish`` (the files windows pull).
What other sites paid is read back by ``app.services.year_to_date`` from the table ``pull``
fills, so the services never import this package.
"""

from app.sync.central_ingest import IngestReport, ingest
from app.sync.central_publish import PublishReport, publish
from app.sync.run import SyncReport, run_if_due, run_once
from app.sync.state import SyncStatus, set_central_folder, set_interval, status

__all__ = [
    "IngestReport",
    "PublishReport",
    "SyncReport",
    "SyncStatus",
    "ingest",
    "publish",
    "run_if_due",
    "run_once",
    "set_central_folder",
    "set_interval",
    "status",
]
