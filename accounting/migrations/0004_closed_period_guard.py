"""A closed period takes no new voucher and no posting, in the database too (defence in depth:
the services already refuse it under a row lock on the period)."""

from django.db import migrations

POSTGRES_INSTALL = """
CREATE OR REPLACE FUNCTION accounting_voucher_open_period() RETURNS trigger AS $$
BEGIN
  IF (TG_OP = 'INSERT' OR (NEW.state = 'posted' AND OLD.state <> 'posted')) AND EXISTS (
      SELECT 1 FROM accounting_period WHERE id = NEW.period_id AND status = 'closed') THEN
    RAISE EXCEPTION 'period % is closed', NEW.period_id USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER accounting_voucher_open_period BEFORE INSERT OR UPDATE ON accounting_voucher
  FOR EACH ROW EXECUTE FUNCTION accounting_voucher_open_period();
"""
POSTGRES_REMOVE = """
DROP TRIGGER IF EXISTS accounting_voucher_open_period ON accounting_voucher;
DROP FUNCTION IF EXISTS accounting_voucher_open_period();
"""
_CLOSED = "(SELECT status FROM accounting_period WHERE id = NEW.period_id) = 'closed'"
_ABORT = "BEGIN SELECT RAISE(ABORT, 'the period is closed'); END"
SQLITE_INSTALL = [
    f"CREATE TRIGGER accounting_voucher_insert_open_period BEFORE INSERT ON accounting_voucher "
    f"WHEN {_CLOSED} {_ABORT}",
    f"CREATE TRIGGER accounting_voucher_post_open_period BEFORE UPDATE ON accounting_voucher "
    f"WHEN NEW.state = 'posted' AND OLD.state <> 'posted' AND {_CLOSED} {_ABORT}",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS accounting_voucher_insert_open_period",
    "DROP TRIGGER IF EXISTS accounting_voucher_post_open_period",
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_INSTALL, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_INSTALL:
            schema_editor.execute(sql)
    else:
        raise NotImplementedError(f"closed-period trigger is not written for {vendor}")


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REMOVE, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_REMOVE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("accounting", "0003_immutable_posted_vouchers")]
    operations = [migrations.RunPython(install, remove)]
