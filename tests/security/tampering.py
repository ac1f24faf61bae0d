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
