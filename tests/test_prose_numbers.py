"""Numbers quoted in the prose agree with what the lessons print in full mode.

CI runs the lessons in fast mode (tests/test_lessons.py), whose numbers differ from the
ones the site shows; the prose quotes the full-mode numbers. So each test here reads a
lesson's full-mode output — sphinx-gallery's capture in ``docs/auto_lessons/NN.rst``
when the docs build (which ``make test`` runs first) is newer than the lesson, or else a
fresh full-mode run — and checks that every number the prose quotes is the number the
code printed. A lesson whose results change then fails here until its prose is updated.
"""

import functools
import math
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lessons"))
from run_all import run_lesson  # noqa: E402


@functools.cache
def output(stem: str) -> str:
    """The stdout of ``lessons/<stem>.py`` in full mode."""
    lesson = ROOT / "lessons" / f"{stem}.py"
    rst = ROOT / "docs" / "auto_lessons" / f"{stem}.rst"
    if rst.exists() and rst.stat().st_mtime >= lesson.stat().st_mtime:
        return captured_output(rst.read_text(encoding="utf-8"))
    _, result = run_lesson(lesson, fast=False)
    assert result.returncode == 0, f"{lesson.name} failed:\n{result.stderr[-3000:]}"
    return result.stdout


def captured_output(rst: str) -> str:
    """The text of the ``sphx-glr-script-out`` blocks of a sphinx-gallery page."""
    blocks = re.findall(r"\.\. rst-class:: sphx-glr-script-out\n\n \.\. code-block:: none\n\n"
                        r"((?:    .*\n|\n)+)", rst)
    return "\n".join(line[4:] for block in blocks for line in block.splitlines())


@functools.cache
def prose(stem: str) -> str:
    """The text blocks of a lesson (its ``#`` comment lines at column 0), one line."""
    text = (ROOT / "lessons" / f"{stem}.py").read_text(encoding="utf-8")
    lines = [line[1:].strip() for line in text.splitlines() if line.startswith("#")]
    return " ".join(" ".join(lines).split())


def errata() -> str:
    return " ".join((ROOT / "docs" / "errata.rst").read_text(encoding="utf-8").split())


def floats(pattern: str, text: str) -> list:
    """Every match of ``pattern`` (one group per number) in ``text``, as floats."""
    found = re.findall(pattern, text)
    assert found, f"the output no longer prints {pattern!r}"
    return [float(x) if isinstance(x, str) else tuple(map(float, x)) for x in found]


def percent(x: float) -> int:
    return round(100 * x)


# -- lesson 02 and the pages that quote it -------------------------------------------------
def test_lesson_02_articles_eta_end_point():
    (b, w), = floats(r"η = 0\.01 \(articles' η\s*\)\s+b = \+([\d.]+)\s+w = \+([\d.]+)",
                     output("02_linear_regression"))
    text = prose("02_linear_regression")
    assert f"$b \\approx {b:.2f}$ and $w \\approx {w:.2f}$" in text
    assert f"$({b:.2f}, {w:.2f})$ after 1000 steps" in text
    assert f"still at {b:.2f}" in text
    assert f"from lesson 02's starting point it ends at slope {w:.2f}, intercept {b:.2f}" \
        in errata()
    excess, = floats(r"η = 0\.01 \(articles'.*J − J\* = ([\d.e-]+)",
                     output("02_linear_regression"))
    j_star, = floats(r"least squares: b = [\d.]+, w = [\d.]+, J = ([\d.]+)",
                     output("02_linear_regression"))
    assert f"still {percent(excess / j_star)} % above its minimum" in text
    steps, = floats(r"η = 0\.85.*after (\d+) steps: diverged", output("02_linear_regression"))
    assert f"stops after {steps:.0f} steps" in text


def test_errata_end_point_from_zero_is_lesson_07s():
    (w, b), = floats(r"fixed η = 0\.01\s+θ = \[([\d.]+) ([\d.]+)\]", output("07_schedules"))
    assert f"at slope {w:.2f}, intercept {b:.2f}" in errata()


def test_lesson_02_eigenvalues_on_the_errata_page():
    (lo, hi), = floats(r"eigenvalues of H: λ_min = ([\d.]+), λ_max = ([\d.]+)",
                       output("02_linear_regression"))
    assert f"eigenvalues are {hi:.2f} and {lo:.3f}" in errata()


