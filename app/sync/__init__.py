"""Sync with the county's central upload folder (files only; no server).

A window: ``run_once(store, central_dir=None) -> SyncReport`` pushes its outbox as packages
to ``<central>/inbox/<site>/`` and pulls rosters and year-to-date from ``<central>/outbox/``;
``status(store) -> SyncStatus`` is what the status bar shows; ``run_if_due`` is for a timer.
The centre: ``ingest`` (packages into its database) and ``publish`` (the files windows pull).
What other sites paid is read back by ``app.services.year_to_date`` from the table ``pull``
fills, so the services never import this package.
"""

from app.lazy_names import names_on_first_use

# Imported on first use (``from app.sync import status``), not with the package: the window's
# status bar reads ``status`` after sign-in, which needs none of the packaging, sealing and
# ingest modules (issue 18, point 5).
_HOMES = {
    "IngestReport": "app.sync.central_ingest",
    "ingest": "app.sync.central_ingest",
    "PublishReport": "app.sync.central_publish",
    "publish": "app.sync.central_publish",
    "SyncReport": "app.sync.run",
    "run_if_due": "app.sync.run",
    "run_once": "app.sync.run",
    "SyncStatus": "app.sync.state",
    "set_central_folder": "app.sync.state",
    "set_interval": "app.sync.state",
    "status": "app.sync.state",
}

__all__ = sorted(_HOMES, key=str.lower)

__getattr__ = names_on_first_use(__name__, _HOMES)
