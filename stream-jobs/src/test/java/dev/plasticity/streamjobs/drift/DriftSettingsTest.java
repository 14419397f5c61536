package dev.plasticity.streamjobs.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plasticity.schemas.DriftConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Drift settings are typed; text becomes a test or a detector only at the edges, with the rule named when it cannot. */
class DriftSettingsTest {
  @Test
  void aModelsConfigNamesTestsAndADetectorThatBecomeTypes() {
    DriftSettings settings = DriftSettings.defaults().overriddenBy(DriftConfig.newBuilder()
        .setTests(List.of("MMD", "KS")).setConceptDetector("HDDM_A").build());
    assertEquals(EnumSet.of(WindowTest.KS, WindowTest.MMD), settings.tests());
    assertEquals(Optional.of(ChangeDetectorKind.HDDM_A), settings.conceptDetector());
    assertTrue(settings.runs(WindowTest.MMD));
  }

  @Test
  void noneInAConfigTurnsTheJobsDetectorOff() {
    DriftSettings watching = DriftSettings.builder().conceptDetector(ChangeDetectorKind.ADWIN).build();
    assertEquals(Optional.empty(), watching.overriddenBy(DriftConfig.newBuilder().setConceptDetector("NONE").build())
        .conceptDetector());
    assertEquals(Optional.of(ChangeDetectorKind.ADWIN), watching.overriddenBy(DriftConfig.newBuilder().build())
        .conceptDetector(), "null in the config keeps the job's");
  }

  @Test
  void anUnknownNameIsRefusedNamingWhatIsKnown() {
    IllegalArgumentException test = assertThrows(IllegalArgumentException.class,
        () -> DriftSettings.defaults().overriddenBy(DriftConfig.newBuilder().setTests(List.of("NO_SUCH_TEST")).build()));
    assertEquals("unknown drift test 'NO_SUCH_TEST'; known: [PSI, KS, WASSERSTEIN, JENSEN_SHANNON, CHI_SQUARE, ERROR_RATE,"
        + " DRIFTED_FEATURE_SHARE, MMD]", test.getMessage());
    IllegalArgumentException detector = assertThrows(IllegalArgumentException.class,
        () -> DriftSettings.conceptDetectorNamed("adwin"));
    assertEquals("unknown concept detector 'adwin'; known: [ADWIN, PAGE_HINKLEY, DDM, EDDM, HDDM_A, KSWIN] or NONE",
        detector.getMessage());
  }

  @Test
  void theTestsCannotBeChangedThroughTheSettings() {
    DriftSettings settings = DriftSettings.defaults();
    assertThrows(UnsupportedOperationException.class, () -> settings.tests().add(WindowTest.MMD));
    EnumSet<WindowTest> mine = EnumSet.of(WindowTest.PSI);
    DriftSettings copied = settings.toBuilder().tests(mine).build();
    mine.add(WindowTest.KS);
    assertEquals(EnumSet.of(WindowTest.PSI), copied.tests());
  }

  @Test
  void settingsSurviveJavaSerializationAsTheJobGraphCarriesThem() throws Exception {
    DriftSettings settings = DriftSettings.builder().tests(WindowTest.MMD, WindowTest.ERROR_RATE)
        .conceptDetector(ChangeDetectorKind.KSWIN).cooldownMillis(5).psiThreshold(0.3).cadenceEvents(700).warnings(false).build();
    for (DriftSettings original : List.of(settings, DriftSettings.defaults())) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(original);
      }
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        assertEquals(original, in.readObject());
      }
    }
  }

  @Test
  void aModelsConfigSetsItsCadenceAndWarningsAndTheDefaultsAreNoCadenceWarningsOnAndAFiniteCooldown() {
    DriftSettings defaults = DriftSettings.defaults();
    assertEquals(0, defaults.cadenceEvents());
    assertTrue(defaults.warnings());
    assertEquals(DriftSettings.DEFAULT_COOLDOWN_EVENTS, defaults.cooldownEvents());
    assertTrue(!defaults.coolsDownUntilANewChampion());
    DriftSettings set = defaults.overriddenBy(DriftConfig.newBuilder().setCadenceEvents(1000L).setWarnings(false)
        .setCooldownEvents(0L).build());
    assertEquals(1000, set.cadenceEvents());
    assertTrue(!set.warnings());
    assertTrue(set.coolsDownUntilANewChampion(), "0 stays available: until a newer champion");
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> defaults.overriddenBy(DriftConfig.newBuilder().setCadenceEvents(-1L).build()));
    assertEquals("cadenceEvents must be >= 0 (0 = no cadence), got -1", negative.getMessage());
  }
}
