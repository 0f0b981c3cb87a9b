"""Default categories of the meldpunt (editable in the admin afterwards)."""

from typing import Any

from django.db import migrations

DEFAULTS = [
    ("straatintimidatie", "Straatintimidatie"),
    ("overlast-jeugd", "Overlast jeugd"),
    ("drugsoverlast", "Drugsoverlast"),
    ("onbegrepen-gedrag", "Overlast door persoon met onbegrepen gedrag"),
    ("verkeersoverlast", "Verkeersoverlast"),
    ("ondermijning", "Vermoeden van ondermijning"),
    ("overig", "Overig"),
]


def add(apps: Any, schema_editor: Any) -> None:
    category = apps.get_model("meldingen", "Category")
    for order, (slug, naam) in enumerate(DEFAULTS, start=1):
        category.objects.get_or_create(slug=slug, defaults={"naam": naam, "volgorde": order * 10})


def remove(apps: Any, schema_editor: Any) -> None:
    apps.get_model("meldingen", "Category").objects.filter(slug__in=[s for s, _ in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("meldingen", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
