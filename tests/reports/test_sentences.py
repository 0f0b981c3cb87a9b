"""Generated Dutch sentences: wording follows the test, numbers in Dutch format."""

from __future__ import annotations

from ivp.reports.veiligheidsbeeld import sentences


def test_fall_that_passed_the_test_is_called_a_fall() -> None:
    text = sentences.change_sentence("1.1.1", "W", 246, 140, 2017, 2024, direction=-1, percent_change=-43.09)
    assert text == (
        "Het aantal woninginbraken daalde van 246 in 2017 naar 140 in 2024 (-43%); "
        "deze daling is statistisch aantoonbaar."
    )


def test_rise_with_thousands_separator_and_provisional_year() -> None:
    text = sentences.change_sentence(
        "1.2.3", "F", 1234, 1500, 2023, 2024, direction=1, percent_change=21.56, provisional_b=True
    )
    assert "steeg van 1.234 in 2023 naar 1.500 in 2024 (voorlopig) (+22%)" in text
    assert text.endswith("deze stijging is statistisch aantoonbaar.")


def test_no_demonstrable_change_is_never_called_a_fall() -> None:
    text = sentences.change_sentence("1.4.6", "S", 20, 12, 2019, 2021, direction=0, percent_change=-40.0)
    assert "daalde" not in text
    assert "geen aantoonbare verandering" in text


def test_small_numbers_withhold_the_wording() -> None:
    # below the threshold there is no verdict at all, also not "geen aantoonbare verandering"
    for direction, a, b in [(0, 3, 1), (-1, 9, 0), (1, 0, 9)]:
        text = sentences.change_sentence(
            "1.4.2", "M", a, b, 2019, 2021, direction=direction, percent_change=-66.7, small_numbers=True
        )
        assert "te weinig om een verandering vast te stellen" in text
        for word in ("daalde", "steeg", "aantoonbare", "%"):
            assert word not in text
    cmp = sentences.reference_sentence(
        "Dordrecht", "1.4.2", "M", 2025, 0.3, 0.1, "Nederland", direction=1, small_numbers=True
    )
    assert "te weinig om een verschil vast te stellen" in cmp
    assert "aantoonbaar hoger" not in cmp
    trend = sentences.trend_sentence(
        "1.4.2", "M", 2012, 2023, direction=-1, annual_percent_change=-9.0, small_numbers=True
    )
    assert "te weinig" in trend
    assert "daalde" not in trend


def test_unchanged_count() -> None:
    text = sentences.change_sentence("1.1.1", "W", 50, 50, 2019, 2021, direction=0, percent_change=0.0)
    assert text == (
        "Het aantal woninginbraken bleef gelijk: 50 in 2019 en in 2021; dit is geen aantoonbare verandering."
    )


def test_unknown_type_falls_back_to_its_title() -> None:
    assert sentences.noun("9.9.9", "Iets") == "misdrijven van het type 'Iets'"


def test_reference_sentence_uses_decimal_comma() -> None:
    text = sentences.reference_sentence("Dordrecht", "1.4.5", "M", 2023, 3.04, 2.51, "Nederland", direction=1)
    assert text == (
        "In 2023 telde Dordrecht 3,0 mishandelingen per 1.000 inwoners, tegen 2,5 in Nederland: "
        "aantoonbaar hoger."
    )


def test_trend_and_area_sentences() -> None:
    assert "geen aantoonbare trend" in sentences.trend_sentence(
        "1.1.1", "W", 2012, 2025, direction=0, annual_percent_change=-1.0
    )
    assert sentences.area_sentence("wijken", ["A"], "misdrijven", 2023).endswith("zijn A.")
    assert sentences.area_sentence("wijken", [], "misdrijven", 2023) == ""
