package dev.plasticity.inference.verify;

/**
 * Wald's sequential probability ratio test on the discordant pairs of a paired comparison (a
 * sequential McNemar test): is a new version worse than the version it replaced?
 *
 * <p>Each event scored by both versions and then labelled is a pair (new right or wrong, old right
 * or wrong). Pairs where both are right or both wrong say nothing about which is better and are only
 * counted. Among the discordant pairs, those where exactly one is right, let {@code p} be the
 * probability that the one wrong is the new version. Given the number of discordant pairs, the
 * number the new version loses is binomial in {@code p} whatever the two accuracies are, and {@code
 * p > 1/2} exactly when the new version's accuracy is below the old one's ({@code p = b / (b + c)}
 * with {@code b = P(new wrong, old right)} and {@code c = P(new right, old wrong)}, and the accuracy
 * difference is {@code c - b}). The test weighs
 *
 * <ul>
 *   <li>H0: {@code p = p0 = 1/2}, the new version is not worse (verdict {@link Verdict#WON}), against
 *   <li>H1: {@code p = p1 = 1/2 + delta}, the new version is worse by the tolerance ({@link Verdict#LOST}).
 * </ul>
 *
 * <p>After each discordant pair the log-likelihood ratio {@code L} grows by {@code ln(p1 / p0)} when
 * the new version lost it and by {@code ln((1 - p1) / (1 - p0))} when it won it. With Wald's
 * boundaries {@code A = ln((1 - beta) / alpha)} and {@code B = ln(beta / (1 - alpha))}, the test
 * decides LOST once {@code L >= A} and WON once {@code L <= B}. Wald (1945, "Sequential tests of
 * statistical hypotheses", Ann. Math. Statist. 16(2)) shows the error rates are then at most about
 * {@code alpha} (LOST when {@code p <= p0}) and {@code beta} (WON when {@code p >= p1}), the exact
 * bounds being {@code alpha / (1 - beta)} and {@code beta / (1 - alpha)}; since the likelihood ratio
 * is monotone in {@code p}, a new version that is better ({@code p < p0}) is rolled back even less
 * often. The test stops on its own with probability one; the number of discordant pairs it needs
 * grows as {@code 1 / delta^2} near {@code p = 1/2 + delta / 2}, which is why a watch also has a cap.
 *
 * <p>With the defaults (alpha 0.05, beta 0.1, delta 0.05) the boundaries are +2.890 and -2.251 and
 * each discordant pair moves {@code L} by +0.0953 (lost) or -0.1054 (won): 31 pairs lost in a row
 * decide LOST and 30 do not; 22 won in a row decide WON and 21 do not ({@code DiscordantPairSprtTest}).
 *
 * <p>Not thread-safe; one per watch. Once decided it stays decided and further pairs are ignored.
 */
final class DiscordantPairSprt {
  private final double lostStep;
  private final double wonStep;
  private final double upper;
  private final double lower;
  private double logLikelihoodRatio;
  private long newWrongOldRight;
  private long newRightOldWrong;
  private long concordant;
  private Verdict verdict = Verdict.UNDECIDED;

  DiscordantPairSprt(VerifySettings settings) {
    double p0 = 0.5;
    double p1 = 0.5 + settings.delta();
    lostStep = Math.log(p1 / p0);
    wonStep = Math.log((1 - p1) / (1 - p0));
    upper = Math.log((1 - settings.beta()) / settings.alpha());
    lower = Math.log(settings.beta() / (1 - settings.alpha()));
  }

  /**
   * Adds one pair and returns the verdict so far.
   *
   * @param newCorrect whether the new version's prediction was right
   * @param oldCorrect whether the old version's prediction was right
   */
  Verdict update(boolean newCorrect, boolean oldCorrect) {
    if (verdict != Verdict.UNDECIDED) {
      return verdict;
    }
    if (newCorrect == oldCorrect) {
      concordant++;
      return verdict;
    }
    if (oldCorrect) {
      newWrongOldRight++;
      logLikelihoodRatio += lostStep;
    } else {
      newRightOldWrong++;
      logLikelihoodRatio += wonStep;
    }
    if (logLikelihoodRatio >= upper) {
      verdict = Verdict.LOST;
    } else if (logLikelihoodRatio <= lower) {
      verdict = Verdict.WON;
    }
    return verdict;
  }

  Verdict verdict() {
    return verdict;
  }

  /** Discordant pairs the new version lost: it was wrong where the old one was right. */
  long newWrongOldRight() {
    return newWrongOldRight;
  }

  /** Discordant pairs the new version won: it was right where the old one was wrong. */
  long newRightOldWrong() {
    return newRightOldWrong;
  }

  /** Pairs both versions got right, or both wrong. */
  long concordant() {
    return concordant;
  }

  /** The log-likelihood ratio of H1 to H0 so far. */
  double logLikelihoodRatio() {
    return logLikelihoodRatio;
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "Wald SPRT on discordant pairs (H0 p=0.5, H1 p=0.5+delta; "
        + "log-likelihood ratio %.3f, decides LOST at %.3f and WON at %.3f)", logLikelihoodRatio, upper, lower);
  }
}
