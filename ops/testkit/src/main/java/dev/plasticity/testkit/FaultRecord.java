package dev.plasticity.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one run of a fault case checked and counted, written by the test as {@code
 * target/faults/<case>.json} (in the module's directory, where surefire runs) once its assertions
 * held; the launcher's {@code FaultReport} gathers the fragments of every module into {@code
 * docs/reports/faults.{json,md}}, and refuses a fragment whose case its catalogue does not list. {@link #expect} asserts and records in one step, so a
 * fragment only ever lists checks that held; {@link #count} records a figure the test observed
 * without asserting it (how many attempts a retry took, say).
 *
 * <p>Not thread-safe: one per test method.
 */
public final class FaultRecord {
  /** Where fragments go: the module's {@code target/faults}, as surefire runs tests from the module's directory. */
  public static final Path FRAGMENTS = Path.of("target", "faults");

  private final String caseId;
  private final String test;
  private final List<Map<String, Object>> checks = new ArrayList<>();
  private final Map<String, Object> counts = new LinkedHashMap<>();

  private FaultRecord(String caseId, String test) {
    this.caseId = caseId;
    this.test = test;
  }

  /** A record for the fault case {@code caseId} run by {@code test}'s method {@code method}. */
  public static FaultRecord of(String caseId, Class<?> test, String method) {
    if (!caseId.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("a fault case id is lower-case letters, digits and '-', got '" + caseId + "'");
    }
    return new FaultRecord(caseId, test.getSimpleName() + "#" + method);
  }

  /** Asserts that {@code observed} equals {@code expected}, and records the check. */
  public FaultRecord expect(String what, Object expected, Object observed) {
    if (!Objects.equals(expected, observed)) {
      throw new AssertionError(what + ": expected " + expected + " but was " + observed);
    }
    Map<String, Object> check = new LinkedHashMap<>();
    check.put("check", what);
    check.put("expected", expected);
    check.put("observed", observed);
    checks.add(check);
    return this;
  }

  /** Records a check the test asserted itself ({@code observed} in words). */
  public FaultRecord held(String what, String observed) {
    Map<String, Object> check = new LinkedHashMap<>();
    check.put("check", what);
    check.put("observed", Objects.requireNonNull(observed, "observed"));
    checks.add(check);
    return this;
  }

  /** Records a figure observed but not asserted. */
  public FaultRecord count(String what, long value) {
    counts.put(what, value);
    return this;
  }

  /** Writes {@code target/faults/<case>.json}, replacing the last run's. */
  public void write() {
    Map<String, Object> fragment = new LinkedHashMap<>();
    fragment.put("case", caseId);
    fragment.put("test", test);
    fragment.put("recordedAt", Instant.now().toString());
    fragment.put("checks", checks);
    fragment.put("counts", counts);
    try {
      Files.createDirectories(FRAGMENTS);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(FRAGMENTS.resolve(caseId + ".json").toFile(), fragment);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the fault fragment of " + caseId, e);
    }
  }
}
