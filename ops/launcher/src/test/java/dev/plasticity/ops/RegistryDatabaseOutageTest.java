package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.RegistryException;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.TrainingPhase;
import dev.plasticity.testkit.FaultRecord;
import dev.plasticity.testkit.KafkaBroker;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainerService;
import dev.plasticity.trainer.TrainingOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's PostgreSQL goes away at the worst moment, the instant a new version's row is
 * inserted, and comes back: the registry runs on the PostgreSQL at 127.0.0.1:5432 through a {@link
 * TcpProxy} that resets every connection the moment the INSERT would reach the database, and
 * refuses new ones until the test restores it. Meanwhile the registry says its database is down
 * (health 503) and answers requests that need it with 503; the trainer retries the trigger as
 * configured; once the database is back the version lands, exactly once. Skipped when no
 * PostgreSQL answers.
 */
@Timeout(240)
class RegistryDatabaseOutageTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  private static final String DATABASE = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  @Test
  void aRegistrationCutOffFromTheDatabaseIsRetriedAndLandsOnce() throws Exception {
    String user = reachableUser();
    String schema = "outage_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String model = "outage-" + schema.substring(7, 13);
    String triggerId = "manual-" + model;
    execute(user, "CREATE SCHEMA " + schema);
    long t0 = System.currentTimeMillis() - 60_000;
    BlockingQueue<TrainingOutcome> outcomes = new LinkedBlockingQueue<>();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", 5432);
        RegistryServer registry = RegistryServer.start(RegistryConfig.builder()
            .jdbc("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test?currentSchema=" + schema, user, null)
            .artifactDir(dir.resolve("artifacts")).httpPort(0).kafkaBootstrapServers(kafka.bootstrapServers())
            .publishRetryInterval(Duration.ofMillis(200)).build());
        TrainerService trainer = TrainerService.create(TrainerConfig.builder(kafka.bootstrapServers(), registry.baseUri())
            .groupId("trainer-" + model).strategy("retrain").trainingEvents(600).minTrainingEvents(200)
            .dataWait(Duration.ofSeconds(30)).epochs(3).hiddenUnits(List.of(8)).cadenceEvents(0)
            // an outage outlasts the default three attempts (5 s, then 10 s apart); here it may take as many as it needs
            .maxAttempts(50).retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)).build(), meters)) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel(model);
      FaultFixtures.publishEvents(kafka.bootstrapServers(), model, t0, 600);
      assertThat(health(registry.baseUri()).statusCode()).as("health before the outage").isEqualTo(200);

      proxy.cutWhenClientSends("INSERT INTO model_versions");
      trainer.onOutcome(outcomes::add).start();
      FaultFixtures.requestFirstVersion(kafka.bootstrapServers(), model, triggerId, t0, 600);

      await(() -> proxy.cuts() == 1, "the registry's INSERT of the new version reaches the proxy, which cuts");
      // the trainer's next attempts meet a registry without its database
      await(() -> retries(meters) >= 3, "the trainer has failed three attempts at the trigger and retries it");
      HttpResponse<String> down = health(registry.baseUri());
      RegistryException write = catchThrowableOfType(RegistryException.class, () -> client.ensureModel(model + "-other"));
      RegistryException read = catchThrowableOfType(RegistryException.class, () -> client.versions(model));
      int refusedDuringOutage = proxy.refused();

      proxy.restore();
      TrainingOutcome outcome = outcomes.poll(2, TimeUnit.MINUTES);

      assertThat(outcome).as("the trainer's outcome once the database is back").isNotNull();
      ModelVersion landed = outcome.version().orElseThrow(() -> new AssertionError(outcome.toString()));
      List<ModelVersion> versions = client.versions(model);
      List<TrainingPhase> phases = FaultFixtures.progress(kafka.bootstrapServers(), triggerId);
      FaultRecord.of("registry-database-outage", getClass(), "aRegistrationCutOffFromTheDatabaseIsRetriedAndLandsOnce")
          .expect("GET /health while the database is cut off", 503, down.statusCode())
          .expect("/health says why", true, down.body().contains("database unreachable"))
          .expect("a write (PUT a model) while cut off", 503, write == null ? null : write.status())
          .expect("the write's answer names the database", true, write != null && write.getMessage().contains("database is unreachable"))
          .expect("a read (GET versions) while cut off", 503, read == null ? null : read.status())
          .expect("GET /health once restored", 200, health(registry.baseUri()).statusCode())
          .expect("versions of the model", 1, versions.size())
          .expect("the version's lineage trigger id", triggerId, versions.get(0).getLineage().getTriggerId().toString())
          .expect("the version the trainer was told", versions.get(0).getVersion(), landed.getVersion())
          .expect("rows for the trigger in the database's model_versions", 1L,
              count(user, "SELECT count(*) FROM " + schema + ".model_versions WHERE trigger_id = ?", triggerId))
          .expect("REGISTERED progress records for the trigger", 1L, FaultFixtures.count(phases, TrainingPhase.REGISTERED))
          .expect("rows for the model the refused write named", 0L,
              count(user, "SELECT count(*) FROM " + schema + ".models WHERE name = ?", model + "-other"))
          .count("attempts that failed and were retried (plasticity_trainer_retries_total)", (long) retries(meters))
          .count("runs that reached STARTED (the others failed at their first registry read)",
              FaultFixtures.count(phases, TrainingPhase.STARTED))
          .count("connections reset on arrival while cut off", refusedDuringOutage)
          .count("connections forwarded to PostgreSQL", proxy.accepted())
          .count("artifact files on the registry's disk", artifactFiles(dir.resolve("artifacts")))
          .write();
    } finally {
      execute(user, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /** Stored artifacts: files named by a SHA-256. A failed upload whose database check could not run stays on disk. */
  private static long artifactFiles(Path artifacts) throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(artifacts)) {
      return files.filter(java.nio.file.Files::isRegularFile)
          .filter(f -> f.getFileName().toString().matches("[0-9a-f]{64}")).count();
    }
  }

  private static double retries(SimpleMeterRegistry meters) {
    Counter counter = meters.find("plasticity.trainer.retries").counter();
    return counter == null ? 0 : counter.count();
  }

  private static HttpResponse<String> health(URI registry) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(registry.resolve("/health")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code sql} (a count with one parameter) run on the database directly, not through the proxy. */
  private static long count(String user, String sql, String parameter) throws SQLException {
    try (Connection c = DriverManager.getConnection(DATABASE, user, null); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, parameter);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void execute(String user, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(DATABASE, user, null); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String reachableUser() {
    SQLException last = null;
    for (String candidate : new String[] {"postgres", System.getProperty("user.name")}) {
      try (Connection c = DriverManager.getConnection(DATABASE + "?connectTimeout=3", candidate, null)) {
        return candidate;
      } catch (SQLException e) {
        last = e;
      }
    }
    abort("no PostgreSQL at " + DATABASE + ": " + last.getMessage());
    return null;
  }

  /** Waits (bounded, for liveness only) until {@code condition} holds. */
  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("gave up waiting until " + what);
      }
      Thread.sleep(100);
    }
  }
}