# -- lesson 03 ------------------------------------------------------------------------------
def sharpness_runs():
    out = output("03_how_large_can_eta_be")
    runs = {}
    for eta in (0.6, 0.8, 1.0):
        block = out.split(f"η = {eta} (2/η")[1].split("η = ")[0]
        runs[eta] = dict(
            start=floats(r"λ_max = ([\d.]+) at θ₀", block)[0],
            lowest=floats(r"lowest ([\d.]+) at step", block)[0],
            lowest_step=floats(r"lowest [\d.]+ at step (\d+)", block)[0],
            edge=floats(r"first ≥ 2/η at step (\d+)", block)[0],
            median=floats(r"median ([\d.]+)", block)[0],
            range=floats(r"range ([\d.]+) … ([\d.]+)", block)[0],
            rises=floats(r"on (\d+) of the (\d+) after", block)[0],
            final=floats(r"J: [\d.]+ → ([\d.]+)", block)[0],
            check=floats(r"\(([-+][\d.]+) %\)", block)[0])
    return runs


def test_lesson_03_edge_of_stability_numbers():
    runs, text = sharpness_runs(), prose("03_how_large_can_eta_be")
    assert {f"{r['start']:.2f}" for r in runs.values()} == {"1.67"}
    assert "$\\lambda_{\\max} \\approx 1.67$" in text
    lows = [r["lowest"] for r in runs.values()]
    assert {r["lowest_step"] for r in runs.values()} == {10}
    assert f"to {min(lows):.2f}–{max(lows):.2f} at step 10" in text
    assert (f"at step {runs[1.0]['edge']:.0f} for $\\eta = 1$, {runs[0.8]['edge']:.0f} for "
            f"$0.8$, {runs[0.6]['edge']:.0f} for $0.6$") in text
    peaks = [percent(r["range"][1] - 1) for r in runs.values()]
    assert f"to {min(peaks)}–{max(peaks)} % above it" in text
    low = percent(min(r["range"][0] for r in runs.values()) - 1)
    assert text.count(f"within about −{-low} % … +{max(peaks)} %") == 1
    assert text.count(f"within −{-low} % … +{max(peaks)} %") == 1          # the summary
    medians = [percent(r["median"] - 1) for r in runs.values()]
    assert text.count(f"medians {min(medians)}–{max(medians)} %") == 2
    assert max(abs(r["check"]) for r in runs.values()) <= 0.1
    assert "agrees with the last warm-started values to 0.1 %" in text
    shares = ", ".join(f"{r['rises'][0]:.0f} of {r['rises'][1]:.0f}" for r in runs.values())
    fractions = [percent(r["rises"][0] / r["rises"][1]) for r in runs.values()]
    assert (f"{fractions[0]} %, {fractions[1]} % and {fractions[2]} % of the steps "
            f"(η = 0.6, 0.8, 1: {shares})") in text
    assert (f"$J = {runs[1.0]['final']:.4f}$ against ${runs[0.8]['final']:.4f}$ and "
            f"${runs[0.6]['final']:.4f}$") in text


def test_lesson_03_house_price_edge():
    out, text = output("03_how_large_can_eta_be"), prose("03_how_large_can_eta_be")
    predicted, = floats(r"predicted edge 2/λ_max = ([\d.]+)", out)
    observed, = floats(r"observed edge\s+= ([\d.]+)", out)
    assert f"the edge at {observed:.5f} against the predicted {predicted:.5f}" in text
    assert f"diverges at η = {observed:.5f}, against the predicted " \
           f"$2/\\lambda_{{\\max}} = {predicted:.5f}$" in text
    total, = floats(r"J\(θ₀\) = ([\d.]+),", out)
    steep, = floats(r"([\d.]+) \(λ_max\)", out)
    assert f"({steep:.2f} of {total:.2f}, printed above)" in text


def test_lesson_03_standardising_numbers():
    out, text = output("03_how_large_can_eta_be"), prose("03_how_large_can_eta_be")
    columns = r"\s+[\d.e+-]+\s+[\d.e+-]+\s+[\d.e+-]+\s+([\d.]+)"     # the 4th: 2/λ_max
    raw, = floats(r"house prices, x in \[0, 1\]" + columns, out)
    ten, = floats(r"house prices, 10·x" + columns, out)
    assert f"{round(raw / ten)}-fold ({raw:.3g} → {ten:.3g})" in text
    digits = [floats(rf"digits, {name}\s+[\d.e+-]+\s+([\d.]+)", out)[0]
              for name in ("pixels in \\[0, 1\\]", "standardised")]
    assert f"({digits[0]:.3g} → {digits[1]:.3g}, so the bound more than doubles)" in text
    assert digits[0] / digits[1] > 2
    outcomes = re.findall(r"(converges|diverges) / (converges|diverges)", out)
    assert outcomes == [("converges", "diverges")] * 5


