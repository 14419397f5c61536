package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.inference.join.JoinSettings;
import dev.plasticity.inference.join.LabelJoinApp;
import dev.plasticity.inference.scoring.ScoringConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code plasticity scoring}: its {@code --only} option, the configuration of each part, and how health reads a part. */
class ScoringCommandTest {
  private static ServiceCommands.Scoring parse(String... args) {
    String[] line = new String[args.length + 1];
    line[0] = "scoring";
    System.arraycopy(args, 0, line, 1, args.length);
    return (ServiceCommands.Scoring) new CommandLine(new Plasticity()).parseArgs(line).subcommand().commandSpec()
        .userObject();
  }

  @Test
  void withoutOnlyBothPartsRun() {
    assertThat(parse().parts()).containsExactly(ScoringPart.SCORING, ScoringPart.JOIN);
  }

  @Test
  void onlyRunsTheNamedPart() {
    assertThat(parse("--only", "scoring").parts()).containsExactly(ScoringPart.SCORING);
    assertThat(parse("--only", "join").parts()).containsExactly(ScoringPart.JOIN);
  }

  @Test
  void anUnknownPartIsABadOptionValueNamingTheParts() {
    assertThatThrownBy(() -> parse("--only", "labels"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("'--only'")
        .hasMessageContaining("no part of plasticity scoring is named 'labels'; the parts are scoring, join");
  }

  @Test
  void bothPartsReadTheirOwnVariablesAndShareKafkasAddress() {
    ScoringProcess.Config config = ScoringProcess.Config.from(EnumSet.allOf(ScoringPart.class), Map.of(
        "PLASTICITY_KAFKA_BOOTSTRAP", "kafka:9092",
        "PLASTICITY_SCORING_MODELS", "fraud, churn",
        "PLASTICITY_SCORING_STATE_DIR", "/state/scoring",
        "PLASTICITY_JOIN_WINDOW", "6h",
        "PLASTICITY_JOIN_GRACE", "0",
        "PLASTICITY_JOIN_STATE_DIR", "/state/join"));

    ScoringConfig scoring = config.scoring().orElseThrow();
    assertThat(scoring.bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(scoring.models()).containsExactly("fraud", "churn");
    assertThat(scoring.applicationId()).isEqualTo(ScoringConfig.DEFAULT_APPLICATION_ID);
    assertThat(scoring.stateDir()).isEqualTo(Path.of("/state/scoring"));
    var join = config.join().orElseThrow();
    assertThat(join.bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(join.applicationId()).isEqualTo(LabelJoinApp.DEFAULT_APPLICATION_ID);
    assertThat(join.stateDir()).isEqualTo(Path.of("/state/join"));
    assertThat(join.settings()).isEqualTo(new JoinSettings(Duration.ofHours(6), Duration.ZERO));
  }

  @Test
  void theJoinAloneNeedsNoModels() {
    ScoringProcess.Config config = ScoringProcess.Config.from(EnumSet.of(ScoringPart.JOIN), Map.of());

    assertThat(config.scoring()).isEmpty();
    assertThat(config.join()).isPresent();
  }

  @Test
  void scoringWithoutModelsIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> ScoringProcess.Config.from(EnumSet.allOf(ScoringPart.class), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PLASTICITY_SCORING_MODELS");
  }

  @Test
  void aMalformedJoinVariableIsRefusedBeforeAnythingStarts() {
    assertThatThrownBy(() -> ScoringProcess.Config.from(EnumSet.allOf(ScoringPart.class),
        Map.of("PLASTICITY_SCORING_MODELS", "fraud", "PLASTICITY_JOIN_WINDOW", "forever")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("PLASTICITY_JOIN_WINDOW must be a duration");
  }

  @Test
  void theHelpListsEveryVariableOfBothPartsOnceWithTheHealthEndpoints() {
    String help = Plasticity.commandLine().getSubcommands().get("scoring").getUsageMessage();

    assertThat(help).contains("--only", "PLASTICITY_SCORING_MODELS", "PLASTICITY_SCORING_APPLICATION_ID",
        "PLASTICITY_JOIN_WINDOW (default 24h)", "PLASTICITY_JOIN_GRACE (default 5m)", "PLASTICITY_JOIN_APPLICATION_ID",
        "PLASTICITY_JOIN_STATE_DIR", "PLASTICITY_HEALTH_PORT", "PLASTICITY_MAX_RECORD_BYTES");
    assertThat(help.split("PLASTICITY_KAFKA_BOOTSTRAP", -1)).as("PLASTICITY_KAFKA_BOOTSTRAP listed once").hasSize(2);
  }

  @Test
  void aRunningAppIsUpAndOneOnItsWayIsRecovering() {
    assertThat(StreamsHealth.of("join", KafkaStreams.State.RUNNING, Optional.empty(), "joining").up()).isTrue();
    for (KafkaStreams.State starting : List.of(KafkaStreams.State.CREATED, KafkaStreams.State.REBALANCING)) {
      ServiceHealth health = StreamsHealth.of("join", starting, Optional.empty(), "joining");
      assertThat(health.state()).as("%s", starting).isEqualTo(ServiceHealth.State.RECOVERING);
    }
  }

  @Test
  void aFailedOrClosedAppIsStoppedAndAFailureNamesItsCause() {
    for (KafkaStreams.State ended : List.of(KafkaStreams.State.PENDING_ERROR, KafkaStreams.State.ERROR,
        KafkaStreams.State.PENDING_SHUTDOWN, KafkaStreams.State.NOT_RUNNING)) {
      assertThat(StreamsHealth.of("scoring", ended, Optional.empty(), "scoring").stopped()).as("%s", ended).isTrue();
    }
    ServiceHealth failed = StreamsHealth.of("scoring", KafkaStreams.State.RUNNING,
        Optional.of(new IllegalStateException("subscription to model.versions died")), "scoring");
    assertThat(failed.stopped()).isTrue();
    assertThat(failed.detail()).startsWith("failed: ").contains("subscription to model.versions died");
  }
}
