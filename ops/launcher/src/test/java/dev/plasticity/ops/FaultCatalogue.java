package dev.plasticity.ops;

import java.util.List;
import java.util.Optional;

/**
 * Every fault case the suite runs: the fault, the test that injects it, where it runs, and what it
 * asserts. {@link FaultReport} lists them all in {@code docs/reports/faults.md}, with the checks
 * and counts each test recorded in its last run ({@link dev.plasticity.testkit.FaultRecord}); {@code
 * docs/faults.md} says, per case, how the system behaves and how an operator recovers.
 */
final class FaultCatalogue {
  /** Where a case's test runs. */
  enum Build {
    /** In {@code mvn -B verify}, as every other test. */
    DEFAULT,
    /** Only with {@code -Pfaults}. */
    FAULTS_PROFILE;

    String describe() {
      return switch (this) {
        case DEFAULT -> "default build";
        case FAULTS_PROFILE -> "-Pfaults only";
      };
    }
  }

  /**
   * One fault case.
   *
   * @param id the fragment's name ({@code target/faults/<id>.json}) and the anchor in {@code docs/faults.md}
   * @param fault what goes wrong, in words
   * @param test {@code Class#method}
   * @param module the Maven module whose tests hold it
   * @param asserts what the test asserts, in words
   */
  record FaultCase(String id, String fault, String test, String module, Build build, List<String> asserts) {
    FaultCase {
      asserts = List.copyOf(asserts);
    }
  }

  static final List<FaultCase> CASES = List.of(
      new FaultCase("trainer-killed-mid-run",
          "a trainer replica is killed with SIGKILL while it trains a trigger; a second replica of its consumer group is running",
          "TrainerKillTest#aTriggerWhoseTrainerIsKilledMidRunIsTrainedOnceByTheOtherReplica", "ops/launcher", Build.DEFAULT,
          List.of("the killed replica was in the TRAINING phase of the trigger and had registered nothing",
              "the other replica trains the trigger after the killed member leaves the group",
              "exactly one version is registered, and its lineage names the trigger",
              "exactly one REGISTERED progress record for the trigger")),
      new FaultCase("registry-database-outage",
          "the registry's PostgreSQL becomes unreachable (connections reset by a TCP proxy) at the moment a version is inserted, and comes back",
          "RegistryDatabaseOutageTest#aRegistrationCutOffFromTheDatabaseIsRetriedAndLandsOnce", "ops/launcher", Build.DEFAULT,
          List.of("/health answers 503 'database unreachable' while the database is cut off, 200 after",
              "writes and reads answer 503 with Retry-After, naming the database",
              "the trainer retries the trigger (its attempts are counted) and the version lands once the database is back",
              "exactly one version for the trigger, in the registry's API and in the database's table",
              "skipped when no PostgreSQL answers at 127.0.0.1:5432")),
      new FaultCase("corrupted-artifact",
          "a registered champion's artifact rots on the registry's disk",
          "RejectedVersionLoopTest#aChampionInferenceRejectsIsReportedReplacedAndNeverTheBaseOfTheNextRun", "ops/launcher",
          Build.DEFAULT,
          List.of("inference rejects the version (checksum) and keeps serving the one before",
              "the rejection is reported to and recorded by the registry, which announces the previous champion again",
              "a trigger naming the rotten version as its base is trained from the last version that served")),
      new FaultCase("trainer-sigterm",
          "a trainer is stopped with SIGTERM, as an orchestrator stops it",
          "TrainerShutdownTest#aTrainerStoppedWithSigtermLeavesItsConsumerGroupBeforeItsProcessEnds", "ops/launcher",
          Build.DEFAULT,
          List.of("the process ends with status 143 within the shutdown wait",
              "its consumer has left the group when the process has ended (no session timeout to wait for)")),
      new FaultCase("scoring-killed-mid-stream",
          "the scoring process (scoring app and label join) is killed with SIGKILL while events and labels stream in, then started again",
          "ScoringKillTest#aScoringProcessKilledMidStreamAndStartedAgainPredictsAndLabelsEveryEventExactlyOnce", "ops/launcher",
          Build.DEFAULT,
          List.of("every event is predicted exactly once in the committed output",
              "every event is labelled exactly once in the committed output")),
      new FaultCase("registry-killed-after-confirm",
          "the registry JVM is killed with SIGKILL right after it answered 201, three times",
          "RegistryCrashTest#aConfirmedVersionSurvivesAKillRightAfterTheAnswerAndItsNumberIsNeverIssuedAgain",
          "model-registry/server", Build.DEFAULT,
          List.of("after each restart the confirmed version and its artifact are there",
              "the next registration gets the next number: a number is never issued twice")),
      new FaultCase("drift-job-restored-from-checkpoint",
          "the drift job is stopped and started again from its last retained checkpoint",
          "DriftJobRecoveryTest#aJobRestartedFromItsCheckpointRaisesExactlyOneTriggerPerDrift", "stream-jobs", Build.DEFAULT,
          List.of("a model that triggered before the stop is kept quiet by the restored cooldown",
              "a drift that arrives after the restart triggers once: exactly one trigger per drift")),
      new FaultCase("broker-restarted-under-load",
          "the Kafka broker is stopped and started again on the same address while the scoring process scores a stream that keeps arriving",
          "BrokerRestartTest#aBrokerRestartedUnderLoadLosesAndRepeatsNothingAndTheScoringProcessCarriesOn", "ops/launcher",
          Build.DEFAULT,
          List.of("the scoring process is not restarted and is healthy afterwards",
              "every event is predicted exactly once in the committed output",
              "every event is labelled exactly once in the committed output")),
      new FaultCase("malformed-input",
          "noise, text, JSON, truncated and gigabyte-claiming records on every topic the services read, and triggers that cannot be trained",
          "StackFuzzTest#everyBadRecordIsDeadLetteredAndEveryServiceStaysUp", "ops/launcher", Build.DEFAULT,
          List.of("every bad record ends on a dead-letter topic with a reason",
              "every service is healthy afterwards")));

  private FaultCatalogue() {}

  static Optional<FaultCase> find(String id) {
    return CASES.stream().filter(c -> c.id().equals(id)).findFirst();
  }
}
