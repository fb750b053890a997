"""On PostgreSQL the database itself refuses UPDATE and DELETE of history rows."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_historyentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_historyentry_append_only
    BEFORE UPDATE OR DELETE ON core_historyentry
    FOR EACH ROW EXECUTE FUNCTION core_history_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS core_historyentry_append_only ON core_historyentry;
DROP FUNCTION IF EXISTS core_history_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
