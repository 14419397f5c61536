package dev.plasticity.ops.prequential;

import java.util.ArrayList;
import java.util.List;

/**
 * Matches each known drift with the loop's answer to it: the first trigger read after the drift's row was published
 * and no later than the next drift's (else it answers that one), and the first new version to serve that a trigger of
 * that same span asked for (a version answering an earlier drift does not count, however late it serves). Delays
 * are in rows and in seconds.
 */
final class DriftResponses {
  private DriftResponses() {}

  /**
   * Something the loop did: at {@code row} (rows published when a trigger was read; the first row a version
   * predicted), at {@code nanos} ({@link System#nanoTime()}); {@code version} is the version that began serving, or
   * 0 for a trigger; {@code cause} is the row of the trigger that asked for that version (-1 when unknown), or the
   * trigger's own row.
   */
  record Moment(long row, long nanos, int version, long cause) {
    /** A trigger read when {@code row} rows were published. */
    static Moment trigger(long row, long nanos) {
      return new Moment(row, nanos, 0, row);
    }
  }

  /**
   * @param driftRows rows where drifts are centred, increasing
   * @param firstScoredRow the first row after the bootstrap; drifts before it are not the loop's to answer
   * @param endRow one past the last scored row
   * @param triggers triggers as read, in order
   * @param servingStarts each version after the first as it began serving, in order
   * @param driftNanos when each drift's row was published, in {@code driftRows}' order (0 when it never was)
   */
  static List<StreamResult.DriftResponse> of(List<Long> driftRows, int firstScoredRow, long endRow,
      List<Moment> triggers, List<Moment> servingStarts, long[] driftNanos) {
    List<StreamResult.DriftResponse> responses = new ArrayList<>();
    for (int d = 0; d < driftRows.size(); d++) {
      long drift = driftRows.get(d);
      if (drift < firstScoredRow || drift >= endRow) {
        continue;
      }
      long until = d + 1 < driftRows.size() ? driftRows.get(d + 1) : endRow;
      Moment trigger = first(triggers, drift, until);
      Moment serving = servingStarts.stream()
          .filter(m -> m.row() > drift && m.cause() > drift && m.cause() <= until).findFirst().orElse(null);
      long at = driftNanos[d];
      responses.add(new StreamResult.DriftResponse(drift,
          trigger == null ? null : trigger.row(),
          trigger == null ? null : trigger.row() - drift,
          trigger == null || at == 0 ? null : Math.max(0, trigger.nanos() - at) / 1e9,
          serving == null ? null : serving.version(),
          serving == null ? null : serving.row(),
          serving == null ? null : serving.row() - drift,
          serving == null || at == 0 ? null : Math.max(0, serving.nanos() - at) / 1e9));
    }
    return responses;
  }

  private static Moment first(List<Moment> moments, long after, long until) {
    return moments.stream().filter(m -> m.row() > after && m.row() <= until).findFirst().orElse(null);
  }
}
