package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plasticity.schemas.DriftConfig;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Evidence;
import dev.plasticity.schemas.TriggerSignal;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.streamjobs.drift.ChangeDetectorKind;
import dev.plasticity.streamjobs.drift.DriftAssessment;
import dev.plasticity.streamjobs.drift.DriftSettings;
import dev.plasticity.streamjobs.drift.SeaData;
import dev.plasticity.streamjobs.drift.WarningDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A model's windows, verdicts, cooldown and triggers, without Flink: state in memory, outcomes recorded. */
class ModelWatchTest {
  static final DriftSettings SETTINGS = DriftSettings.defaults().withWindowSize(200);

  final MemoryState state = new MemoryState();
  final List<DriftTrigger> triggers = new ArrayList<>();
  final List<String> refused = new ArrayList<>();
  final List<DriftAssessment> assessed = new ArrayList<>();
  final List<String> failed = new ArrayList<>();
  final List<Integer> unanswered = new ArrayList<>();
  final ModelWatch.Outcomes outcomes = new ModelWatch.Outcomes() {
    @Override public void triggered(DriftTrigger trigger) { triggers.add(trigger); }
    @Override public void refused(ObservedEvent event, String reason) { refused.add(event.offset() + ": " + reason); }
    @Override public void assessed(String model, DriftAssessment assessment) { assessed.add(assessment); }
    @Override public void failed(String model, int version, int events, RuntimeException cause) { failed.add(model + " v" + version); }
    @Override public void unanswered(String model, int version, int count) { unanswered.add(count); }
  };
  int next;

  ModelWatch watch(DriftSettings settings) {
    return new ModelWatch(settings, new Triggers(Topics.EVENTS_LABELLED));
  }

  /** The next n events of a concept, predicted by {@code version}, at offsets = positions. */
  List<ObservedEvent> events(int n, double threshold, int version) {
    List<ObservedEvent> events = new ArrayList<>();
    for (SeaData.Point p : SeaData.iid(100 + next, n, threshold, 0)) {
      int i = next++;
      events.add(new ObservedEvent(Fixtures.event("sea", i, p, version), i % 2, i));
    }
    return events;
  }

  /**
   * The next n events with features from the reference distribution (old concept, x3 moved by
   * {@code shiftX3}), predicted by {@code version}, whose prediction is wrong on about {@code
   * errorRate} of them (seeded).
   */
  List<ObservedEvent> eventsWithError(int n, double errorRate, double shiftX3, int version) {
    java.util.Random wrong = new java.util.Random(7 + next);
    List<ObservedEvent> events = new ArrayList<>();
    for (SeaData.Point p : SeaData.iid(100 + next, n, SeaData.OLD_THRESHOLD, shiftX3)) {
      int i = next++;
      int prediction = wrong.nextDouble() < errorRate ? 1 - p.label() : p.label();
      SeaData.Point served = new SeaData.Point(p.x(), p.label(), prediction);
      events.add(new ObservedEvent(Fixtures.event("sea", i, served, version), i % 2, i));
    }
    return events;
  }

  static List<TriggerSignal> signals(List<DriftTrigger> triggers) {
    return triggers.stream().map(DriftTrigger::getSignal).toList();
  }

  @Test
  void everyFullWindowIsAssessedAndADriftedOneTriggersOnceThenTheModelCoolsDown() throws Exception {
    ModelWatch watch = watch(SETTINGS);
    ModelVersion champion = Fixtures.champion("sea", 1);
    watch.take(champion, events(200, SeaData.OLD_THRESHOLD, 1), 5, state, outcomes);
    assertEquals(1, assessed.size());
    assertEquals(0, triggers.size());
    watch.take(champion, events(450, SeaData.NEW_THRESHOLD, 1), 5, state, outcomes);
    assertEquals(3, assessed.size(), "windows end at 200, 400 and 600; 50 events wait in the window");
    assertTrue(assessed.get(2).drifted());
    assertEquals(1, triggers.size(), "the third window drifted too, while cooling down");
    assertEquals(DriftKind.CONCEPT, triggers.get(0).getKind());
    assertEquals(1, state.cooldown.version());
    assertEquals(50, state.count);
    assertEquals(50, state.window.size());
  }

