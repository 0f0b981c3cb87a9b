"""Carry DRF's plain-text tokens (``rest_framework.authtoken``, no longer installed) over as hashed tokens.

Each old key keeps working: its SHA-256 hash and first 8 characters go into ``ApiToken``; then the old
table, which holds the keys themselves, is dropped. Nothing happens where that table does not exist.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import migrations

OLD_TABLE = "authtoken_token"


def carry_over(apps: Any, schema_editor: Any) -> None:
    """Hash every DRF token into ApiToken and drop DRF's table."""
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    api_token = apps.get_model("accounts", "ApiToken")
    table = connection.ops.quote_name(OLD_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {table}")
        rows = cursor.fetchall()
        for key, user_id, created in rows:
            token = api_token.objects.create(
                user_id=user_id,
                naam="overgenomen DRF-token",
                key_prefix=key[:8],
                key_hash=hashlib.sha256(key.encode()).hexdigest(),
            )
            api_token.objects.filter(pk=token.pk).update(aangemaakt=created)  # auto_now_add on create
        cursor.execute(f"DROP TABLE {table}")
        # So that Django, should the app ever be installed again, creates its table afresh.
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_apitoken"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
