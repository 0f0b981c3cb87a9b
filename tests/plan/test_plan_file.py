"""The plan file: schema, domain rules with file/line/key in every error, and export -> import."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ivp.plan.errors import PlanFileError
from ivp.plan.model import Period
from ivp.plan.yaml_io import (
    DEFAULT_THEME_IDS,
    dumps_plan,
    example_path,
    known_theme_ids,
    load_plan,
    loads_plan,
    plan_to_dict,
    schema,
)

REPO = Path(__file__).resolve().parents[2]

SMALL = """\
versie: 1
plan:
  id: test-ivp
  naam: Testplan
  gemeente: GM0505
  periode: {van: 2023, tot: 2026}
opgaven:
  - id: maatschappelijke_veiligheid
    naam: Maatschappelijke veiligheid
    beschrijving: Ondermijning.
    themas: [ondermijning]
uitvoeringsplannen:
  - id: ond-2023
    onderwerp: ondermijning
    naam: Uitvoeringsplan ondermijning
    periode: {van: 2023, tot: 2024}
    opgave: maatschappelijke_veiligheid
    themas: [ondermijning]
    pijlers: [{id: controles, naam: Controles}]
indicatoren:
  - id: OND-01
    naam: Integrale controles
    eenheid: aantal
    richting: hoger_is_beter
    streefwaarden: {2023: 10, 2024: 10}
    eigenaar: Programmamanager
    bron: handmatig
    themas: [ondermijning]
    onderwerp: ondermijning
    pijler: controles
  - id: OND-02
    naam: Aandeel gecontroleerd
    eenheid: procent
    richting: hoger_is_beter
    aggregatie: stand
    streefwaarden: {2024: 25%}
    eigenaar: Programmamanager
    bron: handmatig
    themas: [ondermijning]
