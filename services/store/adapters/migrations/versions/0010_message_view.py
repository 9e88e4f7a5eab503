"""messages.view: each message's MessageView JSON, made by the database on every write
(services/store/adapters/message_view.py). SQLite: a stored generated column, so the table is
copied once; PostgreSQL: a trigger, then every row rewritten once to fill it.

The expressions are frozen here as the view was on 2026-12-02; a later change of MessageView
needs a migration of its own.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_VIEW = (
    "json_object('type', 'message', 'message_id', message_id, 'tenant', tenant, 'session', "
    "session_id, 'chat_jid', chat_jid, 'sender_jid', sender_jid, 'sender_lid', sender_lid, "
    "'from_me', "
    "CASE WHEN (from_me IS NULL) THEN NULL WHEN (from_me != 0) THEN json('true') "
    "ELSE json('false') END, "
    "'text', text, 'media_kind', media_kind, 'sent_at', "
    "replace(CASE WHEN (sent_at GLOB '*.000000') THEN substr(sent_at, 1, "
    "19) ELSE sent_at END, ' ', 'T') || 'Z', 'recorded_at', "
    "replace(CASE WHEN (recorded_at GLOB '*.000000') THEN substr(recorded_at, 1, "
    "19) ELSE recorded_at END, ' ', 'T') || 'Z', 'updated_at', "
    "replace(CASE WHEN (updated_at GLOB '*.000000') THEN substr(updated_at, 1, "
    "19) ELSE updated_at END, ' ', 'T') || 'Z', 'is_old', "
    "CASE WHEN (is_old IS NULL) THEN NULL WHEN (is_old != 0) THEN json('true') "
    "ELSE json('false') END, "
    "'status', status, 'attempts', attempts, 'last_error', last_error, 'reminder_id', "
    "reminder_id, 'media', json_set(media, '$.size', media_size, '$.sha256', media_sha256), "
    "'media_status', media_status, 'media_error', media_error, 'reply_to', reply_to, "
    "'location', json(location), 'contact', json(contact), 'reactions', json('[]'), "
    "'edited_at', replace(CASE WHEN (edited_at GLOB '*.000000') THEN substr(edited_at, 1, "
    "19) ELSE edited_at END, ' ', 'T') || 'Z', 'earlier_texts', json('[]'), 'revoked_at', "
    "replace(CASE WHEN (revoked_at GLOB '*.000000') THEN substr(revoked_at, 1, "
    "19) ELSE revoked_at END, ' ', 'T') || 'Z')"
)

POSTGRES_VIEW = (
    "CAST(json_build_object('type', 'message', 'message_id', NEW.message_id, 'tenant', "
    "NEW.tenant, 'session', NEW.session_id, 'chat_jid', NEW.chat_jid, 'sender_jid', "
    "NEW.sender_jid, 'sender_lid', NEW.sender_lid, 'from_me', NEW.from_me, 'text', NEW.text, "
    "'media_kind', NEW.media_kind, 'sent_at', "
    "replace(to_char(NEW.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "'.000000Z', 'Z'), 'recorded_at', replace(to_char(NEW.recorded_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), '.000000Z', 'Z'), 'updated_at', "
    "replace(to_char(NEW.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "'.000000Z', 'Z'), 'is_old', NEW.is_old, 'status', NEW.status, 'attempts', NEW.attempts, "
    "'last_error', NEW.last_error, 'reminder_id', NEW.reminder_id, 'media', "
    "CAST(NEW.media AS JSONB) || jsonb_build_object('size', NEW.media_size, 'sha256', "
    "NEW.media_sha256), 'media_status', NEW.media_status, 'media_error', NEW.media_error, "
    "'reply_to', NEW.reply_to, 'location', CAST(NEW.location AS JSON), 'contact', "
    "CAST(NEW.contact AS JSON), 'reactions', CAST('[]' AS JSON), 'edited_at', "
    "replace(to_char(NEW.edited_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "'.000000Z', 'Z'), 'earlier_texts', CAST('[]' AS JSON), 'revoked_at', "
    "replace(to_char(NEW.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "'.000000Z', 'Z')) AS TEXT)"
)

_FUNCTION = f"""
CREATE FUNCTION messages_view() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.view := {POSTGRES_VIEW};
    RETURN NEW;
END
$$"""
_TRIGGER = (
    "CREATE TRIGGER messages_view BEFORE INSERT OR UPDATE ON messages"
    " FOR EACH ROW EXECUTE FUNCTION messages_view()"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("messages", recreate="always") as batch_op:
            generated = sa.Computed(sa.text(SQLITE_VIEW), persisted=True)
            batch_op.add_column(sa.Column("view", sa.Text(), generated))
        return
    op.add_column("messages", sa.Column("view", sa.Text()))
    op.execute(_FUNCTION)
    op.execute(_TRIGGER)
    op.execute("UPDATE messages SET view = NULL")  # the trigger writes each row's


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("messages", recreate="always") as batch_op:
            batch_op.drop_column("view")
        return
    op.execute("DROP TRIGGER messages_view ON messages")
    op.execute("DROP FUNCTION messages_view()")
    op.drop_column("messages", "view")
