package dev.plasticity.trainer.run;

import dev.plasticity.schemas.Aliases;
import dev.plasticity.schemas.GateResult;
import dev.plasticity.schemas.Lineage;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.trainer.GateSettings;
import dev.plasticity.trainer.McNemar;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Whether a challenger replaces the serving version: both are scored on the same events, newer
 * than any training data of the challenger, and the challenger is promoted only when it is
 * significantly better on them by the exact (binomial) form of McNemar's test, with at least
 * {@link GateSettings#minEvents()} events. A tie, or a lead within what chance explains, keeps
 * the champion. With no version serving there is nothing to keep: the challenger is promoted.
 *
 * <p>Why McNemar's test: the two models are judged on the same events, so their outcomes are
 * paired, and only the events where they disagree carry evidence about which is better (b: the
 * challenger right and the champion wrong; c: the reverse). Under "equally good" b is
 * Binomial(b + c, 1/2); the gate promotes when b is so large that this has probability at most
 * the significance level (one-sided). Dietterich (1998) found this test, among those that use one
 * test set, the one whose type-I error stays at its nominal level (T. G. Dietterich, "Approximate
 * Statistical Tests for Comparing Supervised Classification Learning Algorithms", Neural
 * Computation 10(7), 1998; Q. McNemar, "Note on the sampling error of the difference between
 * correlated proportions or percentages", Psychometrika 12(2), 1947). The exact form is used
 * because the disagreements are often few. A Hoeffding bound on the paired difference, as in
 * Hoeffding Adaptive Tree (Bifet and Gavaldà, 2009), holds for any outcome in [-1, 1] and ignores
 * that most events agree: it asks for a 17-point gain on 200 events at δ = 0.05, where McNemar's
 * test asks for what the disagreements support.
 *
 * <p>The {@linkplain GateResult#getBound() bound} it reports is the least accuracy gain that
 * counts as significant on these events: {@code (2 k - (b + c)) / n} for the smallest significant
 * count {@code k} of the challenger's wins among the {@code b + c} disagreements; when even all of
 * them would not be significant, the gain of the fewest one-sided disagreements that would be. A
 * challenger is promoted exactly when its gain {@code (b - c) / n} reaches the bound.
 *
 * <p>Immutable and thread-safe.
 */
final class Gate {
  private final GateSettings settings;

  Gate(GateSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * Judges a challenger against the serving version.
   *
   * @param champion whether the serving version got each event right; null when no version serves
   * @param challenger whether the challenger got each of the same events right
   * @throws IllegalArgumentException when the two are not scored on the same number of events, or on none
   */
  GateResult judge(boolean[] champion, boolean[] challenger) {
    Objects.requireNonNull(challenger, "challenger");
    int n = challenger.length;
    if (n == 0) {
      throw new IllegalArgumentException("the gate needs at least one event to judge on");
    }
    double challengerAccuracy = count(challenger) / (double) n;
    if (champion == null) {
      return result(n, null, challengerAccuracy, 0.0, true, String.format(Locale.ROOT,
          "no version serves: promoted with %.3f on %d events", challengerAccuracy, n));
    }
    if (champion.length != n) {
      throw new IllegalArgumentException("champion and challenger must be scored on the same events; got "
          + champion.length + " and " + n);
    }
    int wins = 0;
    int losses = 0;
    for (int i = 0; i < n; i++) {
      if (challenger[i] && !champion[i]) {
        wins++;
      } else if (champion[i] && !challenger[i]) {
        losses++;
      }
    }
    double championAccuracy = count(champion) / (double) n;
    double gain = (wins - losses) / (double) n;
    double bound = bound(wins + losses, n);
    if (n < settings.minEvents()) {
      return result(n, championAccuracy, challengerAccuracy, bound, false, String.format(Locale.ROOT,
          "kept the champion: %d events are fewer than the %d the gate needs (challenger %.3f vs champion %.3f)",
          n, settings.minEvents(), challengerAccuracy, championAccuracy));
    }
    boolean promoted = gain >= bound;
    String verdict = String.format(Locale.ROOT, "%s: challenger %.3f vs champion %.3f on %d events, gain %+.3f %s"
            + " bound %.3f (McNemar, %d vs %d disagreements, significance %s)",
        promoted ? "promoted" : "kept the champion", challengerAccuracy, championAccuracy, n, gain,
        promoted ? ">=" : "<", bound, wins, losses, settings.significance());
    return result(n, championAccuracy, challengerAccuracy, bound, promoted, verdict);
  }

  /** The least gain that is significant on {@code n} events with {@code disagreements} of them disagreeing. */
  double bound(int disagreements, int n) {
    int least = McNemar.leastSignificantWins(disagreements, settings.significance());
    if (least < 0) {
      // even all disagreements going the challenger's way would not do: the fewest that would
      int needed = (int) Math.ceil(Math.log(1 / settings.significance()) / Math.log(2));
      return Math.min(1.0, needed / (double) n);
    }
    return (2.0 * least - disagreements) / n;
  }

  /**
   * Challengers of version {@code parent} among {@code versions} that lost their gate: registered
   * with a gate result that did not promote them (or, registered before gates were recorded, as a
   * challenger).
   */
  static int lostBy(List<ModelVersion> versions, int parent) {
    int lost = 0;
    for (ModelVersion v : versions) {
      Lineage lineage = v.getLineage();
      if (lineage == null || lineage.getParentVersion() == null || lineage.getParentVersion() != parent) {
        continue;
      }
      if (lineage.getGate() != null ? !lineage.getGate().getPromoted() : Aliases.CHALLENGER.equals(v.getAlias())) {
        lost++;
      }
    }
    return lost;
  }

  private static int count(boolean[] outcomes) {
    int right = 0;
    for (boolean b : outcomes) {
      if (b) {
        right++;
      }
    }
    return right;
  }

  private static GateResult result(int n, Double champion, double challenger, double bound, boolean promoted,
      String verdict) {
    return GateResult.newBuilder().setEvents(n).setChampionAccuracy(champion).setChallengerAccuracy(challenger)
        .setBound(bound).setPromoted(promoted).setVerdict(verdict).build();
  }
}
