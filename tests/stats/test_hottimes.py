"""Tests of ivp.stats.hottimes: against scipy (chisquare, binomtest, chi2_contingency) and statsmodels
(quasi-Poisson GLM for the week-to-week dispersion); by simulation with no effect (uniform, aoristic
intervals, negative-binomial weekly clusters) and with a planted peak at the power the sufficiency
statement predicts; and on the Groningen bicycle thefts (test_hottimes_groningen.py would be a better
home, but the brief keeps it here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats
from statsmodels.stats.multitest import multipletests

from ivp.stats.aoristic import aoristic, exposure
from ivp.stats.hottimes import (
    Concentration,
    ProfileComparison,
    _bh_gain,
    compare_profiles,
    concentration,
    sufficiency,
    sufficiency_power,
    week_dispersion,
)

P_TOL = 1e-9
MONDAY = np.datetime64("2018-01-01T00:00:00", "s")  # a Monday


def _any_flag_bound(reps: int, alpha: float = 0.05, level: float = 0.001) -> int:
    """Most flagged repetitions a test at rate <= alpha can show, except with probability ``level``."""
    return int(stats.binom.ppf(1 - level, reps, alpha))


def _central(k: int, n: int, p0: float) -> float:
    """Twice the smaller exact tail, from scipy's binomtest (one-sided), capped at 1."""
    up = float(stats.binomtest(k, n, p0, alternative="greater").pvalue)
    low = float(stats.binomtest(k, n, p0, alternative="less").pvalue)
    return min(1.0, 2 * min(up, low))


