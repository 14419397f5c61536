package dev.plasticity.ops;

import dev.plasticity.inference.join.JoinConfig;
import dev.plasticity.inference.join.LabelJoinApp;
import dev.plasticity.inference.scoring.ScoringApp;
import dev.plasticity.inference.scoring.ScoringConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What {@code plasticity scoring} runs in one process: the {@link ScoringApp}, the {@link
 * LabelJoinApp}, or both, each its own Kafka Streams application with its own application id and
 * state directory. {@link #health()} reports each part under its {@link ScoringPart#id()};
 * {@link #close()} stops them, each leaving its consumer group so that other instances take its
 * partitions over at once.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
final class ScoringProcess implements AutoCloseable {
  /**
   * The configuration of the parts to run, read from the environment once before anything starts.
   *
   * @param scoring the scoring app's, when it runs
   * @param join the label join's, when it runs
   */
  record Config(Optional<ScoringConfig> scoring, Optional<JoinConfig> join) {
    Config {
      Objects.requireNonNull(scoring, "scoring");
      Objects.requireNonNull(join, "join");
      if (scoring.isEmpty() && join.isEmpty()) {
        throw new IllegalArgumentException("plasticity scoring runs at least one part (" + ScoringPart.names() + ")");
      }
    }

    /**
     * The configuration of {@code parts} in {@code env}: a part that does not run reads none of its
     * variables, so {@code --only join} needs no {@code PLASTICITY_SCORING_MODELS}.
     *
     * @throws IllegalArgumentException naming the variable that is missing or malformed
     */
    static Config from(Set<ScoringPart> parts, Map<String, String> env) {
      return new Config(
          parts.contains(ScoringPart.SCORING) ? Optional.of(ScoringConfig.fromEnvironment(env)) : Optional.empty(),
          parts.contains(ScoringPart.JOIN) ? Optional.of(JoinConfig.fromEnvironment(env)) : Optional.empty());
    }
  }

  private final Optional<ScoringApp> scoring;
  private final Optional<LabelJoinApp> join;

  private ScoringProcess(Optional<ScoringApp> scoring, Optional<LabelJoinApp> join) {
    this.scoring = scoring;
    this.join = join;
  }

  /**
   * Starts the configured parts.
   *
   * @param streamsOverrides extra Kafka Streams settings for both (e.g. {@code commit.interval.ms});
   *     each app keeps its own application id, state directory and exactly-once guarantee
   */
  static ScoringProcess start(Config config, Map<String, ?> streamsOverrides) {
    Optional<ScoringApp> scoring = config.scoring().map(c -> ScoringApp.start(c, streamsOverrides));
    try {
      Optional<LabelJoinApp> join = config.join().map(c -> LabelJoinApp.start(c, streamsOverrides));
      return new ScoringProcess(scoring, join);
    } catch (RuntimeException e) {
      scoring.ifPresent(ScoringApp::close);
      throw e;
    }
  }

  /** The scoring app, when it runs here. */
  Optional<ScoringApp> scoring() {
    return scoring;
  }

  /** The label join, when it runs here. */
  Optional<LabelJoinApp> join() {
    return join;
  }

  /** Each running part's health, scoring first. */
  List<ServiceHealth> health() {
    List<ServiceHealth> health = new ArrayList<>();
    scoring.ifPresent(app -> health.add(StreamsHealth.of(ScoringPart.SCORING.id(), app.state(), app.failure(),
        "scoring " + servedVersions(app) + "; " + app.counts())));
    join.ifPresent(app -> health.add(StreamsHealth.of(ScoringPart.JOIN.id(), app.state(), app.failure(),
        "joining labels; " + app.counters() + app.verifier().map(verifier -> "; " + verifier).orElse(""))));
    return health;
  }

  /** e.g. {@code fraud v3, churn (no version yet)}. */
  private static String servedVersions(ScoringApp app) {
    return app.config().models().stream().map(model -> {
      var version = app.servedVersion(model);
      return model + (version.isPresent() ? " v" + version.getAsInt() : " (no version yet)");
    }).collect(Collectors.joining(", "));
  }

  @Override
  public void close() {
    try {
      scoring.ifPresent(ScoringApp::close);
    } finally {
      join.ifPresent(LabelJoinApp::close);
    }
  }
}
