package dev.plasticity.streamjobs.drift;

/**
 * The few distribution functions the drift tests need, in plain Java so the detectors carry no
 * dependency beyond the JDK.
 *
 * <ul>
 *   <li>{@link #logGamma}: Lanczos approximation (g = 7, n = 9), as in Press et al., <i>Numerical
 *       Recipes</i>, 3rd ed., §6.1.
 *   <li>{@link #regularizedGammaQ}: upper regularized incomplete gamma Q(a, x) by its power series
 *       for x &lt; a + 1 and Lentz's continued fraction otherwise (<i>Numerical Recipes</i> §6.2).
 *   <li>{@link #kolmogorovSurvival}: the limiting Kolmogorov distribution (Kolmogorov 1933),
 *       P(K &gt; λ) = 2 Σ (-1)^(j-1) exp(-2 j² λ²), with the theta-function form for small λ.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
final class Probability {
  private static final double EPS = 1e-15;
  private static final int MAX_ITERATIONS = 10_000;
  private static final double[] LANCZOS = {
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7
  };

  private Probability() {}

  /** ln Γ(x) for x &gt; 0. */
  static double logGamma(double x) {
    if (!(x > 0)) {
      throw new IllegalArgumentException("logGamma needs x > 0, got " + x);
    }
    if (x < 0.5) { // reflection: Γ(x)Γ(1-x) = π / sin(πx)
      return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
    }
    double z = x - 1;
    double sum = LANCZOS[0];
    for (int i = 1; i < LANCZOS.length; i++) {
      sum += LANCZOS[i] / (z + i);
    }
    double t = z + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
  }

  /** Upper regularized incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), a &gt; 0, x ≥ 0. */
  static double regularizedGammaQ(double a, double x) {
    if (!(a > 0) || !(x >= 0)) {
      throw new IllegalArgumentException("regularizedGammaQ needs a > 0 and x >= 0, got a=" + a + " x=" + x);
    }
    if (x == 0) {
      return 1.0;
    }
    if (Double.isInfinite(x)) {
      return 0.0;
    }
    double logPrefix = -x + a * Math.log(x) - logGamma(a);
    if (x < a + 1) {
      return 1.0 - Math.exp(logPrefix) * gammaSeries(a, x);
    }
    return Math.exp(logPrefix) * gammaContinuedFraction(a, x);
  }

  private static double gammaSeries(double a, double x) {
    double ap = a;
    double term = 1.0 / a;
    double sum = term;
    for (int n = 0; n < MAX_ITERATIONS; n++) {
      ap += 1;
      term *= x / ap;
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) {
        return sum;
      }
    }
    throw new ArithmeticException("incomplete gamma series did not converge for a=" + a + " x=" + x);
  }

  private static double gammaContinuedFraction(double a, double x) {
    double tiny = 1e-300;
    double b = x + 1 - a;
    double c = 1 / tiny;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < MAX_ITERATIONS; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < tiny) {
        d = tiny;
      }
      c = b + an / c;
      if (Math.abs(c) < tiny) {
        c = tiny;
      }
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < EPS) {
        return h;
      }
    }
    throw new ArithmeticException("incomplete gamma fraction did not converge for a=" + a + " x=" + x);
  }

  /** P(X &gt; x) for X ~ χ²(degreesOfFreedom). */
  static double chiSquareSurvival(double x, int degreesOfFreedom) {
    if (degreesOfFreedom < 1) {
      throw new IllegalArgumentException("chi-square needs at least 1 degree of freedom, got " + degreesOfFreedom);
    }
    return x <= 0 ? 1.0 : regularizedGammaQ(degreesOfFreedom / 2.0, x / 2.0);
  }

  /** P(Z &gt; z) for a standard normal Z, via erfc(t) = Q(1/2, t²). */
  static double normalSurvival(double z) {
    if (Double.isNaN(z)) {
      throw new IllegalArgumentException("z is NaN");
    }
    double t = z / Math.sqrt(2);
    double erfcAbs = regularizedGammaQ(0.5, t * t);
    return z >= 0 ? 0.5 * erfcAbs : 1.0 - 0.5 * erfcAbs;
  }

  /** P(K &gt; λ) for the limiting Kolmogorov distribution K (what scipy calls {@code kstwobign.sf}). */
  static double kolmogorovSurvival(double lambda) {
    if (!(lambda > 0)) {
      return 1.0;
    }
    if (lambda < 1.18) {
      // P(K <= λ) = sqrt(2π)/λ Σ_{j>=1} exp(-(2j-1)² π² / (8 λ²)): converges fast for small λ
      double sum = 0;
      for (int j = 1; j <= 8; j++) {
        double k = 2 * j - 1;
        sum += Math.exp(-k * k * Math.PI * Math.PI / (8 * lambda * lambda));
      }
      return Math.min(1.0, Math.max(0.0, 1.0 - Math.sqrt(2 * Math.PI) / lambda * sum));
    }
    double sum = 0;
    for (int j = 1; j <= 100; j++) {
      double term = Math.exp(-2.0 * j * j * lambda * lambda);
      sum += (j % 2 == 1) ? term : -term;
      if (term < 1e-300) {
        break;
      }
    }
    return Math.min(1.0, Math.max(0.0, 2 * sum));
  }
}