def _events_from_counts(counts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Exact moments: counts[w, c] events at random seconds within hour c of week w (from MONDAY)."""
    w, c = np.nonzero(counts)
    reps = counts[w, c]
    hour = np.repeat(w * 168 + c, reps)
    seconds = hour * 3600 + rng.integers(0, 3600, hour.size)
    return MONDAY + seconds.astype("timedelta64[s]")


# ---------------------------------------------------------------- against independent software


def test_overall_and_cells_equal_scipy_for_whole_counts() -> None:
    rng = np.random.default_rng(1)
    counts = rng.poisson(rng.gamma(2.0, 15.0, 168)).reshape(7, 24)
    c = concentration(counts)
    n = int(counts.sum())
    assert c.overall_p == pytest.approx(stats.chisquare(counts.ravel()).pvalue, abs=P_TOL)
    assert c.df == 167
    expected_p = [_central(int(k), n, 1 / 168) for k in counts.ravel()]
    assert_allclose(c.p.ravel(), expected_p, rtol=0, atol=P_TOL)
    assert_allclose(c.q.ravel(), multipletests(expected_p, method="fdr_bh")[1], atol=P_TOL)
    assert_allclose(c.expected, n / 168)
    assert np.array_equal(c.hot, (c.q <= 0.05) & (counts > n / 168))
    assert np.array_equal(c.cold, (c.q <= 0.05) & (counts < n / 168))
    assert c.hot.any()
    assert c.cold.any()  # gamma-mixed rates: a strongly uneven table


def test_exposure_sets_the_expected_counts_as_scipy_chisquare_f_exp() -> None:
    hours = exposure(np.datetime64("2024-01-02"), np.datetime64("2024-03-06"), "weekday")
    counts = np.array([30, 52, 41, 28, 33, 45, 29])
    c = concentration(counts, exposure=hours)
    f_exp = counts.sum() * hours / hours.sum()
    assert_allclose(c.expected, f_exp)
    assert c.overall_p == pytest.approx(stats.chisquare(counts, f_exp).pvalue, abs=P_TOL)
    p = [
        _central(int(k), int(counts.sum()), float(h / hours.sum()))
        for k, h in zip(counts, hours, strict=True)
    ]
    assert_allclose(c.p, p, atol=P_TOL)


def test_dispersion_divides_the_counts_before_the_exact_test() -> None:
    counts = 2 * np.array([12, 30, 9, 14, 20, 11, 25])
    c = concentration(counts, phi=2.0)
    half = counts // 2
    p = [_central(int(k), int(half.sum()), 1 / 7) for k in half]
    assert_allclose(c.p, p, atol=P_TOL)
    assert c.overall_p == pytest.approx(stats.chisquare(half).pvalue, abs=P_TOL)
    assert c.phi == 2.0


def test_compare_profiles_equals_chi2_contingency_and_binomtest() -> None:
    rng = np.random.default_rng(2)
    rest = rng.poisson(40, 28).reshape(7, 4)
    area = rng.poisson(6, 28).reshape(7, 4)
    area[4, 3] += 25
    r = compare_profiles(area, rest)
    assert isinstance(r, ProfileComparison)
    assert isinstance(r, Concentration)
    chi2, p_overall, dof, _ = stats.chi2_contingency(
        np.vstack([area.ravel(), rest.ravel()]), correction=False
    )
    assert r.chi2 == pytest.approx(chi2, rel=1e-12)
    assert r.df == dof
    assert r.overall_p == pytest.approx(p_overall, abs=P_TOL)
    pi = area.sum() / (area.sum() + rest.sum())
    p = [_central(int(a), int(a + b), float(pi)) for a, b in zip(area.ravel(), rest.ravel(), strict=True)]
    assert_allclose(r.p.ravel(), p, atol=P_TOL)
    assert_allclose(r.ratio, (area / area.sum()) / (rest / rest.sum()))
    assert r.hot[4, 3]
    assert r.hot.sum() == 1


def test_week_dispersion_equals_a_quasi_poisson_glm_with_equal_margins() -> None:
    # Equal week totals and equal cell totals (a chequerboard of high and low weeks per dagdeel, plus
    # noise that keeps the margins): then the ratio-of-sums estimate equals the GLM's Pearson scale.
    rng = np.random.default_rng(3)
    weeks = 12
    base = np.where((np.arange(weeks)[:, None] + np.arange(4)[None, :]) % 2 == 0, 9, 3)
    noise = rng.integers(0, 3, (weeks // 2, 2))
    bump = np.kron(np.array([[1, -1], [-1, 1]]), np.ones((1, 1), dtype=np.int64))
    counts = base.copy()
    for w in range(0, weeks - 1, 2):
        for c in (0, 2):
            counts[w : w + 2, c : c + 2] += noise[w // 2, c // 2] * bump
    counts_h = np.zeros((weeks + 2, 168), dtype=np.int64)
    counts_h[1:-1][:, [1, 8, 14, 20]] = counts  # one hour inside each dagdeel of Monday
    counts_h[0, 1] = counts_h[-1, 1] = 1  # first and last week: left out by the rule
    t = _events_from_counts(counts_h, rng)
    assert len(set(counts.sum(axis=1))) == 1
    assert len(set(counts.sum(axis=0))) == 1
    phi = week_dispersion(t, t, layout="dagdeel")
    frame = pd.DataFrame(
        {"y": counts.ravel(), "week": np.repeat(np.arange(weeks), 4), "cell": np.tile(np.arange(4), weeks)}
    )
    fit = sm.GLM.from_formula("y ~ C(week) + C(cell)", frame, family=sm.families.Poisson()).fit(scale="X2")
    assert fit.scale > 1.5  # overdispersed, so the floor at 1 does not hide a difference
    assert phi == pytest.approx(fit.scale, rel=1e-9)


@pytest.mark.parametrize(("mu", "phi_true", "weeks"), [(0.5, 3.0, 52), (0.05, 3.0, 104), (2.0, 2.0, 52)])
def test_week_dispersion_is_unbiased_for_clustered_counts(mu: float, phi_true: float, weeks: int) -> None:
    rng = np.random.default_rng(int(mu * 100) + weeks)
    estimates = []
    for _ in range(40):
        y = rng.poisson(mu * rng.gamma(mu / (phi_true - 1), (phi_true - 1) / mu, (weeks + 2, 168)))
        t = _events_from_counts(y, rng)
        estimates.append(week_dispersion(t, t))
    assert np.mean(estimates) == pytest.approx(phi_true, rel=0.1)


def test_week_dispersion_is_one_for_poisson_and_finds_a_planted_dispersion() -> None:
    rng = np.random.default_rng(4)
    poisson = rng.poisson(0.6, (106, 168))
    t = _events_from_counts(poisson, rng)
    assert week_dispersion(t, t) == pytest.approx(1.0, abs=0.05)
    mu, phi_true = 0.6, 3.0
    nb = rng.poisson(mu * rng.gamma(mu / (phi_true - 1), (phi_true - 1) / mu, (106, 168)))
    t = _events_from_counts(nb, rng)
    assert week_dispersion(t, t) == pytest.approx(phi_true, rel=0.1)


# ---------------------------------------------------------------- no effect: size


def test_uniform_null_flags_at_most_alpha() -> None:
    rng = np.random.default_rng(10)
    reps, flagged, overall = 400, 0, 0
    for _ in range(reps):
        c = concentration(rng.multinomial(2000, np.full(168, 1 / 168)))
        flagged += c.any_flagged
        overall += c.overall_p <= 0.05
    assert flagged <= _any_flag_bound(reps)
    assert overall <= _any_flag_bound(reps)


def test_aoristic_intervals_under_the_null_flag_at_most_alpha() -> None:
    # Uniform starts, lengths from minutes to three days: the weights' design effect must not make the
    # test liberal (a weighted count varies less than a whole count; treated as whole counts it would
    # be conservative, but dividing by a too-small design effect would be liberal).
    rng = np.random.default_rng(11)
    reps, flagged = 300, 0
    for _ in range(reps):
        n = 3000
        begin = MONDAY + (rng.random(n) * 104 * 168 * 3600).astype("timedelta64[s]")
        length = np.where(rng.random(n) < 0.3, 0.0, rng.exponential(8.0, n).clip(0, 72)) * 3600
        c = concentration(aoristic(begin, begin + length.astype("timedelta64[s]")))
        flagged += c.any_flagged
    assert flagged <= _any_flag_bound(reps)


def test_overdispersed_null_with_estimated_phi_flags_at_most_alpha() -> None:
    rng = np.random.default_rng(12)
    reps, flagged, naive = 150, 0, 0
    mu, phi_true = 0.5, 3.0
    for _ in range(reps):
        y = rng.poisson(mu * rng.gamma(mu / (phi_true - 1), (phi_true - 1) / mu, (54, 168)))
        t = _events_from_counts(y, rng)
        a = aoristic(t, t)
        flagged += concentration(a, phi=week_dispersion(t, t)).any_flagged
        naive += concentration(a).any_flagged
    assert flagged <= _any_flag_bound(reps)
    assert naive > reps / 2  # without the dispersion the clustered data would be "hot" most of the time


# ---------------------------------------------------------------- planted peak: power as predicted


@pytest.mark.parametrize(("cells", "n"), [(168, 2500), (168, 4700), (28, 300), (28, 700), (4, 60)])
def test_planted_peak_found_at_the_predicted_power(cells: int, n: int) -> None:
    rng = np.random.default_rng(cells * 1000 + n)
    ratio, reps = 2.0, 400
    probs = np.full(cells, 1.0 / (cells - 1 + ratio))
    probs[0] = ratio / (cells - 1 + ratio)
    hits = sum(bool(concentration(rng.multinomial(n, probs)).hot.ravel()[0]) for _ in range(reps))
    predicted = sufficiency_power(n, cells, ratio=ratio)
    assert 0.2 < predicted < 0.9  # the check is informative (not at 0 or 1)
    assert abs(hits / reps - predicted) <= 0.08


def test_planted_peak_with_overdispersion_at_the_predicted_power() -> None:
    rng = np.random.default_rng(21)
    cells, n, phi, ratio, reps = 28, 1100, 2.0, 2.0, 400
    share = np.full(cells, 1.0 / (cells - 1 + ratio))
    share[0] *= ratio
    hits = 0
    for _ in range(reps):
        # Quasi-Poisson counts with Var = 2 * mean: twice a Poisson count of half the mean.
        counts = 2 * rng.poisson(n * share / 2)
        hits += bool(concentration(counts, phi=phi).hot[0])
    predicted = sufficiency_power(n, cells, ratio=ratio, phi=phi)
    assert 0.2 < predicted < 0.9
    assert abs(hits / reps - predicted) <= 0.08


def test_no_effect_any_flag_rate_at_most_alpha_and_power_at_ratio_one_is_small() -> None:
    assert sufficiency_power(5000, 168, ratio=1.0) <= 0.05 / 168 * 1.5
    assert sufficiency(5000, 168, ratio=1.0).needed is None


def test_bh_gain_matches_a_simulation_of_bh() -> None:
    rng = np.random.default_rng(30)
    m, alpha, reps = 20, 0.05, 40000
    gain = _bh_gain(m, alpha)
    assert gain[1] == 1.0
    for j in (2, 3):
        nulls = rng.random((reps, m - 1))
        alt = np.full((reps, 1), alpha * (j - 0.5) / m)
        p = np.hstack([alt, nulls])
        srt = np.sort(p, axis=1)
        passed = srt <= alpha * np.arange(1, m + 1) / m
        k_star = np.where(passed.any(axis=1), m - np.argmax(passed[:, ::-1], axis=1), 0)
        observed = np.mean(alt[:, 0] <= alpha * k_star / m)
        se = np.sqrt(gain[j] * (1 - gain[j]) / reps)
        assert abs(observed - gain[j]) <= 4 * se + 1e-4


def test_sufficiency_needed_reaches_the_target_and_scales_with_phi() -> None:
    s = sufficiency(46)
    assert s.question == "hottime"
    assert s.n_cells == 168
    assert not s.sufficient
    assert s.needed is not None
    assert sufficiency_power(s.needed, 168) >= 0.8 > sufficiency_power(s.needed - 50, 168)
    s2 = sufficiency(46, phi=2.0)
    # Twice the dispersion: about twice the events (a little less: effective counts are no longer whole,
    # so the lattice of the exact binomial no longer costs power).
    assert s2.needed is not None
    assert 1.85 * s.needed <= s2.needed <= 2.0 * s.needed
    assert sufficiency(46, 4).needed < sufficiency(46, 28).needed < s.needed  # type: ignore[operator]
    assert sufficiency(20000).sufficient


# ---------------------------------------------------------------- the Groningen bicycle thefts


GRONINGEN = ("incidenten", "groningen_fietsdiefstal_2013_2017.csv")
BEGIN, END = "Begin-pleegdatum/tijd", "Eind-pleegdatum/tijd"


@pytest.fixture(scope="module")
def thefts(shared_data: object) -> tuple[np.ndarray, np.ndarray]:
    path = shared_data.joinpath(*GRONINGEN)  # type: ignore[attr-defined]
    frame = pd.read_csv(path, usecols=[BEGIN, END])
    return pd.to_datetime(frame[BEGIN]).to_numpy(), pd.to_datetime(frame[END]).to_numpy()


def test_groningen_table_exclusions_and_hot_cells(thefts: tuple[np.ndarray, np.ndarray]) -> None:
    begin, end = thefts
    a = aoristic(begin, end)
    hours = (end - begin) / np.timedelta64(1, "h")
    assert a.n_events == 15947
    assert a.n_too_long == int(np.sum(hours > 72)) == 895
    assert a.n_invalid == 0
    assert a.n_used == 15947 - 895
    assert a.table.sum() == pytest.approx(a.n_used, rel=1e-12)
    phi = week_dispersion(begin, end)
    c = concentration(a, phi=phi)
    assert 1.0 <= phi < 2.0
    assert c.overall_p < 1e-12
    hot = [(a.row_labels[r], a.col_labels[h]) for r, h in np.argwhere(c.hot)]
    cold = [(a.row_labels[r], a.col_labels[h]) for r, h in np.argwhere(c.cold)]
    print(f"\nGroningen fietsdiefstal: {a.n_used} gebruikt, {a.n_too_long} > 72 uur, phi {phi:.2f}")
    print(f"heet ({len(hot)}): {hot}")
    print(f"koud ({len(cold)}): {len(cold)} cellen, o.a. {cold[:6]}")
    # Thefts concentrate in the afternoon and evening; nights and early mornings are quiet.
    assert 30 <= len(hot) <= 80
    assert 30 <= len(cold) <= 100
    for r, h in np.argwhere(c.hot):
        assert h >= 12 or (r >= 5 and h <= 3), (r, h)
    for r, h in np.argwhere(c.cold):
        assert h <= 13 or r == 6, (r, h)
    assert c.cold[:5, 5:9].all()  # weekday mornings 05-09
    assert c.hot[3, 19]
    assert c.hot[3, 20]  # Thursday evening (koopavond)


@pytest.mark.parametrize(("n0", "ratio"), [(1000, 2.0), (1600, 2.0)])
def test_groningen_planted_hour_found_at_the_predicted_rate(
    thefts: tuple[np.ndarray, np.ndarray], n0: int, ratio: float
) -> None:
    """Real intervals, shifted by random hours (no concentration left), plus synthetic exact moments in
    Wednesday 04-05 so that this hour has ``ratio`` times the average.

    Two power statements bracket the rate. The one that counts every event as a whole one (``phi = 1``,
    what an advisor gets when the caller passes no design effect) is a lower bound: the aoristic
    fractions make the test sharper. The one with the test's pooled design effect as ``phi`` assumes
    the planted events are fractions like the others; they are whole moments, which vary more, so it is
    an upper bound (reached closely at low power)."""
    begin, end = thefts
    keep = (end - begin) <= np.timedelta64(72, "h")
    begin, end = begin[keep], end[keep]
    whole = aoristic(begin, end)
    dbar = float(whole.sq.sum() / whole.table.sum())
    k0 = (ratio - 1) * n0 / 168
    design = (dbar * n0 + k0) / (n0 + k0)
    low = sufficiency_power(round(n0 + k0), 168, ratio=ratio)
    high = sufficiency_power(round(n0 + k0), 168, ratio=ratio, phi=design)
    rng = np.random.default_rng(n0)
    reps, hits = 400, 0
    for _ in range(reps):
        idx = rng.choice(begin.size, n0, replace=False)
        shift = (rng.random(n0) * 168 * 3600).astype("timedelta64[s]")
        k = rng.poisson(k0)
        weeks = rng.integers(0, 200, k) * 7 * 86400 + rng.integers(0, 3600, k)
        planted = np.datetime64("2016-01-06T04:00:00", "s") + weeks.astype("timedelta64[s]")
        b = np.concatenate([begin[idx] + shift, planted])
        e = np.concatenate([end[idx] + shift, planted])
        hits += bool(concentration(aoristic(b, e)).hot[2, 4])
    rate = hits / reps
    print(
        f"\ngeplant {ratio}x in woensdag 04-05, n={n0}: gevonden {rate:.3f}, voorspeld {low:.3f} (hele meldingen) - {high:.3f} (met ontwerpeffect {design:.2f})"
    )
    assert 0.3 < high < 0.95
    assert high - low > 0.1  # informative: not at 0 or 1, and the two differ
    assert low - 0.06 <= rate <= high + 0.06


def test_groningen_time_shuffled_flags_nothing_beyond_the_fdr_level(
    thefts: tuple[np.ndarray, np.ndarray],
) -> None:
    begin, end = thefts
    rng = np.random.default_rng(40)
    reps, flagged, flagged_phi = 200, 0, 0
    for _ in range(reps):
        shift = (rng.random(begin.size) * 168 * 3600).astype("timedelta64[s]")
        b, e = begin + shift, end + shift
        a = aoristic(b, e)
        flagged += concentration(a).any_flagged
        flagged_phi += concentration(a, phi=week_dispersion(b, e)).any_flagged
    print(
        f"\ngeschud in de tijd: {flagged}/{reps} keer een cel gemarkeerd (phi=1), {flagged_phi}/{reps} (phi geschat)"
    )
    assert flagged <= _any_flag_bound(reps)
    assert flagged_phi <= flagged


def test_groningen_sufficiency_for_46_and_for_the_full_file(thefts: tuple[np.ndarray, np.ndarray]) -> None:
    begin, end = thefts
    rng = np.random.default_rng(46)
    idx = rng.choice(begin.size, 46, replace=False)
    small = aoristic(begin[idx], end[idx])
    full = aoristic(begin, end)
    phi_small = week_dispersion(begin[idx], end[idx])
    phi_full = week_dispersion(begin, end)
    lines = []
    for name, a, phi in (("steekproef 46", small, phi_small), ("volledig bestand", full, phi_full)):
        for cells, layout in ((168, "weekuur"), (28, "dag x dagdeel"), (4, "dagdeel")):
            s = sufficiency(a.n_used, cells, phi=phi)
            lines.append(
                f"{name}: n={a.n_used}, {layout} ({cells} cellen), phi={phi:.2f}: kans {s.power:.3f}, "
                f"benodigd {s.needed}, voldoende {s.sufficient}"
            )
            if name.startswith("steekproef") and cells == 168:
                assert not s.sufficient
                assert s.power < 0.01
                assert s.needed is not None
                assert s.needed > 3000
            if name.startswith("volledig"):
                assert s.sufficient
    print("\n" + "\n".join(lines))


@pytest.mark.parametrize("hours", [4.0, 12.0])
def test_sufficiency_with_retention_predicts_a_smeared_peak(hours: float) -> None:
    """A real peak (Saturday 22-23 at twice the average) seen through intervals of 0-``hours`` hours: the
    statement with the table's retention predicts the hit rate; without it, it would claim 0.80."""
    rng = np.random.default_rng(int(hours))
    start = np.datetime64("2022-01-03T00:00", "m")  # a Monday
    weights = np.ones(168)
    weights[5 * 24 + 22] = 2.0
    weights /= weights.sum()
    n, reps = 4706, 150
    hits = 0
    retention = []
    for _ in range(reps):
        cell = rng.choice(168, n, p=weights)
        moment = start + ((rng.integers(0, 104, n) * 168 + cell) * 60 + rng.integers(0, 60, n)).astype(
            "timedelta64[m]"
        )
        length = (rng.uniform(0, hours, n) * 60).astype(int)
        begin = moment - (rng.uniform(0, 1, n) * length).astype(int).astype("timedelta64[m]")
        end = begin + length.astype("timedelta64[m]")
        table = aoristic(begin.astype("datetime64[ns]"), end.astype("datetime64[ns]"))
        hits += bool(concentration(table).hot[5, 22])
        retention.append(float(table.sq.sum()) / table.n_used)
    predicted = sufficiency(n, 168, retention=float(np.mean(retention))).power
    assert sufficiency(n, 168).power >= 0.79  # the statement for exact moments
    assert predicted < 0.6
    assert abs(hits / reps - predicted) <= 0.1, (hits / reps, predicted)
