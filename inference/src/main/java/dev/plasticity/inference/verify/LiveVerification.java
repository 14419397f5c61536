package dev.plasticity.inference.verify;

import dev.plasticity.inference.AliasRole;
import dev.plasticity.schemas.LiveOutcome;
import dev.plasticity.schemas.VersionOutcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The watches of live verification, without Kafka or the registry: reads {@link LiveOutcome}s and
 * says when a new champion has won or lost against the version it replaced.
 *
 * <p>An outcome that holds the served prediction of the {@code champion}, version N, and the
 * prediction of the {@code previous} alias, version M (the outgoing champion, scored without
 * answering during the watch after a swap), is one paired event of the watch (model, N, M). Each
 * watch runs its own {@link DiscordantPairSprt}; it ends at the test's verdict, or without one after
 * {@link VerifySettings#maxPairedEvents()} paired events, and an ended watch ignores later pairs
 * (a decision is made once). Outcomes without such a pair (no watch running: only the champion, or
 * a shadow) are skipped. When a model's champion changes again during a watch, the first paired
 * event of the new watch ends the older ones of that model without a decision. After a rollback
 * ({@link #rolledBack}) the watch of the restored champion against the loser is not run.
 *
 * <p>Not thread-safe: one consumer thread feeds it.
 */
final class LiveVerification {
  /** How many ended watches are remembered, so that their late pairs are ignored. */
  private static final int ENDED_REMEMBERED = 1024;

  private final VerifySettings settings;
  private final Map<WatchKey, Watch> running = new HashMap<>();
  private final Set<WatchKey> ended = new LinkedHashSet<>();

  LiveVerification(VerifySettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** One watch: a model's champion {@code newVersion} against the champion before it, {@code oldVersion}. */
  record WatchKey(String model, int newVersion, int oldVersion) {}

  /**
   * How a watch ended.
   *
   * @param verdict LOST or WON when the test decided; UNDECIDED when the cap was reached first
   * @param pairedEvents events scored by both versions and labelled
   * @param newCorrect of those, the ones the new version got right
   * @param oldCorrect of those, the ones the old version got right
   * @param newWrongOldRight discordant events the new version lost
   * @param newRightOldWrong discordant events the new version won
   */
  record Decision(WatchKey watch, Verdict verdict, long pairedEvents, long newCorrect, long oldCorrect,
      long newWrongOldRight, long newRightOldWrong, VerifySettings settings) {
    /** The reason recorded with a rollback, and logged: the test, its rates, the counts and accuracies. */
    String reason() {
      String outcome = switch (verdict) {
        case LOST -> "version " + watch.newVersion() + " is worse than version " + watch.oldVersion();
        case WON -> "version " + watch.newVersion() + " is not worse than version " + watch.oldVersion();
        case UNDECIDED -> "no verdict on version " + watch.newVersion() + " against version " + watch.oldVersion()
            + " within the cap of " + settings.maxPairedEvents() + " paired events";
      };
      return String.format(Locale.ROOT, "live verification (Wald SPRT on discordant pairs, alpha %s, beta %s, "
              + "delta %s): %s; over %d paired events, accuracy v%d %.3f (%d right), v%d %.3f (%d right); "
              + "v%d wrong where v%d right %d, v%d right where v%d wrong %d",
          settings.alpha(), settings.beta(), settings.delta(), outcome, pairedEvents,
          watch.newVersion(), accuracy(newCorrect), newCorrect, watch.oldVersion(), accuracy(oldCorrect), oldCorrect,
          watch.newVersion(), watch.oldVersion(), newWrongOldRight, watch.newVersion(), watch.oldVersion(),
          newRightOldWrong);
    }

    private double accuracy(long correct) {
      return pairedEvents == 0 ? 0 : (double) correct / pairedEvents;
    }
  }

  private static final class Watch {
    final DiscordantPairSprt test;
    long paired;
    long newCorrect;
    long oldCorrect;

    Watch(VerifySettings settings) {
      test = new DiscordantPairSprt(settings);
    }
  }

  /** The watches {@code outcome} ended, if any (usually none; one when its pair decided a watch). */
  List<Decision> onOutcome(LiveOutcome outcome) {
    VersionOutcome champion = null;
    for (VersionOutcome version : outcome.getOutcomes()) {
      if (version.getServed() && role(version) == AliasRole.CHAMPION) {
        champion = version;
        break;
      }
    }
    if (champion == null) {
      return List.of();
    }
    List<Decision> decisions = new ArrayList<>(1);
    for (VersionOutcome previous : outcome.getOutcomes()) {
      if (previous.getServed() || role(previous) != AliasRole.PREVIOUS
          || previous.getVersion() == champion.getVersion()) {
        continue;
      }
      WatchKey key = new WatchKey(outcome.getModel(), champion.getVersion(), previous.getVersion());
      Decision decision = pair(key, champion.getCorrect(), previous.getCorrect());
      if (decision != null) {
        decisions.add(decision);
      }
    }
    return decisions;
  }

  /**
   * {@code lost}'s new champion was rolled back and {@code restored} serves again: the watch that
   * swap starts, {@code restored} against the version that just lost, is not run. The two were
   * judged once; judged again the other way round, a false LOST (at rate alpha) would roll the
   * restored champion back as well, past the version the first verdict kept.
   */
  void rolledBack(WatchKey lost, int restored) {
    WatchKey reverse = new WatchKey(lost.model(), restored, lost.newVersion());
    running.remove(reverse);
    remember(reverse);
  }

  /** The role {@code version} scored the event in; null for an alias no scoring app writes. */
  private static AliasRole role(VersionOutcome version) {
    return AliasRole.ofPrediction(version.getAlias()).orElse(null);
  }

  /** Watches running now, for tests and logs. */
  Set<WatchKey> running() {
    return Set.copyOf(running.keySet());
  }

  private Decision pair(WatchKey key, boolean newCorrect, boolean oldCorrect) {
    if (ended.contains(key)) {
      return null;
    }
    Watch watch = running.get(key);
    if (watch == null) {
      supersede(key);
      watch = new Watch(settings);
      running.put(key, watch);
    }
    watch.paired++;
    watch.newCorrect += newCorrect ? 1 : 0;
    watch.oldCorrect += oldCorrect ? 1 : 0;
    Verdict verdict = watch.test.update(newCorrect, oldCorrect);
    if (verdict == Verdict.UNDECIDED && watch.paired < settings.maxPairedEvents()) {
      return null;
    }
    end(key);
    return new Decision(key, verdict, watch.paired, watch.newCorrect, watch.oldCorrect,
        watch.test.newWrongOldRight(), watch.test.newRightOldWrong(), settings);
  }

  /** Ends the running watches of {@code key}'s model: its champion has changed since they began. */
  private void supersede(WatchKey key) {
    for (Iterator<WatchKey> it = running.keySet().iterator(); it.hasNext(); ) {
      WatchKey other = it.next();
      if (other.model().equals(key.model())) {
        it.remove();
        remember(other);
      }
    }
  }

  private void end(WatchKey key) {
    running.remove(key);
    remember(key);
  }

  private void remember(WatchKey key) {
    ended.add(key);
    if (ended.size() > ENDED_REMEMBERED) {
      Iterator<WatchKey> oldest = ended.iterator();
      oldest.next();
      oldest.remove();
    }
  }
}