"""


def problems(text: str) -> list[tuple[str, int | None, str | None]]:
    with pytest.raises(PlanFileError) as info:
        loads_plan(text, "plan.yaml")
    return [(p.code, p.line, p.field) for p in info.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_small_plan_loads() -> None:
    plan = loads_plan(SMALL)
    assert plan.period == Period(2023, 2026)
    assert plan.indicator("OND-01").targets == ((2023, 10.0), (2024, 10.0))
    assert plan.indicator("OND-02").target_for(2024) == 25.0
    assert plan.opgave_of(plan.indicator("OND-01")) == "maatschappelijke_veiligheid"


def test_unknown_theme_names_line_and_key() -> None:
    text = SMALL.replace("themas: [ondermijning]\n    onderwerp", "themas: [drugs]\n    onderwerp")
    assert problems(text) == [
        ("plan.unknown_theme", line_of(text, "[drugs]"), "indicatoren[OND-01].themas[1]")
    ]


def test_duplicate_indicator_id() -> None:
    text = SMALL.replace("id: OND-02", "id: OND-01")
    found = problems(text)
    assert found == [("plan.duplicate_indicator", line_of(text, "Aandeel") - 1, "indicatoren[OND-01].id")]


def test_target_in_the_wrong_unit() -> None:
    text = SMALL.replace("{2023: 10, 2024: 10}", "{2023: 10, 2024: 25%}")
    assert problems(text) == [
        ("plan.target_unit", line_of(text, "25%}"), "indicatoren[OND-01].streefwaarden.2024")
    ]


@pytest.mark.parametrize(
    ("target", "unit"),
    [("150", "procent"), ("10.5", "aantal"), ("11", "rapportcijfer"), ("EUR 500", "aantal")],
)
def test_targets_that_do_not_fit_the_unit(target: str, unit: str) -> None:
    text = SMALL.replace("{2023: 10, 2024: 10}", "{2023: " + target + "}").replace(
        "eenheid: aantal", f"eenheid: {unit}"
    )
    assert [c for c, _, _ in problems(text)] == ["plan.target_unit"]


def test_realisation_outside_the_plan_period() -> None:
    text = SMALL + "realisaties:\n  - {indicator: OND-01, jaar: 2027, waarde: 3}\n"
    assert problems(text) == [
        ("plan.realisation_outside_period", line_of(text, "2027"), "realisaties[1].jaar")
    ]


def test_target_outside_the_plan_period() -> None:
    text = SMALL.replace("{2023: 10, 2024: 10}", "{2022: 10}")
    assert [c for c, _, _ in problems(text)] == ["plan.target_outside_period"]


def test_every_problem_is_reported_at_once() -> None:
    text = (
        SMALL.replace("id: OND-02", "id: OND-01")
        .replace("[ondermijning]\n    onderwerp", "[drugs]\n    onderwerp")
        .replace("pijler: controles", "pijler: onbekend")
    )
    codes = sorted(c for c, _, _ in problems(text))
    assert codes == ["plan.duplicate_indicator", "plan.unknown_reference", "plan.unknown_theme"]


def test_message_names_file_line_and_key() -> None:
    text = SMALL.replace("[ondermijning]\n    onderwerp", "[drugs]\n    onderwerp")
    with pytest.raises(PlanFileError) as info:
        loads_plan(text, "ivp.yaml")
    message = str(info.value)
    assert f"ivp.yaml:regel {line_of(text, '[drugs]')}" in message
    assert "indicatoren[OND-01].themas[1]" in message
    assert "niets geïmporteerd" in message


def test_schema_errors_have_lines() -> None:
    text = SMALL.replace(
        "richting: hoger_is_beter\n    streefwaarden: {2023", "richting: omhoog\n    streefwaarden: {2023"
    )
    assert problems(text) == [("plan.schema", line_of(text, "omhoog"), "indicatoren[OND-01].richting")]


def test_unknown_and_missing_keys() -> None:
    text = SMALL.replace(
        "    eigenaar: Programmamanager\n    bron: handmatig\n    themas: [ondermijning]\n    onderwerp",
        "    owner: Programmamanager\n    bron: handmatig\n    themas: [ondermijning]\n    onderwerp",
    )
    found = problems(text)
    assert ("plan.unknown_key", line_of(text, "owner:"), "indicatoren[OND-01].owner") in found
    assert ("plan.missing_key", line_of(text, "id: OND-01"), "indicatoren[OND-01].eigenaar") in found


def test_duplicate_yaml_key() -> None:
    text = SMALL.replace(
        "    eigenaar: Programmamanager\n", "    eigenaar: Programmamanager\n    eigenaar: Iemand\n", 1
    )
    assert problems(text) == [("plan.duplicate_key", line_of(text, "Iemand"), "indicatoren[OND-01].eigenaar")]


def test_yaml_syntax_error_has_a_line() -> None:
    text = SMALL.replace("  naam: Testplan", "  naam: [Testplan")
    (code, line, _field), *_ = problems(text)
    assert code == "plan.yaml_syntax"
    assert line is not None


def test_statistic_needs_its_block() -> None:
    text = SMALL.replace(
        "bron: handmatig\n    themas: [ondermijning]\n    onderwerp",
        "bron: statistiek\n    themas: [ondermijning]\n    onderwerp",
    )
    assert [c for c, _, _ in problems(text)] == ["plan.statistic_missing"]


def test_implementation_plan_outside_plan_period() -> None:
    text = SMALL.replace("periode: {van: 2023, tot: 2024}", "periode: {van: 2025, tot: 2027}")
    assert [c for c, _, _ in problems(text)] == ["plan.outside_period"]


def test_theme_ids_default_to_the_taxonomy() -> None:
    assert known_theme_ids() == DEFAULT_THEME_IDS  # the taxonomy has exactly these eight themes


def test_export_then_import_gives_the_same_plan() -> None:
    plan = load_plan(example_path())
    text = dumps_plan(plan)
    again = loads_plan(text)
    assert again == plan
    assert dumps_plan(again) == text


def test_export_is_valid_against_the_schema() -> None:
    doc = json.loads(json.dumps(plan_to_dict(load_plan(example_path())), default=str))
    doc = _stringify_keys(doc)
    jsonschema.Draft202012Validator(schema()).validate(doc)


def _stringify_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _stringify_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify_keys(v) for v in value]
    return value


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


def _properties(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                found |= set(value)
            found |= _properties(value)
    elif isinstance(node, list):
        for item in node:
            found |= _properties(item)
    return found


def test_every_schema_property_is_documented() -> None:
    docs = (REPO / "docs" / "plan.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)`", docs))
    missing = sorted(_properties(schema()) - documented)
    assert missing == []
