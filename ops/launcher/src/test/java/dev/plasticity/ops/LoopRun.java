package dev.plasticity.ops;

import dev.plasticity.ops.demo.Demo;
import dev.plasticity.ops.demo.DemoReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs the demo's loop on an embedded stack wired to a test's broker, echoing its console. */
final class LoopRun {
  private LoopRun() {}

  /** What the demo reported, and what it printed (plain lines, as without a terminal). */
  record Result(DemoReport report, String console) {}

  /**
   * Runs the loop with the trainer's cadence off: these runs are about what a drift trigger does,
   * and a cadence update (tested on its own in the trainer) may otherwise answer the drift first or
   * serve a version of its own.
   */
  static Result run(Path dir, String bootstrapServers, Demo.Settings settings) throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    EmbeddedStack.Options options = EmbeddedStack.Options.defaults(dir).withExternalKafka(bootstrapServers)
        .withJoin(Demo.JOIN).withTrainer(trainer -> trainer.cadenceEvents(0));
    try (EmbeddedStack stack = EmbeddedStack.start(options)) {
      DemoReport report = new Demo(settings, stack, new PrintStream(console, true, StandardCharsets.UTF_8)).run();
      return new Result(report, console.toString(StandardCharsets.UTF_8));
    } finally {
      System.out.println(console.toString(StandardCharsets.UTF_8));
    }
  }
}
