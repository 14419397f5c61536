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

  static DemoReport run(Path dir, String bootstrapServers, Demo.Settings settings) throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    EmbeddedStack.Options options = EmbeddedStack.Options.defaults(dir).withExternalKafka(bootstrapServers);
    try (EmbeddedStack stack = EmbeddedStack.start(options)) {
      return new Demo(settings, stack, new PrintStream(console, true, StandardCharsets.UTF_8)).run();
    } finally {
      System.out.println(console.toString(StandardCharsets.UTF_8));
    }
  }
}
