"""0014 message_time_unknown_before: until 0013, a message date given without its time was stored at
midnight in the municipality's time zone; those entries get message_time_known false, so that no
page shows "00:00" for them. Data only, and safe to run again. Frozen: edit only by hand with care."""


def up(database, dialect):
    from models import clock

    rows = database.execute_sql('SELECT "id", "message_at" FROM "online_entry" WHERE "message_at" IS NOT NULL')
    midnight = []
    for entry_id, moment in rows.fetchall():
        if isinstance(moment, str):  # SQLite hands back the stored text
            import datetime as dt

            moment = dt.datetime.fromisoformat(moment)
        if clock.to_local(moment).time().isoformat() == "00:00:00":
            midnight.append(entry_id)
    false = "false" if dialect == "postgresql" else "0"
    for entry_id in midnight:
        database.execute_sql(
            f'UPDATE "online_entry" SET "message_time_known" = {false} WHERE "id" = {database.param}', (entry_id,)
        )
