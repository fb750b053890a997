"""Leave room on each PostgreSQL page of requests so that the sweep's sla_state updates are
HOT (heap-only) updates that touch none of the table's ten indexes."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE service_servicerequest SET (fillfactor = 85)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE service_servicerequest RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("service", "0005_open_due_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