  @Test
  void eventsBeforeAnyChampionAreBufferedUpToOneWindowAndStartTheFirst() throws Exception {
    ModelWatch watch = watch(SETTINGS);
    watch.take(null, events(300, SeaData.NEW_THRESHOLD, 1), 5, state, outcomes);
    assertEquals(200, state.count);
    assertEquals(100L, state.window.get(0).offset(), "the oldest 100 fell out");
    assertEquals(100, refused.size(), "each as a dead letter");
    assertEquals("0: no champion for model sea yet; the buffer of 200 events before a first champion was full", refused.get(0));
    assertNull(state.monitoredVersion);
    watch.take(Fixtures.champion("sea", 1), events(1, SeaData.NEW_THRESHOLD, 1), 5, state, outcomes);
    assertEquals(1, triggers.size());
    assertEquals(100L, triggers.get(0).getWindow().getOffsets().get(0).getStartOffset());
  }

  @Test
  void aNewChampionStartsAFreshWindowCooldownAndDetector() throws Exception {
    DriftSettings settings = SETTINGS.toBuilder().conceptDetector(ChangeDetectorKind.DDM).build();
    ModelWatch watch = watch(settings);
    watch.take(Fixtures.champion("sea", 1), events(250, SeaData.NEW_THRESHOLD, 1), 5, state, outcomes);
    assertTrue(state.cooldown.active());
    assertNotNull(state.detector);
    watch.take(Fixtures.champion("sea", 2), events(1, SeaData.OLD_THRESHOLD, 3), 5, state, outcomes);
    assertEquals(Cooldown.NONE, state.cooldown);
    assertNull(state.detector, "an event v2 did not predict feeds no detector");
    assertEquals(1, state.count, "the window restarted with this event");
    assertEquals(2, state.monitoredVersion);
  }

  @Test
  void aDetectorsAlarmAndALaterWindowVerdictShareOneCooldown() throws Exception {
    ModelVersion champion = Fixtures.champion("sea", 1);
    champion.setDriftConfig(DriftConfig.newBuilder().setWindowSize(500).setConceptDetector("ADWIN").build());
    ModelWatch watch = watch(SETTINGS);
    watch.take(champion, events(500, SeaData.OLD_THRESHOLD, 1), 5, state, outcomes);
    watch.take(champion, events(1000, SeaData.NEW_THRESHOLD, 1), 5, state, outcomes);
    assertEquals(3, assessed.size());
    assertEquals(List.of(false, true, true), assessed.stream().map(DriftAssessment::drifted).toList(),
        "the windows after the first drifted, and did not trigger again");
    assertEquals(1, triggers.size(), "ADWIN's alarm triggered; the drifted windows after it cooled down");
    assertEquals("ADWIN", triggers.get(0).getEvidence().get(0).getTest());
    assertTrue(triggers.get(0).getWindow().getEventCount() < 500, "before the first drifted window filled");
  }

  @Test
  void aDetectorsAlarmIsTheMonitorsVerdictOnTheWindowSoFar() throws Exception {
    ModelVersion champion = Fixtures.champion("sea", 1);
    champion.setDriftConfig(DriftConfig.newBuilder().setWindowSize(2000).setConceptDetector("ADWIN").build());
    ModelWatch watch = watch(SETTINGS);
    watch.take(champion, events(300, SeaData.OLD_THRESHOLD, 1), 5, state, outcomes);
    watch.take(champion, events(700, SeaData.NEW_THRESHOLD, 1), 5, state, outcomes);
    assertEquals(1, triggers.size());
    DriftTrigger trigger = triggers.get(0);
    long events = trigger.getWindow().getEventCount();
    assertEquals(Fixtures.T0, trigger.getWindow().getStartTime(), "the trigger's window is the window so far, from its start");
    assertEquals(state.window.get((int) events - 1).eventTime(), trigger.getWindow().getEndTime());
    double errorRate = trigger.getEvidence().get(0).getStatistic();
    long errors = state.window.subList(0, (int) events).stream()
        .filter(e -> e.prediction() != e.label()).count();
    assertEquals(errors / (double) events, errorRate, 1e-12, "the error rate over the window so far");
    assertEquals(champion.getReference().getErrorRate(), trigger.getEvidence().get(0).getThreshold(), 1e-12);
  }

