"""InputError names file, record or line, and field, and says what to do."""

from __future__ import annotations

from ivp.lib.errors import InputError


def test_csv_records_are_lines() -> None:
    err = InputError(
        code="x",
        message="geen getal.",
        file="overlast.csv",
        record=3,
        field="aantal",
        hint="vul een getal in.",
    )
    text = str(err)
    assert text.startswith("bestand overlast.csv, regel 3, veld 'aantal': geen getal.")
    assert "Oplossing: vul een getal in." in text
    assert text.endswith("Er is niets van dit bestand geladen.")


def test_json_records_are_records() -> None:
    text = str(InputError(code="x", message="negatief.", file="TypedDataSet.json", record=12))
    assert "record 12" in text
    assert "regel" not in text


def test_retry_is_said_instead_of_nothing_loaded() -> None:
    text = str(InputError(code="net", message="geen verbinding.", file="47018NED", retry=True))
    assert "Opnieuw proberen kan helpen." in text
    assert "niets van dit bestand" not in text


def test_line_error_names_file_line_field_and_fix() -> None:
    from ivp.lib.errors import LineError

    err = LineError(
        "x.bad", "geen datum.", file="plan.yaml", field="periode.van", hint="schrijf JJJJ-MM-DD.", line=7
    )
    assert str(err) == "plan.yaml:regel 7, veld 'periode.van': geen datum. Oplossing: schrijf JJJJ-MM-DD."


def test_file_problems_are_raised_together_with_their_codes() -> None:
    from ivp.lib.errors import FileProblemsError, LineError

    problems = [
        LineError("a", "eerste.", file="f.yaml", line=1),
        LineError("b", "tweede.", file="f.yaml", line=3),
    ]
    err = FileProblemsError(problems, "f.yaml")
    assert err.codes == ("a", "b")
    lines = str(err).splitlines()
    assert lines[0] == "f.yaml is niet ingelezen: 2 fouten. Er is niets geïmporteerd."
    assert lines[1:] == ["  - f.yaml:regel 1: eerste.", "  - f.yaml:regel 3: tweede."]


def test_plan_focus_and_intervention_errors_share_the_line_error() -> None:
    from ivp.interventions.errors import InterventionError, InterventionFileError
    from ivp.lib.errors import FileProblemsError, LineError
    from ivp.plan.errors import PlanError, PlanFileError
    from ivp.reports.wijkscan.focus_file import FocusError, FocusFileError

    for error in (PlanError, FocusError, InterventionError):
        assert issubclass(error, LineError)
    for collection in (PlanFileError, FocusFileError, InterventionFileError):
        assert issubclass(collection, FileProblemsError)
