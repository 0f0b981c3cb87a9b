"""The web commands of the ivp CLI: import-meldingen (real Fixi export) and open311 key create."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ivp.cli import main
from ivp.web.meldingen import services
from ivp.web.meldingen.importing import import_csv
from ivp.web.meldingen.models import Melding


def test_open311_key_create_prints_a_working_key(db: Any) -> None:
    result = CliRunner().invoke(main, ["open311", "key", "create", "BuitenBeter"])
    assert result.exit_code == 0, result.output
    key = result.output.strip()
    assert len(key) >= 40
    client = services.client_for_key(key)
    assert client is not None
    assert client.naam == "BuitenBeter"
    again = CliRunner().invoke(main, ["open311", "key", "create", "BuitenBeter"])
    assert again.exit_code != 0
    assert "al een app" in again.output


def test_import_fixi_sample(db: Any, shared_data: Path, tmp_path: Path) -> None:
    source = shared_data / "meldingen" / "katwijk_fixi_2017_2025.csv"
    lines = source.read_text(encoding="utf-8").splitlines()[:1001]
    sample = tmp_path / "fixi.csv"
    sample.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import-meldingen", str(sample)])
    assert result.exit_code == 0, result.output
    assert "1000 regels gelezen: 1000 meldingen geïmporteerd, 0 waren er al" in result.output
    assert Melding.objects.filter(kanaal="import").count() == 1000
    first = Melding.objects.get(extern_id="4091785")
    assert (first.categorie.naam, first.buurt_naam, first.status) == (
        "Openbaar groen",
        "Katwijk Noord",
        "afgehandeld",
    )
    again = import_csv(sample)
    assert (again.created, again.skipped_existing) == (0, 1000)


def test_import_bad_file_names_the_problem(db: Any, tmp_path: Path) -> None:
    from ivp.lib.errors import InputError

    bad = tmp_path / "x.csv"
    bad.write_text("id,categoryName,created\n1,Overig,gisteren\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_csv(bad)
    assert info.value.code == "tijd_ongeldig"
    assert info.value.record == 2
    assert not Melding.objects.exists()


def test_open311_keys_are_drawn_as_staff_api_keys(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """One key generator for apps and staff: a key starting with "-" is drawn again."""
    draws = iter(["-ENcuByf" + "a" * 35, "xENcuByf" + "a" * 35])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda _n: next(draws))
    client, key = services.create_open311_client("MeldApp")
    assert key == "xENcuByf" + "a" * 35
    assert client.key_prefix == "xENcuByf"
    assert services.client_for_key(key) == client


def test_a_bad_line_after_the_first_batch_leaves_nothing(db: Any, tmp_path: Path) -> None:
    """Batches bound memory only: an error on line 6 with batches of 2 leaves no melding behind."""
    from ivp.lib.errors import InputError

    lines = [f"{i},Overig,2024-01-0{i} 10:00" for i in range(1, 5)] + ["5,Overig,gisteren"]
    bad = tmp_path / "x.csv"
    bad.write_text("id,categoryName,created\n" + "\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_csv(bad, batch_size=2)
    assert info.value.record == 6
    assert not Melding.objects.exists()