  @Test
  void labelsOutsideTheChampionsClassesAreRefusedWithTheRule() throws Exception {
    ModelWatch watch = watch(SETTINGS);
    List<ObservedEvent> taken = events(3, SeaData.OLD_THRESHOLD, 1);
    taken.set(1, new ObservedEvent(dev.plasticity.schemas.LabelledEvent.newBuilder(taken.get(1).event()).setLabel(7).build(),
        1, 1));
    watch.take(Fixtures.champion("sea", 1), taken, 5, state, outcomes);
    assertEquals(List.of("1: label 7 is not a class of sea v1: a label must be in [0, numClasses) and the model has numClasses 2"),
        refused);
    assertEquals(2, state.count);
  }

  @Test
  void aWindowTheMonitorCannotAssessIsRefusedWithTheExceptionAndCounted() throws Exception {
    ModelVersion broken = Fixtures.champion("sea", 1);
    broken.getReference().setSampleRows(List.of(List.of(1.0, 2.0), List.of(3.0, 4.0), List.of(5.0, 6.0)));
    broken.setDriftConfig(DriftConfig.newBuilder().setTests(List.of("MMD")).build());
    ModelWatch watch = watch(SETTINGS);
    watch.take(broken, events(200, SeaData.NEW_THRESHOLD, 1), 5, state, outcomes);
    assertEquals(List.of("sea v1"), failed);
    assertEquals(200, refused.size());
    assertTrue(refused.get(0).contains("could not be assessed against sea v1: java.lang.IllegalArgumentException"), refused.get(0));
    assertEquals(0, state.count, "the window moved on");
  }

  @Test
  void aTriggerNoChampionAnsweredReArmsWithBackoffAndTheNextNeedsNewEvidence() throws Exception {
    ModelWatch watch = watch(SETTINGS.withCooldownEvents(400));
    ModelVersion champion = Fixtures.champion("sea", 1);
    watch.take(champion, events(200, SeaData.OLD_THRESHOLD, 1), 5, state, outcomes);
    watch.take(champion, events(200, SeaData.NEW_THRESHOLD, 1), 5, state, outcomes);
    assertEquals(1, triggers.size());
    assertEquals(0, triggers.get(0).getAttempt());
    watch.take(champion, events(400, SeaData.NEW_THRESHOLD, 1), 5, state, outcomes);
    assertEquals(List.of(1), unanswered, "the cooldown ended at event 800 with v1 still champion");
    assertEquals(1, triggers.size(), "the window ending at 800 drifted as much as the first: no new evidence");
    watch.take(champion, events(400, SeaData.NEW_THRESHOLD, 1), 5, state, outcomes);
    assertEquals(2, triggers.size(), "drift still seen twice the cooldown after the trigger (event 1200)");
    DriftTrigger second = triggers.get(1);
    assertEquals(1, second.getAttempt());
    assertEquals(Fixtures.T0 + 1199 * 100L, second.getWindow().getEndTime());
    assertEquals(TriggerSignal.DRIFT, second.getSignal());
    assertEquals(800L, 800L * Cooldown.backoff(second.getAttempt()) / 2, "its cooldown is twice the first");
    watch.take(champion, events(799, SeaData.NEW_THRESHOLD, 1), 5, state, outcomes);
    assertTrue(state.cooldown.active(), "still cooling down 799 events after the second trigger");
    watch.take(champion, events(1, SeaData.NEW_THRESHOLD, 1), 5, state, outcomes);
    assertEquals(List.of(1, 2), unanswered);
    assertEquals(2, state.cooldown.nextAttempt());
    watch.take(Fixtures.champion("sea", 2), events(1, SeaData.NEW_THRESHOLD, 2), 5, state, outcomes);
    assertEquals(Cooldown.NONE, state.cooldown, "a newer champion answers: everything resets");
  }

  @Test
  void aReArmedModelTriggersAtOnceWhenTheServedErrorRisesFurther() throws Exception {
    ModelWatch watch = watch(SETTINGS.withCooldownEvents(400));
    ModelVersion champion = Fixtures.champion("sea", 1);
    watch.take(champion, eventsWithError(200, 0.2, 0, 1), 5, state, outcomes);
    assertEquals(1, triggers.size());
    double first = servedError(triggers.get(0));
    watch.take(champion, eventsWithError(400, 0.2, 0, 1), 5, state, outcomes);
    assertEquals(List.of(1), unanswered);
    assertEquals(1, triggers.size());
    watch.take(champion, eventsWithError(200, 0.45, 0, 1), 5, state, outcomes);
    assertEquals(2, triggers.size(), "the next window's error is well above the last trigger's");
    assertTrue(servedError(triggers.get(1)) >= first + SETTINGS.errorMinEffect());
    assertEquals(1, triggers.get(1).getAttempt());
  }

