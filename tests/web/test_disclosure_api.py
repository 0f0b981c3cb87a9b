"""The attacker test for the API (issue 10): statistics under every filter plus the listing, fed to an LP.

As an analyst, query /api/v1/statistiek/ unfiltered, per categorie, per buurt, per categorie x buurt and
per month, and count the listing per categorie and month (the listing has no buurt for this role, ADR
0009). Everything seen becomes equations of the month x categorie x buurt table; the independent
attacker of tests/stats/attacker.py must not recover or narrow any small cell below [0, threshold].
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ivp.web.meldingen.models import Category
from tests.stats.attacker import attack
from tests.web.factories import make_melding

pytestmark = pytest.mark.django_db

MONTHS = ("2024-01", "2024-02", "2024-03")
CATEGORIES = ("drugsoverlast", "overlast-jeugd", "straatintimidatie")
BUURTEN = ("BU05050101", "BU05050102", "BU05050103", "BU05050104")


def _client(user: Any) -> Client:
    out = io.StringIO()
    call_command("ivp_api_token", user.username, stdout=out)
    return Client(headers={"Authorization": f"Token {out.getvalue().strip()}"})


def test_analyst_cannot_undo_the_suppression(actors: dict[str, Any]) -> None:
    rng = np.random.default_rng(7)
    truth = rng.poisson(3.0, (len(MONTHS), len(CATEGORIES), len(BUURTEN)))
    slugs = [c for c in CATEGORIES if Category.objects.filter(slug=c).exists()]
    assert len(slugs) == len(CATEGORIES)
    actors["melding"].delete()  # only the meldingen made here
    for (i, j, k), n in np.ndenumerate(truth):
        when = timezone.make_aware(dt.datetime(2024, i + 1, 10, 12))
        for _ in range(int(n)):
            make_melding(
                categorie=Category.objects.get(slug=CATEGORIES[j]), buurt_code=BUURTEN[k], aangemaakt=when
            )
    client = _client(actors["analist"])
    queries: list[dict[str, str]] = [{}]
    queries += [{"categorie": c} for c in CATEGORIES] + [{"buurt": b} for b in BUURTEN]
    queries += [{"categorie": c, "buurt": b} for c in CATEGORIES for b in BUURTEN]
    queries += [{"van": f"{m}-01", "tot": f"{m}-28"} for m in MONTHS] + [{"van": "2024-02-15"}]
    seen: dict[tuple[int, int, int], int | None] = {}
    for params in queries:
        body = client.get("/api/v1/statistiek/", params).json()
        for c in body["cellen"]:
            at = (MONTHS.index(c["maand"]), CATEGORIES.index(c["categorie"]), BUURTEN.index(c["buurt_code"]))
            assert seen.setdefault(at, c["aantal"]) == c["aantal"], f"{at} differs under {params}"
    size = int(truth.size)
    # Listing: counts per month x categorie (every sum over buurten) are known exactly.
    equations: list[np.ndarray] = []
    rhs: list[float] = []
    for i, month in enumerate(MONTHS):
        for j, slug in enumerate(CATEGORIES):
            last = {"2024-01": "31", "2024-02": "29", "2024-03": "31"}[month]
            listed = client.get(
                "/api/v1/meldingen/", {"categorie": slug, "van": f"{month}-01", "tot": f"{month}-{last}"}
            ).json()
            assert all(m["buurt_code"] == "" for m in listed["results"])
            row = np.zeros(size)
            row[np.ravel_multi_index((i, j, np.arange(len(BUURTEN))), truth.shape)] = 1
            equations.append(row)
            rhs.append(float(listed["count"]))
    # Cells absent from every answer are zeros that were shown as such (left out); known too.
    shown = np.zeros(truth.shape, dtype=bool)
    values = np.zeros(truth.shape)
    for at, aantal in seen.items():
        if aantal is not None:
            shown[at], values[at] = True, aantal
    for zero in zip(*np.nonzero(truth == 0), strict=True):
        at = (int(zero[0]), int(zero[1]), int(zero[2]))
        if at not in seen:
            shown[at] = True
    # Relations for the attacker: x_cells plus one slack cell per listing equation fixed to its count.
    a = np.hstack([np.array(equations), -np.eye(len(equations))])
    all_values = np.concatenate([truth.ravel().astype(float), rhs])
    hidden = np.concatenate([~shown.ravel(), np.zeros(len(rhs), dtype=bool)])
    assert np.array_equal(values[shown], truth[shown])
    small = np.flatnonzero((truth.ravel() > 0) & (truth.ravel() < 5))
    assert small.size > 5
    assert hidden[small].all()
    for integer in (False, True):
        for cell, (low, high) in attack(all_values, a, hidden, integer=integer, cells=small).items():
            assert low <= 1e-6, (cell, low)
            assert high >= 5 - 1e-6, (cell, high)
