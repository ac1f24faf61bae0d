"""Helpers that do what an attacker with the database file would: bypass the triggers."""

from sqlalchemy import text

TRIGGERS = {
    "audit_event": ("audit_event_no_update", "audit_event_no_delete"),
    "audit_chain": ("audit_chain_no_update", "audit_chain_no_delete"),
}


def run_untriggered(store, *statements: str, **params) -> None:
    """Drop the protecting triggers and run ``statements`` in one raw transaction."""
    postgresql = store.dialect == "postgresql"
    with store.engine.begin() as connection:
        for table, triggers in TRIGGERS.items():
            for trigger in triggers:
                connection.exec_driver_sql(
                    f"DROP TRIGGER IF EXISTS {trigger}" + (f" ON {table}" if postgresql else "")
                )
        for statement in statements:
            connection.execute(text(statement), params)


def rechain(store, key=None) -> None:
    """Re-compute every link and the head with the app's own function, as an insider who
    edited an event would: with ``key`` (read from this computer's secret store) the chain is
    keyed as the app keys it; without, every link is turned into a plain SHA-256 one."""
    from sqlalchemy import select

    from db.audit_chain import _EVENT_COLUMNS, GENESIS, KEYED, PLAIN, link_hash
    from db.models import AuditEvent

    run_untriggered(store)  # the triggers stay dropped
    with store.engine.begin() as connection:
        links = connection.execute(text("SELECT seq, event_id FROM audit_chain ORDER BY seq"))
        previous = GENESIS
        for seq, event_id in links.all():
            row = connection.execute(select(*_EVENT_COLUMNS).where(AuditEvent.id == event_id)).one()
            keyed = key if key is not None and seq >= key.from_seq else None
            previous = link_hash(previous, row, keyed)
            connection.execute(
                text("UPDATE audit_chain SET hash = :h, version = :v WHERE seq = :s"),
                {"h": previous, "v": KEYED if keyed else PLAIN, "s": seq},
            )
        connection.execute(
            text("UPDATE audit_chain_state SET last_hash = :h WHERE id = 1"), {"h": previous}
        )
