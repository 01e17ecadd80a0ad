"""Posted vouchers are immutable in the database itself, on PostgreSQL and on SQLite.

UPDATE or DELETE of a posted voucher, and INSERT/UPDATE/DELETE of a posted voucher's
lines, raise an integrity error, so no code path (ORM .update(), raw SQL, admin) can
change the books. Corrections go through a red-letter reversal voucher.
"""

from django.db import migrations

POSTGRES_INSTALL = """
CREATE OR REPLACE FUNCTION accounting_voucher_immutable() RETURNS trigger AS $$
BEGIN
  IF OLD.state = 'posted' THEN
    RAISE EXCEPTION 'posted voucher % is immutable; reverse it with a red-letter voucher', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION accounting_voucherline_immutable() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
      SELECT 1 FROM accounting_voucher WHERE id = OLD.voucher_id AND state = 'posted') THEN
    RAISE EXCEPTION 'lines of posted voucher % are immutable', OLD.voucher_id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND EXISTS (
      SELECT 1 FROM accounting_voucher WHERE id = NEW.voucher_id AND state = 'posted') THEN
    RAISE EXCEPTION 'lines of posted voucher % are immutable', NEW.voucher_id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER accounting_voucher_immutable BEFORE UPDATE OR DELETE ON accounting_voucher
  FOR EACH ROW EXECUTE FUNCTION accounting_voucher_immutable();
CREATE TRIGGER accounting_voucherline_immutable BEFORE INSERT OR UPDATE OR DELETE ON accounting_voucherline
  FOR EACH ROW EXECUTE FUNCTION accounting_voucherline_immutable();
"""

POSTGRES_REMOVE = """
DROP TRIGGER IF EXISTS accounting_voucher_immutable ON accounting_voucher;
DROP TRIGGER IF EXISTS accounting_voucherline_immutable ON accounting_voucherline;
DROP FUNCTION IF EXISTS accounting_voucher_immutable();
DROP FUNCTION IF EXISTS accounting_voucherline_immutable();
"""

_POSTED = "(SELECT state FROM accounting_voucher WHERE id = {row}.voucher_id) = 'posted'"
_ABORT = "BEGIN SELECT RAISE(ABORT, 'posted voucher is immutable; reverse it with a red-letter voucher'); END"
SQLITE_INSTALL = [
    f"CREATE TRIGGER accounting_voucher_no_update BEFORE UPDATE ON accounting_voucher "
    f"WHEN OLD.state = 'posted' {_ABORT}",
    f"CREATE TRIGGER accounting_voucher_no_delete BEFORE DELETE ON accounting_voucher "
    f"WHEN OLD.state = 'posted' {_ABORT}",
    f"CREATE TRIGGER accounting_voucherline_no_insert BEFORE INSERT ON accounting_voucherline "
    f"WHEN {_POSTED.format(row='NEW')} {_ABORT}",
    f"CREATE TRIGGER accounting_voucherline_no_update BEFORE UPDATE ON accounting_voucherline "
    f"WHEN {_POSTED.format(row='OLD')} OR {_POSTED.format(row='NEW')} {_ABORT}",
    f"CREATE TRIGGER accounting_voucherline_no_delete BEFORE DELETE ON accounting_voucherline "
    f"WHEN {_POSTED.format(row='OLD')} {_ABORT}",
]
SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "accounting_voucher_no_update",
        "accounting_voucher_no_delete",
        "accounting_voucherline_no_insert",
        "accounting_voucherline_no_update",
        "accounting_voucherline_no_delete",
    )
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_INSTALL, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_INSTALL:
            schema_editor.execute(sql)
    else:  # never leave the books unguarded silently
        raise NotImplementedError(f"immutability triggers are not written for {vendor}")


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REMOVE, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_REMOVE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("accounting", "0002_default_chart")]
    operations = [migrations.RunPython(install, remove)]
