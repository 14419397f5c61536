package dev.plasticity.registry.server;

import static dev.plasticity.registry.server.ConsoleRecords.outcome;
import static dev.plasticity.registry.server.ConsoleRecords.trigger;
import static dev.plasticity.registry.server.ConsoleRecords.window;
import static dev.plasticity.registry.server.TestVersions.architecture;
import static dev.plasticity.registry.server.TestVersions.artifact;
import static dev.plasticity.registry.server.TestVersions.metadata;
import static dev.plasticity.registry.server.TestVersions.uniqueModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.RegistryJson;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.CandidateTrial;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Lineage;
import dev.plasticity.schemas.LiveOutcome;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TriggerSignal;
import dev.plasticity.testkit.KafkaBroker;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console against a real registry fed through a real broker, rendered by headless Chromium
 * (Debian's {@code /usr/bin/chromium}, or {@code -Dplasticity.chromium=PATH}); the browser parts are
 * skipped where there is none. The screenshot lands in {@code target/console/console.png}.
 */
class ConsoleTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  private static final Path CHROMIUM = Path.of(System.getProperty("plasticity.chromium", "/usr/bin/chromium"));
  private static final AvroCodec<DriftTrigger> TRIGGERS = AvroCodec.of(DriftTrigger.class);
  private static final AvroCodec<LiveOutcome> OUTCOMES = AvroCodec.of(LiveOutcome.class);
  private static final long MINUTE = 60_000;
  /** Event time of the first outcome: a whole minute. */
  private static final long T0 = 1_796_000_000_000L / MINUTE * MINUTE;
  private static final int EVENTS_PER_MINUTE = 20;
  private static final int MINUTES = 6;
  private static final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dataDir;
  @TempDir Path browserDir;

  @Test
  void feedsTheTriggerLogAndLiveAccuracyFromKafkaAndCountsWhatItSkips() throws Exception {
    String model = uniqueModel("console-api");
    try (RegistryServer server = RegistryServer.start(RegistryConfig.builder().dataDir(dataDir)
        .kafkaBootstrapServers(kafka.bootstrapServers()).build())) {
      populate(new RegistryClient(server.baseUri()), model);

      JsonNode triggers = json(server, "/api/models/" + model + "/triggers", null);
      assertThat(triggers.get("fed").asBoolean()).isTrue();
      assertThat(triggers.get("triggers")).hasSize(1);
      assertThat(triggers.get("triggers").get(0).get("triggerId").asText()).isEqualTo(model + "-t1");
      assertThat(triggers.get("triggers").get(0).get("evidence").get(0).get("test").asText()).isEqualTo("ERROR_RATE");

      JsonNode accuracy = json(server, "/api/models/" + model + "/live-accuracy", null);
      assertThat(accuracy.get("bucketMillis").asLong()).isEqualTo(MINUTE);
      JsonNode v1 = accuracy.get("versions").get(0);
      assertThat(v1.get("version").asInt()).isEqualTo(1);
      assertThat(v1.get("points")).hasSize(MINUTES);
      assertThat(v1.get("points").get(0).get("start").asLong()).isEqualTo(T0);
      assertThat(v1.get("points").get(0).get("events").asLong()).isEqualTo(EVENTS_PER_MINUTE);
      assertThat(v1.get("points").get(0).get("accuracy").asDouble()).isEqualTo(0.9);
      assertThat(v1.get("points").get(MINUTES - 1).get("accuracy").asDouble()).isEqualTo(0.6);

      String metrics = text(server, "/metrics", null).body();
      // the broker is the class's: other tests' records are read too
      assertThat(metrics).containsPattern("plasticity_registry_console_records_skipped_total\\{reason=\"undecodable\",topic=\""
          + Pattern.quote(Topics.DRIFT_TRIGGERS) + "\"} [1-9]");
      assertThat(metrics).containsPattern("plasticity_registry_console_records_total\\{topic=\"" + Pattern.quote(Topics.LIVE_OUTCOMES)
          + "\"} [1-9]");
      assertThat(text(server, "/api/models/no-such-model/triggers", null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void withoutKafkaTheViewsSayTheyAreNotFed() throws Exception {
    String model = uniqueModel("console-off");
    try (RegistryServer server = RegistryServer.start(TestVersions.inMemory(dataDir).build())) {
      new RegistryClient(server.baseUri()).ensureModel(model);

      assertThat(json(server, "/api/models/" + model + "/triggers", null).get("fed").asBoolean()).isFalse();
      assertThat(json(server, "/api/models/" + model + "/live-accuracy", null).get("versions")).isEmpty();
    }
  }

  @Test
  void showsModelsLineageAndTheAccuracyChartInChromium() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM);
    String model = uniqueModel("console");
    try (RegistryServer server = RegistryServer.start(RegistryConfig.builder().dataDir(dataDir)
        .kafkaBootstrapServers(kafka.bootstrapServers()).build())) {
      populate(new RegistryClient(server.baseUri()), model);
      String page = server.baseUri() + "/console#model=" + model;

      String dom = chromium("--dump-dom", page);

      assertThat(dom).contains("<a href=\"#model=" + model + "\"");
      String v2 = row(dom, "<tr class=\"version\" data-version=\"2\">");
      assertThat(v2).contains("champion").contains("v1") // its alias and its parent
          .contains(model + "-t1").contains("DRIFT") // its trigger
          .contains("architecture-search").contains("600 events") // strategy and data window
          .contains("2 candidates").contains("16×8").contains("breaks the latency budget");
      assertThat(dom).contains("<svg class=\"chart\" id=\"accuracy-chart\"");
      assertThat(count(dom, "<circle class=\"point\" data-version=\"1\"")).isEqualTo(MINUTES);
      assertThat(count(dom, "<circle class=\"point\" data-version=\"2\"")).isEqualTo(MINUTES);
      assertThat(dom).contains("class=\"marker drift\"").contains("class=\"marker swap\"").contains("swap v1→v2 (operator)");
      assertThat(dom).contains("<table id=\"history\"").contains("OPERATOR").contains("live accuracy of v2 is better");
      assertThat(dom).contains("<table id=\"triggers\"").contains("ERROR_RATE").contains("p=0.0004").contains("threshold 0.0100");

      assertThat(chromium("--dump-dom", server.baseUri() + "/console")).as("the page opens on the first model")
          .contains("<h2>" + model + "</h2>");

      Path screenshot = Path.of("target", "console", "console.png").toAbsolutePath();
      Files.createDirectories(screenshot.getParent());
      Files.deleteIfExists(screenshot);
      chromium("--screenshot=" + screenshot, "--window-size=1280,1250", "--hide-scrollbars", page);
      BufferedImage image = ImageIO.read(screenshot.toFile());
      assertThat(image).as("a PNG at %s", screenshot).isNotNull();
      assertThat(image.getWidth()).isEqualTo(1280);
      assertThat(distinctColours(image)).as("colours in the screenshot").isGreaterThan(16);
    }
  }

  @Test
  void theAliasHistoryOfAModelWithMoreChangesThanOneHistoryPageShowsItsNewestMoves() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM);
    String model = uniqueModel("console-long");
    try (RegistryServer server = RegistryServer.start(TestVersions.inMemory(dataDir).build())) {
      RegistryClient client = new RegistryClient(server.baseUri());
      client.ensureModel(model);
      client.register(metadata(model, "champion", null), artifact("v1"));
      client.register(metadata(model, "challenger", model + "-t1"), artifact("v2"));
      for (int move = 1; move <= 1_000; move++) { // with the registrations, more than the 1000 one request answers
        client.moveAlias(model, "shadow", move % 2 + 1, "shadow move " + move);
      }

      String dom = chromium("--dump-dom", server.baseUri() + "/console#model=" + model);

      assertThat(dom).contains("<table id=\"history\"").contains("shadow move 1000<").contains("shadow move 1<");
    }
  }

  @Test
  void withTokensThePageIsServedWithoutOneAsksForOneAndHoldsNoData() throws Exception {
    String model = uniqueModel("console-secured");
    try (RegistryServer server = RegistryServer.start(TestVersions.inMemory(dataDir)
        .namedTokens("viewer:read:s3cret-viewer,trainer:write:s3cret-trainer").build())) {
      new RegistryClient(server.baseUri(), Duration.ofSeconds(10), "s3cret-trainer").ensureModel(model);

      HttpResponse<String> page = text(server, "/console", null);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).doesNotContain(model);
      assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString().contains("default-src 'none'");
      assertThat(text(server, "/console/console.js", null).statusCode()).isEqualTo(200);
      assertThat(text(server, "/api/models/" + model + "/triggers", null).statusCode()).isEqualTo(401);
      assertThat(text(server, "/api/models/" + model + "/live-accuracy", null).statusCode()).isEqualTo(401);
      assertThat(text(server, "/api/models/" + model + "/triggers", "s3cret-viewer").statusCode()).isEqualTo(200);

      assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM);
      String dom = chromium("--dump-dom", server.baseUri() + "/console#model=" + model);
      assertThat(dom).contains("<section id=\"login\">").contains("<main id=\"main\" hidden=\"\">").doesNotContain(model);
    }
  }

  /**
   * Registers v1 (a first version) and v2 (trained by a search on a drift trigger, v1 its parent),
   * promotes v2, and feeds the triggers and outcomes topics: the trigger, six minutes of outcomes
   * (v1 served for three with 0.9, then v2 with v1 scoring alongside at 0.6), and one record that
   * is not a trigger; returns once the registry shows all of it.
   */
  private static void populate(RegistryClient client, String model) throws Exception {
    client.ensureModel(model);
    ModelVersion first = metadata(model, "champion", null);
    first.setLineage(Lineage.newBuilder().setStrategy("bootstrap").setReason("the model's first version").build());
    client.register(first, artifact("v1"));
    ModelVersion second = metadata(model, "challenger", model + "-t1");
    second.setLineage(Lineage.newBuilder()
        .setParentVersion(1).setTriggerId(model + "-t1").setSignal(TriggerSignal.DRIFT)
        .setStrategy("architecture-search").setReason("concept drift: search around the champion")
        .setWindow(window(T0 + MINUTE, T0 + 2 * MINUTE + 30_000, 600))
        .setCandidates(List.of(
            CandidateTrial.newBuilder().setArchitecture(architecture(List.of(16, 8))).setParameters(226).setMultiplyAdds(208)
                .setEpochs(5).setScore(0.91).build(),
            CandidateTrial.newBuilder().setArchitecture(architecture(List.of(512, 512))).setParameters(264_706)
                .setMultiplyAdds(264_192).setRejection("breaks the latency budget").build()))
        .build());
    client.register(second, artifact("v2"));
    client.promote(model, 2, "live accuracy of v2 is better");

    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(Topics.DRIFT_TRIGGERS, model, TRIGGERS.encode(trigger(model, model + "-t1", 1,
          T0 + 2 * MINUTE + 30_000)))).get(); // drift seen half a minute before v2 serves
      producer.send(new ProducerRecord<>(Topics.DRIFT_TRIGGERS, model, "not a trigger".getBytes(StandardCharsets.UTF_8))).get();
      for (int minute = 0; minute < MINUTES; minute++) {
        boolean swapped = minute >= MINUTES / 2;
        for (int i = 0; i < EVENTS_PER_MINUTE; i++) {
          long at = T0 + minute * MINUTE + i * 1_000;
          boolean v1Right = i < (swapped ? 12 : 18);
          boolean v2Right = i < (swapped ? 19 : 17);
          LiveOutcome outcome = swapped
              ? outcome(model, at, new int[] {2, 1}, new boolean[] {v2Right, v1Right})
              : outcome(model, at, new int[] {1, 2}, new boolean[] {v1Right, v2Right});
          producer.send(new ProducerRecord<>(Topics.LIVE_OUTCOMES, model, OUTCOMES.encode(outcome)));
        }
      }
      producer.flush();
    }
    URI base = client.baseUri();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // a bound on waiting, not a measurement
    while (true) {
      JsonNode triggers = json(base, "/api/models/" + model + "/triggers", null);
      JsonNode accuracy = json(base, "/api/models/" + model + "/live-accuracy", null);
      long events = 0;
      for (JsonNode version : accuracy.get("versions")) {
        for (JsonNode point : version.get("points")) {
          events += point.get("events").asLong();
        }
      }
      if (triggers.get("triggers").size() == 1 && events == 2L * MINUTES * EVENTS_PER_MINUTE) {
        return;
      }
      assertThat(System.nanoTime()).as("the registry shows the trigger and every outcome within 60 s").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  /** Runs headless Chromium on {@code args} and answers what it printed on standard output. */
  private String chromium(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + browserDir, "--virtual-time-budget=4000"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(browserDir, "stdout", ".html");
    Path err = Files.createTempFile(browserDir, "stderr", ".txt");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("Chromium did not finish in 90 s: " + Files.readString(err));
    }
    assertThat(process.exitValue()).as("Chromium's exit status; stderr: %s", Files.readString(err)).isZero();
    return Files.readString(out);
  }

  private static String row(String dom, String start) {
    int from = dom.indexOf(start);
    assertThat(from).as("%s in the page", start).isNotNegative();
    return dom.substring(from, dom.indexOf("</tr></tbody></table></details>", from) > 0
        ? dom.indexOf("<tr class=\"version\"", from + start.length()) < 0 ? dom.length()
            : dom.indexOf("<tr class=\"version\"", from + start.length())
        : dom.length());
  }

  private static int count(String text, String part) {
    Matcher matcher = Pattern.compile(Pattern.quote(part)).matcher(text);
    int n = 0;
    while (matcher.find()) {
      n++;
    }
    return n;
  }

  private static int distinctColours(BufferedImage image) {
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        colours.add(image.getRGB(x, y));
      }
    }
    return colours.size();
  }

  private static JsonNode json(RegistryServer server, String path, String token) throws Exception {
    return json(server.baseUri(), path, token);
  }

  private static JsonNode json(URI base, String path, String token) throws Exception {
    HttpResponse<String> response = text(base, path, token);
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return RegistryJson.mapper().readTree(response.body());
  }

  private static HttpResponse<String> text(RegistryServer server, String path, String token) throws Exception {
    return text(server.baseUri(), path, token);
  }

  private static HttpResponse<String> text(URI base, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
