package dev.plasticity.ops.demo;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * Timestamped lines for people watching the demo. A live console (a terminal) also keeps one
 * status line at the bottom, redrawn in place and kept below every line printed after it; a plain
 * one (a log file, CI) prints lines only and ignores the status. Thread-safe.
 */
public final class Console {
  /** Moves to the start of the line and erases it (VT100; every terminal emulator in use reads it). */
  static final String ERASE_LINE = "\r\033[2K";

  private final PrintStream out;
  private final boolean live;
  private final LongSupplier nanoTime;
  private final long started;
  private String status;

  /**
   * @param live whether {@code out} is a terminal that can redraw a line in place
   * @param nanoTime the clock of the timestamps
   */
  public Console(PrintStream out, boolean live, LongSupplier nanoTime) {
    this.out = out;
    this.live = live;
    this.nanoTime = nanoTime;
    this.started = nanoTime.getAsLong();
  }

  /** Whether this console shows a status line in place; when not, only lines reach the reader. */
  public boolean live() {
    return live;
  }

  public synchronized void say(String format, Object... args) {
    if (status != null) {
      out.print(ERASE_LINE);
    }
    out.printf("[%6.1fs] %s%n", seconds(), String.format(format, args));
    if (status != null) {
      out.print(status);
    }
    out.flush();
  }

  /** Shows {@code line} in place of the current status line; nothing on a plain console. */
  public synchronized void status(String line) {
    if (!live) {
      return;
    }
    out.print(ERASE_LINE);
    out.print(line);
    out.flush();
    status = line;
  }

  /** Erases the status line, if one shows. */
  public synchronized void clearStatus() {
    if (status != null) {
      out.print(ERASE_LINE);
      out.flush();
      status = null;
    }
  }

  public double seconds() {
    return (nanoTime.getAsLong() - started) / 1e9;
  }
}