  static double servedError(DriftTrigger trigger) {
    return trigger.getEvidence().stream().filter(e -> e.getFeature().equals(DriftAssessment.ERROR)).findFirst()
        .orElseThrow().getStatistic();
  }

  @Test
  void performanceDecayWithStableFeaturesTriggers() throws Exception {
    ModelWatch watch = watch(SETTINGS);
    ModelVersion champion = Fixtures.champion("sea", 1);
    double registered = champion.getReference().getErrorRate();
    watch.take(champion, eventsWithError(200, registered, 0, 1), 5, state, outcomes);
    assertEquals(0, triggers.size(), "the registered error: nothing to say");
    watch.take(champion, eventsWithError(200, 0.3, 0, 1), 5, state, outcomes);
    assertEquals(1, triggers.size());
    DriftTrigger trigger = triggers.get(0);
    assertEquals(DriftKind.CONCEPT, trigger.getKind());
    assertTrue(trigger.getEvidence().stream().filter(e -> !e.getFeature().toString().startsWith("_"))
        .noneMatch(Evidence::getDrifted), "no feature drifted: " + trigger.getEvidence());
    Evidence error = trigger.getEvidence().stream().filter(e -> e.getFeature().equals(DriftAssessment.ERROR))
        .findFirst().orElseThrow();
    assertTrue(error.getDrifted());
    assertTrue(error.getStatistic() > registered + 0.15, "the served error rate: " + error.getStatistic());
  }

  @Test
  void aCovariateShiftThatLeavesTheErrorAloneTriggersCovariateWithTheErrorNotDrifted() throws Exception {
    for (DriftSettings settings : List.of(SETTINGS,
        SETTINGS.toBuilder().tests(dev.plasticity.streamjobs.drift.WindowTest.PSI, dev.plasticity.streamjobs.drift.WindowTest.KS).build())) {
      triggers.clear();
      MemoryState fresh = new MemoryState();
      ModelVersion champion = Fixtures.champion("sea", 1);
      watch(settings).take(champion, eventsWithError(200, champion.getReference().getErrorRate(), 4, 1), 5, fresh, outcomes);
      assertEquals(1, triggers.size());
      DriftTrigger trigger = triggers.get(0);
      assertEquals(DriftKind.COVARIATE, trigger.getKind());
      assertTrue(trigger.getEvidence().stream().anyMatch(e -> e.getFeature().equals("x3") && e.getDrifted()));
      Evidence error = trigger.getEvidence().stream().filter(e -> e.getFeature().equals(DriftAssessment.ERROR))
          .findFirst().orElseThrow(() -> new AssertionError("no _error evidence with tests " + settings.tests()));
      assertEquals("ERROR_RATE", error.getTest());
      assertEquals(false, error.getDrifted(), "the shift did not hurt the served model");
      assertTrue(error.getStatistic() < 0.15, "the served error rate: " + error.getStatistic());
    }
  }

