package dev.plasticity.bench;

import dev.plasticity.streamjobs.drift.ChangeDetector;
import dev.plasticity.streamjobs.drift.ChangeDetectorKind;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import moa.classifiers.core.driftdetection.ADWINChangeDetector;
import moa.classifiers.core.driftdetection.DDM;
import moa.classifiers.core.driftdetection.EDDM;
import moa.classifiers.core.driftdetection.HDDM_A_Test;
import moa.classifiers.core.driftdetection.PageHinkleyDM;

/**
 * Runs one detector implementation (ours or MOA's, one kind) over every error stream and times it; started by
 * {@link DriftDetectorBench} in a JVM of its own for each implementation.
 *
 * <p>Why a JVM of its own: timed in one shared loop, the loop's call sites see every detector class in turn, the JIT
 * compiles them for whichever classes it saw first and recompiles them as megamorphic later, so a detector's cost
 * depended on which detectors had run before it (DDM and EDDM, ours and MOA's, measured 7 to 36 ns per update in
 * that loop depending on stream and order). Alone in its JVM, every call site sees one detector class, as in a job
 * that runs one detector.
 *
 * <p>Each stream is run {@value #PASSES} times, the passes interleaved across streams (pass 1 over every stream, then
 * pass 2, ...), and the fastest pass counts, so the first pass's JIT warm-up and a burst of load from another process
 * do not. Every pass must raise the same alarms.
 *
 * <p>Usage: {@code DetectorTiming KIND IMPLEMENTATION STREAMS_FILE RESULT_FILE}, files as written by
 * {@link #writeStreams} and {@link #writeRuns}.
 */
public final class DetectorTiming {
  static final String OURS = "plasticity";
  static final String MOA = "moa";
  static final int PASSES = 5;

  private DetectorTiming() {}

  /** One detector behind one call: feed a value, learn whether it raised an alarm. */
  interface Detector {
    boolean update(double value);
  }

  /** A named error stream, 0/1 per event. */
  record ErrorStream(String name, byte[] errors) {}

  /** A detector's alarms on one stream (0-based indices into its errors) and the fastest pass, in nanoseconds. */
  record Run(String stream, long bestNanos, int[] alarms) {}

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      throw new IllegalArgumentException("usage: DetectorTiming KIND IMPLEMENTATION STREAMS_FILE RESULT_FILE");
    }
    ChangeDetectorKind kind = ChangeDetectorKind.valueOf(args[0]);
    Supplier<Detector> make = factory(kind, args[1]);
    if (make == null) {
      throw new IllegalArgumentException(args[1] + " has no " + kind + " detector");
    }
    writeRuns(Path.of(args[3]), time(make, readStreams(Path.of(args[2]))));
  }

  /** Makes fresh detectors of {@code kind} from {@code implementation}; null where MOA has no such detector. */
  static Supplier<Detector> factory(ChangeDetectorKind kind, String implementation) {
    switch (implementation) {
      case OURS:
        return () -> {
          ChangeDetector d = kind.create(1);
          return v -> {
            d.update(v);
            return d.driftDetected();
          };
        };
      case MOA:
        Supplier<moa.classifiers.core.driftdetection.ChangeDetector> moa = moaDetector(kind);
        if (moa == null) {
          return null;
        }
        return () -> {
          moa.classifiers.core.driftdetection.ChangeDetector d = moa.get();
          d.prepareForUse();
          return v -> {
            d.input(v);
            return d.getChange();
          };
        };
      default:
        throw new IllegalArgumentException("implementation is " + OURS + " or " + MOA + ", got " + implementation);
    }
  }

  private static Supplier<moa.classifiers.core.driftdetection.ChangeDetector> moaDetector(ChangeDetectorKind kind) {
    return switch (kind) {
      case ADWIN -> ADWINChangeDetector::new;
      case PAGE_HINKLEY -> PageHinkleyDM::new;
      case DDM -> DDM::new;
      case EDDM -> EDDM::new;
      case HDDM_A -> HDDM_A_Test::new;
      case KSWIN -> null;
    };
  }

  static List<Run> time(Supplier<Detector> make, List<ErrorStream> streams) {
    long[] best = new long[streams.size()];
    Arrays.fill(best, Long.MAX_VALUE);
    int[][] alarms = new int[streams.size()][];
    for (int pass = 0; pass < PASSES; pass++) {
      for (int s = 0; s < streams.size(); s++) {
        Detector detector = make.get();
        List<Integer> seen = new ArrayList<>();
        long started = System.nanoTime();
        feed(detector, streams.get(s).errors(), seen);
        best[s] = Math.min(best[s], System.nanoTime() - started);
        int[] these = seen.stream().mapToInt(Integer::intValue).toArray();
        if (alarms[s] != null && !Arrays.equals(alarms[s], these)) {
          throw new IllegalStateException("a detector must raise the same alarms on every pass; pass " + (pass + 1)
              + " differs on " + streams.get(s).name());
        }
        alarms[s] = these;
      }
    }
    List<Run> runs = new ArrayList<>();
    for (int s = 0; s < streams.size(); s++) {
      runs.add(new Run(streams.get(s).name(), best[s], alarms[s]));
    }
    return runs;
  }

  /**
   * The timed loop, a method of its own: called once per pass and stream, it gets a regular JIT compilation after the
   * first calls instead of running as on-stack-replacement code compiled mid-loop.
   */
  private static void feed(Detector detector, byte[] errors, List<Integer> alarms) {
    for (int i = 0; i < errors.length; i++) {
      if (detector.update(errors[i])) {
        alarms.add(i);
      }
    }
  }

  static void writeStreams(Path file, List<ErrorStream> streams) throws IOException {
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(streams.size());
      for (ErrorStream s : streams) {
        out.writeUTF(s.name());
        out.writeInt(s.errors().length);
        out.write(s.errors());
      }
    }
  }

  static List<ErrorStream> readStreams(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      int count = in.readInt();
      List<ErrorStream> streams = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        byte[] errors = new byte[in.readInt()];
        in.readFully(errors);
        streams.add(new ErrorStream(name, errors));
      }
      return streams;
    }
  }

  static void writeRuns(Path file, List<Run> runs) throws IOException {
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(runs.size());
      for (Run r : runs) {
        out.writeUTF(r.stream());
        out.writeLong(r.bestNanos());
        out.writeInt(r.alarms().length);
        for (int a : r.alarms()) {
          out.writeInt(a);
        }
      }
    }
  }

  static List<Run> readRuns(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      int count = in.readInt();
      List<Run> runs = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String stream = in.readUTF();
        long bestNanos = in.readLong();
        int[] alarms = new int[in.readInt()];
        for (int a = 0; a < alarms.length; a++) {
          alarms[a] = in.readInt();
        }
        runs.add(new Run(stream, bestNanos, alarms));
      }
      return runs;
    }
  }
}
