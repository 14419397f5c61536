package dev.plasticity.ops;

import java.util.Objects;

/**
 * What one running service says about itself: its {@link State} and, in words, what it is doing or
 * why it stopped.
 *
 * @param service the service's name, e.g. {@code drift-job}
 * @param state whether it works, is recovering, or has stopped for good
 * @param detail its state in words ("RUNNING", "failed: …")
 */
record ServiceHealth(String service, State state, String detail) {
  /** Where a service stands. */
  enum State {
    /** Doing its job. */
    UP,
    /** Not doing its job now, but on its way back (a job restarting after a failure, a service starting). */
    RECOVERING,
    /** Ended and will not come back by itself: whoever runs it must act. */
    STOPPED
  }

  ServiceHealth {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(detail, "detail");
  }

  static ServiceHealth up(String service, String detail) {
    return new ServiceHealth(service, State.UP, detail);
  }

  static ServiceHealth recovering(String service, String detail) {
    return new ServiceHealth(service, State.RECOVERING, detail);
  }

  static ServiceHealth stopped(String service, String detail) {
    return new ServiceHealth(service, State.STOPPED, detail);
  }

  /** A service that ended on {@code failure}, described by its type and message and its causes'. */
  static ServiceHealth failed(String service, Throwable failure) {
    return stopped(service, "failed: " + describe(failure));
  }

  boolean up() {
    return state == State.UP;
  }

  boolean stopped() {
    return state == State.STOPPED;
  }

  static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder(failure.toString());
    Throwable cause = failure.getCause();
    for (int depth = 0; cause != null && cause != failure && depth < 4; depth++, cause = cause.getCause()) {
      text.append("; caused by ").append(cause);
    }
    return text.toString();
  }
}
