"""0013 message_time_known: an online message whose time nobody gave shows its date only.

online_entry.message_time_known: whether the sender's message came with its time (the time field of
the report and of Mijn meldingen). 0014 sets it for the entries stored before it was kept.
Frozen: edit only by hand with care."""

SQL = {
    "sqlite": ['ALTER TABLE "online_entry" ADD COLUMN "message_time_known" INTEGER NOT NULL DEFAULT 1'],
    "postgresql": ['ALTER TABLE "online_entry" ADD COLUMN "message_time_known" BOOLEAN NOT NULL DEFAULT true'],
}