# -- lessons 03b, 04, 07 -----------------------------------------------------------------
def test_lesson_03b_noise_floor_and_scaling_rule():
    out, text = output("03b_sgd_minibatches"), prose("03b_sgd_minibatches")
    ratios = floats(r"÷ \(η/B\) = ([\d.]+)", out)
    assert max(ratios) / min(ratios) < 2
    assert "within a factor of 2 while η/B spans a factor 160" in text
    assert floats(r"η/B spans a factor (\d+)", out) == [160.0]
    scaled = re.search(r"with η scaled: .* → (\w[\w ]*?) \(", out).group(1)
    fixed = re.search(r"with η fixed: .* → (\w[\w ]*?) \(", out).group(1)
    assert (scaled, fixed) == ("inconclusive", "contradicted"), (scaled, fixed)
    assert 'the printed verdict is "inconclusive"' in text
    assert 'the rule\'s "no change" is contradicted' in text


def test_lesson_04_buffer_steps():
    out = output("04_momentum")
    steps = [floats(rf"μ = {mu}: .*95 % of the limit at t = (\d+)", out)[0]
             for mu in ("0.5", "0.9", "0.99")]
    assert (f"{steps[0]:.0f} steps for μ = 0.5, {steps[1]:.0f} for μ = 0.9, {steps[2]:.0f} "
            "for μ = 0.99") in prose("04_momentum")


def test_lesson_07_final_rates_and_the_best_constant():
    out, text = output("07_schedules"), prose("07_schedules")
    time_decay, = floats(r"time decay 1/\(1\+kt\).*η ([\d.e-]+)\n", out + "\n")
    assert f"η ≈ {time_decay:.2g}" in text
    plateau, = floats(r"reduce on plateau.*η ([\d.e-]+)\n", out + "\n")
    assert f"down to $10^{{{round(math.log10(plateau))}}}$" in text
    low, = floats(r"  fixed\s+[\d.]+ \[([\d.]+),", out)
    assert low > 1 and "The fixed η₀ = 0.1 itself lands among the red" in text


# -- lesson 10 and the errata's verdicts ----------------------------------------------------
def lesson_10_verdicts():
    """{"4": "not supported", "6b (standardised": ...}: claim label → verdict."""
    found = re.findall(r"^(\d[ab]?)\. (.*)\n  effect: .*\n  .* →\s+(.+)$",
                       output("10_claims"), flags=re.MULTILINE)
    assert len(found) >= 10, found
    return {(label, "standardised" in claim): verdict for label, claim, verdict in found}


def test_lesson_10_constants_and_dead_units():
    from minigrad.experiment import t_quantile

    text = prose("10_claims")
    assert f"$t_{{4,\\,0.975}} = {t_quantile(0.975, 4):.2f}$" in text
    dead, = floats(r"η=1: (\d+)%", output("10_claims"))
    assert 35 <= dead <= 65 and "kill about half of its hidden units" in text


def test_errata_verdicts_are_lesson_10s():
    v = lesson_10_verdicts()
    page = errata()
    paragraph = {n: page.split(f"Lesson 10 (claim {n}")[1].split("**Verdict:")[1].split("**")[0]
                 for n in ("4", "5", "7", "8")}
    assert paragraph["4"].strip() == v["4", False] == "not supported"
    assert paragraph["5"].strip() == v["5", False]
    assert v["7", False] == "not supported" and paragraph["7"].strip() == "not supported"
    assert paragraph["8"].strip() == v["8", False]
    steps = page.split("Lesson 10 (claims 2 and 3)")[1].split("**Verdict:")[1].split("**")[0]
    assert steps.strip() == v["3", False] == "contradicted"
    assert v["1", False] == v["2", False] == "supported"
    assert "too large an η fails to converge (**supported**" in page
    assert "too small an η is slow (**supported**" in page
    # claim 6: "partly" = depth supported on standardised pixels, width never supported
    assert v["6b", True] == "supported"
    assert "supported" not in (v["6a", False], v["6a", True])
    assert "**Verdict: partly** — for depth it is supported" in page


def test_lesson_10_too_small_range_ends_above_the_best_validation_loss():
    rows = dict(floats(r"(?m)^\s*([\d.]+)\s+[\d.]+ \[[\d., ]+\]\s+([\d.]+) \[",
                       output("10_claims")))
    small = [rows[eta] for eta in (0.001, 0.003, 0.01)]
    good = [rows[eta] for eta in (0.03, 0.1, 0.3, 1.0)]
    assert min(small) > max(good) and min(rows[0.001], rows[0.003]) > 2 * max(good)
    assert 'the whole "too small" range of the articles, η = 0.001 to 0.01, ends the ' \
           "budget above the best validation loss that η = 0.03 to 1 reach" in prose("10_claims")
