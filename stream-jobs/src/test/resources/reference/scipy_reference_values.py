#!/usr/bin/env python3
"""Reference values for the drift tests in dev.plasticity.streamjobs.drift, computed with SciPy.

Run:  python3 stream-jobs/src/test/resources/reference/scipy_reference_values.py
Made with SciPy 1.17.1 and NumPy 2.4 (not needed in CI: the Java tests hard-code what this prints,
each with a comment naming this script). Inputs are small and fixed, and the deterministic
sequences below are computed with the same IEEE operations in Java (see ScipyReferenceData).
"""
import numpy as np
import scipy
from scipy import integrate, stats
from scipy.spatial.distance import jensenshannon

np.set_printoptions(legacy="1.25")  # print plain floats, not np.float64(...)
print(f"# scipy {scipy.__version__}, numpy {np.__version__}")

A = np.array([0.3, 1.2, -0.7, 2.5, 0.9, 1.1, -1.4, 0.0, 3.1, 0.6])
B = np.array([1.8, 0.4, 2.9, 1.5, 3.6, 2.2, 0.9, 4.1, 1.1, 2.6, 3.0, 1.9])

# Reference quantiles q(k/100) = 4 (k/100)^2, k = 0..100: Q(p) = 4p^2 interpolated linearly.
P101 = np.arange(101) / 100.0
Q101 = 4.0 * P101 ** 2
# Window for the reference tests: 4 * frac(j * 0.6180339887)^2 * 1.1, j = 1..200 (a low-discrepancy
# sequence, stretched by 10% so it has drifted a little from Q).
J = np.arange(1, 201)
W = 4.0 * np.fmod(J * 0.6180339887, 1.0) ** 2 * 1.1
# A reference sample with the same distribution as Q101: R_i = 4 ((i + 0.5) / 1000)^2, i = 0..999.
R = 4.0 * ((np.arange(1000) + 0.5) / 1000.0) ** 2


def section(name):
    print(f"\n## {name}")


def ref_cdf(x):
    """CDF of the interpolated reference (ReferenceDistribution of Q101); Q101 is strictly increasing."""
    return np.interp(x, Q101, P101, left=0.0, right=1.0)


section("Wasserstein: two samples (scipy.stats.wasserstein_distance)")
print("wasserstein(A, B) =", repr(stats.wasserstein_distance(A, B)))
print("np.std(A) =", repr(np.std(A)))
print("wasserstein(A, B) / np.std(A) =", repr(stats.wasserstein_distance(A, B) / np.std(A)))

section("Wasserstein: window W against the interpolated reference Q101 (quad of |F_W - F_ref|)")
knots = np.unique(np.concatenate([W, Q101]))
Wsorted = np.sort(W)
total = 0.0
for lo, hi in zip(knots[:-1], knots[1:]):
    fw = np.searchsorted(Wsorted, (lo + hi) / 2, side="right") / len(W)  # constant on (lo, hi)
    val, _ = integrate.quad(lambda x: abs(fw - ref_cdf(x)), lo, hi, epsabs=1e-14, epsrel=1e-13)
    total += val
print("wasserstein(W, Q101) =", repr(total))
# standard deviation of the interpolated reference: uniform mass 1/100 on each [q_k, q_k+1]
a, b = Q101[:-1], Q101[1:]
mean = np.sum((a + b) / 2) / 100
second = np.sum((a * a + a * b + b * b) / 3) / 100
print("std(Q101 interpolated) =", repr(np.sqrt(second - mean ** 2)))
print("wasserstein(W, R) (1000-value reference sample) =", repr(stats.wasserstein_distance(W, R)))

section("Kolmogorov-Smirnov")
ks = stats.ks_2samp(A, B)
print("ks_2samp(A, B).statistic =", repr(ks.statistic), " pvalue (exact) =", repr(ks.pvalue))
print("ks_2samp(A, B, method='asymp').pvalue =", repr(stats.ks_2samp(A, B, method="asymp").pvalue))
en = len(A) * len(B) / (len(A) + len(B))
print("kstwobign.sf(sqrt(en) * D) (A, B) =", repr(stats.kstwobign.sf(np.sqrt(en) * ks.statistic)))
one = stats.kstest(W, ref_cdf)
print("kstest(W, F_ref).statistic (one-sample against interpolated Q101) =", repr(one.statistic))
two = stats.ks_2samp(W, R)
print("ks_2samp(W, R).statistic =", repr(two.statistic), " pvalue =", repr(two.pvalue))
print("ks_2samp(W, R, method='asymp').pvalue =", repr(stats.ks_2samp(W, R, method="asymp").pvalue))
en = len(W) * len(R) / (len(W) + len(R))
print("kstwobign.sf(sqrt(en) * D(W, R)) =", repr(stats.kstwobign.sf(np.sqrt(en) * two.statistic)))
print("kstwobign.sf(sqrt(en) * D(W, F_ref)) =", repr(stats.kstwobign.sf(np.sqrt(en) * one.statistic)))
# What KolmogorovSmirnovTest sees when the reference is R's 101 quantiles (np.quantile, linear)
qr = np.quantile(R, P101)
via_quantiles = stats.kstest(W, lambda x: np.interp(x, qr, P101, left=0.0, right=1.0))
print("kstest(W, F of R's 101 quantiles).statistic =", repr(via_quantiles.statistic),
      " kstwobign p =", repr(stats.kstwobign.sf(np.sqrt(en) * via_quantiles.statistic)))
