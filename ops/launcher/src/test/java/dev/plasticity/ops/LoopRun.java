package dev.plasticity.ops;

import dev.plasticity.ops.demo.Demo;
import dev.plasticity.ops.demo.DemoReport;
import dev.plasticity.streamjobs.DriftJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/** Runs the demo's loop on an embedded stack wired to a test's broker, echoing its console. */
final class LoopRun {
  private LoopRun() {}

  /**
   * What the demo reported, what it printed (plain lines, as without a terminal), and what each of
   * the stack's metrics endpoints answered Prometheus at the end of the run, by part.
   */
  record Result(DemoReport report, String console, Map<String, String> scrapes) {}

  /**
   * Runs the loop with the trainer's cadence off: these runs are about what a drift trigger does,
   * and a cadence update (tested on its own in the trainer) may otherwise answer the drift first or
   * serve a version of its own.
   */
  static Result run(Path dir, String bootstrapServers, Demo.Settings settings) throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    EmbeddedStack.Options options = EmbeddedStack.Options.defaults(dir).withExternalKafka(bootstrapServers)
        .withJoin(Demo.JOIN).withTrainer(trainer -> trainer.cadenceEvents(0));
    try (EmbeddedStack stack = EmbeddedStack.start(options, OptionalInt.of(DriftJob.prometheusPort(0)))) {
      DemoReport report = new Demo(settings, stack, new PrintStream(console, true, StandardCharsets.UTF_8)).run();
      Map<String, String> scrapes = new LinkedHashMap<>();
      for (Map.Entry<String, URI> endpoint : stack.metricsEndpoints().entrySet()) {
        scrapes.put(endpoint.getKey(), scrape(endpoint.getValue()));
      }
      return new Result(report, console.toString(StandardCharsets.UTF_8), scrapes);
    } finally {
      System.out.println(console.toString(StandardCharsets.UTF_8));
    }
  }

  /** What {@code uri} answers Prometheus; an endpoint that does not answer 200 fails the run. */
  private static String scrape(URI uri) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError(uri + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }
}
