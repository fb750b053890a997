"""On PostgreSQL, a GIN index answers bigram searches (see service/search.py)."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS service_sr_search_gin ON service_servicerequest "
    "USING gin (to_tsvector('simple'::regconfig, search_document))"
)
DROP = "DROP INDEX IF EXISTS service_sr_search_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("service", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
