package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plasticity.schemas.DriftConfig;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.streamjobs.drift.ChangeDetectorKind;
import dev.plasticity.streamjobs.drift.DriftAssessment;
import dev.plasticity.streamjobs.drift.DriftSettings;
import dev.plasticity.streamjobs.drift.SeaData;
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
  final ModelWatch.Outcomes outcomes = new ModelWatch.Outcomes() {
    @Override public void triggered(DriftTrigger trigger) { triggers.add(trigger); }
    @Override public void refused(ObservedEvent event, String reason) { refused.add(event.offset() + ": " + reason); }
    @Override public void assessed(String model, DriftAssessment assessment) { assessed.add(assessment); }
    @Override public void failed(String model, int version, int events, RuntimeException cause) { failed.add(model + " v" + version); }
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
}