# A reference with 30% of its mass at 0 (q(k/100) = 0 for k <= 30, else (k - 30) / 70), and a window
# that matches it: 3 of 10 values at 0, 7 at (k - 0.5) / 7. The true sup |F_W - F_ref| is 0.05; kstest
# treats the CDF as continuous and reports F_ref(0) - 0 = 0.3 from the jump at 0.
mass = np.array([0.0 if k <= 30 else (k - 30) / 70 for k in range(101)])
mass_window = np.array([0.0, 0.0, 0.0] + [(k - 0.5) / 7 for k in range(1, 8)])
print("kstest(mass window, point-mass reference).statistic =",
      repr(stats.kstest(mass_window, lambda x: np.where(x < 0, 0.0, 0.3 + 0.7 * np.clip(x, 0, 1))).statistic))

section("Jensen-Shannon, numeric, base 2, smoothing 1e-4 for empty bins then renormalised")
EPS = 1e-4


def smooth(shares):
    s = np.maximum(np.asarray(shares, dtype=float), EPS)
    return s / s.sum()


def binned(values, cuts):
    # bins (-inf, c0], (c0, c1], ..., (c_last, inf): index of the first cut >= value
    counts = np.bincount(np.searchsorted(cuts, values, side="left"), minlength=len(cuts) + 1)
    return counts / len(values)


def ref_shares(cuts):
    cdf = np.concatenate([[0.0], ref_cdf(cuts), [1.0]])
    return np.diff(cdf)


deciles = np.interp(np.arange(1, 10) / 10, P101, Q101)
print("JS(W vs Q101, 10 reference-quantile bins) =",
      repr(jensenshannon(smooth(ref_shares(deciles)), smooth(binned(W, deciles)), base=2)))
width = np.array([Q101[0] + i * (Q101[-1] - Q101[0]) / 10 for i in range(1, 10)])
print("JS(W vs Q101, 10 equal-width bins) =",
      repr(jensenshannon(smooth(ref_shares(width)), smooth(binned(W, width)), base=2)))

section("Jensen-Shannon, categories, base 2, smoothing 1e-4")
shares = [0.5, 0.3, 0.2, 0.0]
counts = np.array([40, 35, 20, 5])
print("JS([0.5, 0.3, 0.2] vs counts [40, 35, 20, 5]) =",
      repr(jensenshannon(smooth(shares), smooth(counts / counts.sum()), base=2)))
print("JS([0.5, 0.5] vs counts [50, 50]) =", repr(jensenshannon([0.5, 0.5], [0.5, 0.5], base=2)))
print("JS([1, 0] vs counts [0, 7]) unsmoothed =", repr(jensenshannon([1.0, 0.0], [0.0, 1.0], base=2)))

section("Chi-square")
obs = np.array([30, 45, 25])
exp_shares = np.array([0.25, 0.5, 0.25])
gof = stats.chisquare(obs, f_exp=exp_shares * obs.sum())
print("chisquare([30, 45, 25], f_exp=100*[0.25, 0.5, 0.25]) =", repr(gof.statistic), repr(gof.pvalue))
ref_counts = exp_shares * 400  # the reference shares measured on 400 events
ct = stats.chi2_contingency(np.vstack([obs, ref_counts]), correction=False)
print("chi2_contingency([[30, 45, 25], [100, 200, 100]], correction=False) =", repr(ct.statistic), repr(ct.pvalue))
scaled = gof.statistic * 400 / (100 + 400)
print("GOF statistic * m / (n + m) (what ChiSquareTest computes with referenceCount 400) =", repr(scaled),
      repr(stats.chi2.sf(scaled, 2)))

section("Multiple testing")
p = np.array([0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.001, 0.04])
print("false_discovery_control(p, method='bh') =", repr(stats.false_discovery_control(p, method="bh").tolist()))
order = np.argsort(p, kind="stable")
m = len(p)
holm = np.empty(m)
running = 0.0
for rank, i in enumerate(order):  # Holm (1979), step-down: max over j <= i of min(1, (m - j) p_(j))
    running = max(running, min(1.0, (m - rank) * p[i]))
    holm[i] = running
print("holm(p) (by hand) =", repr(holm.tolist()))

section("Maximum mean discrepancy (unbiased MMD^2, Gretton et al. 2012 eq. 3, by hand in NumPy)")
X = np.array([[0.0, 1.0], [1.0, 0.5], [2.0, 2.5], [0.5, -1.0], [1.5, 1.0], [-0.5, 0.0]])
Y = np.array([[1.0, 2.0], [2.5, 3.0], [0.0, 1.5], [3.0, 2.0], [1.5, 2.5]])
mu, sd = X.mean(axis=0), X.std(axis=0)  # standardised by the reference (population std)
Z = np.vstack([(X - mu) / sd, (Y - mu) / sd])
D2 = ((Z[:, None, :] - Z[None, :, :]) ** 2).sum(-1)
iu = np.triu_indices(len(Z), 1)
sigma = np.median(np.sqrt(D2[iu]))  # median heuristic: median pairwise distance of the pooled sample
K = np.exp(-D2 / (2 * sigma ** 2))
mx, my = len(X), len(Y)
kxx, kyy, kxy = K[:mx, :mx], K[mx:, mx:], K[:mx, mx:]
mmd2 = ((kxx.sum() - np.trace(kxx)) / (mx * (mx - 1)) + (kyy.sum() - np.trace(kyy)) / (my * (my - 1))
        - 2 * kxy.mean())
print("median pairwise distance =", repr(sigma))
print("unbiased MMD^2(X, Y) =", repr(mmd2))
