package dev.plasticity.ops.demo;

import java.io.PrintStream;

/** Timestamped lines for people watching the demo. Thread-safe. */
final class Console {
  private final PrintStream out;
  private final long started = System.nanoTime();

  Console(PrintStream out) {
    this.out = out;
  }

  synchronized void say(String format, Object... args) {
    out.printf("[%6.1fs] %s%n", seconds(), String.format(format, args));
    out.flush();
  }

  double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }
}
