"""exchange audit anchor: a signed head for the audit chain; the audit log and the ledger append-only in
the database itself

Revision ID: 0009_audit_anchor
Revises: 0006_exchange_web

The chain's links become HMACs under the instance's audit key from now on (exchange/audit.py). A migration
has no key, so it cannot re-sign the events already written (plain SHA-256): it records how many there
are (``legacy_seq``) in a head without a signature, and ``climbing-frame audit seal`` signs it once after
the upgrade. A database without events gets no head; the first append writes it.

Triggers refuse UPDATE and DELETE of audit events and ledger entries, DELETE of the head and moving the
head backwards, whoever connects (row triggers; TRUNCATE, which only the tests use, is not affected).
Downgrading drops them; events written since the upgrade then no longer verify under the older code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_audit_anchor"
down_revision = "0006_exchange_web"

APPEND_ONLY = ("exchange_audit", "exchange_ledger")

POSTGRES_UP = [
    """CREATE FUNCTION exchange_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% of % refused, the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$""",
    """CREATE FUNCTION exchange_audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq < OLD.seq THEN
        RAISE EXCEPTION 'the audit head only moves forward' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$""",
    *(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
      "FOR EACH ROW EXECUTE FUNCTION exchange_refuse_change()" for table in APPEND_ONLY),
    "CREATE TRIGGER exchange_audit_head_kept BEFORE DELETE ON exchange_audit_head "
    "FOR EACH ROW EXECUTE FUNCTION exchange_refuse_change()",
    "CREATE TRIGGER exchange_audit_head_forward BEFORE UPDATE ON exchange_audit_head "
    "FOR EACH ROW EXECUTE FUNCTION exchange_audit_head_forward()",
]
POSTGRES_DOWN = [
    *(f"DROP TRIGGER {table}_append_only ON {table}" for table in APPEND_ONLY),
    "DROP TRIGGER exchange_audit_head_kept ON exchange_audit_head",
    "DROP TRIGGER exchange_audit_head_forward ON exchange_audit_head",
    "DROP FUNCTION exchange_refuse_change()",
    "DROP FUNCTION exchange_audit_head_forward()",
]
SQLITE_UP = [
    *(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
      f"BEGIN SELECT RAISE(ABORT, '{verb} of {table} refused, the table is append-only'); END"
      for table in APPEND_ONLY for verb in ("UPDATE", "DELETE")),
    "CREATE TRIGGER exchange_audit_head_kept BEFORE DELETE ON exchange_audit_head "
    "BEGIN SELECT RAISE(ABORT, 'DELETE of exchange_audit_head refused, the table is append-only'); END",
    "CREATE TRIGGER exchange_audit_head_forward BEFORE UPDATE ON exchange_audit_head WHEN NEW.seq < OLD.seq "
    "BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END",
]
SQLITE_DOWN = [
    *(f"DROP TRIGGER {table}_no_{verb.lower()}" for table in APPEND_ONLY for verb in ("UPDATE", "DELETE")),
    "DROP TRIGGER exchange_audit_head_kept",
    "DROP TRIGGER exchange_audit_head_forward",
]


def _statements(postgres: list[str], sqlite: list[str]) -> list[str]:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        return postgres
    if dialect == "sqlite":
        return sqlite
    raise NotImplementedError(f"append-only triggers for {dialect}")


def upgrade() -> None:
    op.create_table(
        "exchange_audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("legacy_seq", sa.Integer(), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_exchange_audit_head_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_audit_head")),
    )
    op.execute("INSERT INTO exchange_audit_head (id, seq, hash, legacy_seq, mac) "
               "SELECT 1, seq, hash, seq, NULL FROM exchange_audit ORDER BY seq DESC LIMIT 1")
    for statement in _statements(POSTGRES_UP, SQLITE_UP):
        op.execute(statement)


def downgrade() -> None:
    for statement in _statements(POSTGRES_DOWN, SQLITE_DOWN):
        op.execute(statement)
    op.drop_table("exchange_audit_head")