  @Test
  void aWarningLevelSendsOneWarningTriggerPerEpisodeAndTheDriftConfirmsTheLast() throws Exception {
    ModelVersion champion = Fixtures.champion("sea", 1);
    champion.setDriftConfig(DriftConfig.newBuilder().setWindowSize(5000).setConceptDetector("DDM").build());
    ModelWatch watch = watch(SETTINGS);
    List<ObservedEvent> sent = new ArrayList<>(events(1000, SeaData.OLD_THRESHOLD, 1));
    watch.take(champion, sent, 5, state, outcomes);
    for (int i = 0; i < 1000 && signals(triggers).stream().noneMatch(TriggerSignal.DRIFT::equals); i++) {
      List<ObservedEvent> one = events(1, SeaData.NEW_THRESHOLD, 1);
      sent.addAll(one);
      watch.take(champion, one, 5, state, outcomes);
    }
    // the episodes: a DDM fed the same errors, counting each entry into its warning zone
    WarningDetector ddm = (WarningDetector) ChangeDetectorKind.DDM.create(0);
    int episodes = 0;
    boolean inZone = false;
    for (ObservedEvent e : sent) {
      ddm.update(e.prediction() != e.label() ? 1.0 : 0.0);
      if (ddm.warningDetected() && !inZone) {
        episodes++;
      }
      inZone = ddm.warningDetected();
    }
    List<TriggerSignal> signals = signals(triggers);
    assertTrue(episodes > 1, "DDM's warning level is crossed by chance on the stable stream too");
    assertEquals(episodes, signals.stream().filter(TriggerSignal.WARNING::equals).count(), "one per episode: " + signals);
    assertEquals(TriggerSignal.DRIFT, signals.get(signals.size() - 1), "then confirmed: " + signals);
    assertEquals(TriggerSignal.WARNING, signals.get(signals.size() - 2), "the episode the drift confirmed warned first");
    DriftTrigger warning = triggers.get(triggers.size() - 2);
    DriftTrigger drift = triggers.get(triggers.size() - 1);
    assertEquals(DriftKind.CONCEPT, warning.getKind());
    assertEquals("DDM", warning.getEvidence().get(0).getTest());
    assertTrue(warning.getWindow().getEndTime() > Fixtures.T0 + 1000 * 100L, "warned after the concept moved");
    assertTrue(warning.getWindow().getEventCount() < drift.getWindow().getEventCount(), "the window so far, earlier");
    assertNotEquals(warning.getTriggerId(), drift.getTriggerId());
    assertTrue(state.cooldown.active(), "the drift started the cooldown");
    assertFalse(state.warned, "the drift ended the episode");
  }

  @Test
  void warningsOffSendOnlyTheDrift() throws Exception {
    ModelVersion champion = Fixtures.champion("sea", 1);
    champion.setDriftConfig(DriftConfig.newBuilder().setWindowSize(5000).setConceptDetector("DDM").setWarnings(false).build());
    ModelWatch watch = watch(SETTINGS);
    watch.take(champion, events(1000, SeaData.OLD_THRESHOLD, 1), 5, state, outcomes);
    watch.take(champion, events(1000, SeaData.NEW_THRESHOLD, 1), 5, state, outcomes);
    assertEquals(List.of(TriggerSignal.DRIFT), signals(triggers));
  }

  @Test
  void aStableStreamWithCadenceGivesACadenceTriggerEveryThousandEventsAndNoDrift() throws Exception {
    ModelVersion champion = Fixtures.champion("sea", 1);
    champion.setDriftConfig(DriftConfig.newBuilder().setWindowSize(500).setCadenceEvents(1000L).build());
    ModelWatch watch = watch(SETTINGS);
    List<SeaData.Point> points = SeaData.lowDiscrepancy(5, 5000, Integer.MAX_VALUE);
    for (int i = 0; i < points.size(); i += 250) {
      List<ObservedEvent> batch = new ArrayList<>();
      for (int k = i; k < i + 250; k++) {
        batch.add(new ObservedEvent(Fixtures.event("sea", k, points.get(k), 1), k % 2, k));
      }
      watch.take(champion, batch, 5, state, outcomes);
    }
    assertEquals(10, assessed.size());
    assertTrue(assessed.stream().noneMatch(DriftAssessment::drifted));
    assertEquals(List.of(TriggerSignal.CADENCE, TriggerSignal.CADENCE, TriggerSignal.CADENCE, TriggerSignal.CADENCE,
        TriggerSignal.CADENCE), signals(triggers));
    for (int k = 0; k < 5; k++) {
      DriftTrigger cadence = triggers.get(k);
      assertEquals(DriftKind.CONCEPT, cadence.getKind());
      assertEquals(0.0, cadence.getSeverity());
      assertEquals(500L, cadence.getWindow().getEventCount(), "the last window");
      assertEquals(Fixtures.T0 + (1000L * (k + 1) - 1) * 100, cadence.getWindow().getEndTime());
      assertEquals("ERROR_RATE", cadence.getEvidence().get(0).getTest());
    }
    assertEquals(5, triggers.stream().map(DriftTrigger::getTriggerId).distinct().count());
  }
}
