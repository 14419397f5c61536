package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plasticity.schemas.CategoryReference;
import dev.plasticity.schemas.DriftConfig;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Evidence;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.PartitionRange;
import dev.plasticity.schemas.ReferenceStatistics;
import dev.plasticity.schemas.Topics;
import dev.plasticity.streamjobs.drift.DriftSettings;
import dev.plasticity.streamjobs.drift.SeaData;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** State and cooldown of the keyed broadcast function, driven through Flink's operator harness. */
class ChampionDriftFunctionTest {
  static final String MODEL = "sea";
  static final DriftSettings SETTINGS = DriftSettings.defaults().withWindowSize(200);

  KeyedBroadcastOperatorTestHarness<String, List<ObservedEvent>, ModelVersion, DriftTrigger> harness;
  int next;

  @BeforeEach
  void openHarness() throws Exception {
    harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
        new ChampionDriftFunction(SETTINGS, Topics.EVENTS_LABELLED, 0), batch -> batch.get(0).model(), Types.STRING,
        ChampionDriftFunction.CHAMPIONS);
    harness.setProcessingTime(42);
    next = 0;
  }

  /**
   * Sends n events of the old (or new) concept predicted by {@code version}, alternating
   * partitions, then moves the watermark to the last one's event time so they are all taken.
   */
  void send(int n, double threshold, int version) throws Exception {
    List<SeaData.Point> points = SeaData.iid(1000 + next, n, threshold, 0);
    long last = Long.MIN_VALUE;
    for (SeaData.Point p : points) {
      int i = next++;
      LabelledEvent event = Fixtures.event(MODEL, i, p, version);
      harness.processElement(List.of(new ObservedEvent(event, i % 2, i / 2)), event.getEventTime());
      last = event.getEventTime();
    }
    advanceWatermark(last);
  }

  List<DriftTrigger> triggers() {
    return harness.extractOutputValues();
  }

  @Test
  void triggersOnceForAVersionWhoseErrorRateJumps() throws Exception {
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    send(200, SeaData.OLD_THRESHOLD, 1);
    assertEquals(0, triggers().size());
    send(600, SeaData.NEW_THRESHOLD, 1);
    assertEquals(1, triggers().size(), "cooldown holds back the later drifted windows");
    DriftTrigger trigger = triggers().get(0);
    assertEquals(DriftKind.CONCEPT, trigger.getKind());
    assertEquals(1, trigger.getBaseVersion());
    assertEquals(42, trigger.getDetectedAt());
    assertEquals(200, trigger.getWindow().getEventCount());
    assertEquals(List.of(new PartitionRange(0, 100L, 199L), new PartitionRange(1, 100L, 199L)), trigger.getWindow().getOffsets());
    assertEquals(Fixtures.T0 + 200 * 100L, trigger.getWindow().getStartTime());
  }

  @Test
  void aNewCategoryOfACategoricalFeatureRaisesACovariateTriggerWithItsShareAsEvidence() throws Exception {
    ReferenceStatistics reference = ReferenceStatistics.newBuilder(SeaData.oldConceptReference())
        .setCategories(List.of(new CategoryReference("colour", List.of("red", "green"), List.of(600L, 400L), 0L)))
        .build();
    harness.processBroadcastElement(Fixtures.version(MODEL, 1, "champion", reference), 0);
    sendColoured(200, i -> i % 5 < 3 ? "red" : "green");
    assertEquals(0, triggers().size(), "colour shares as in training");

    sendColoured(200, i -> i % 2 == 0 ? "teal" : i % 4 == 1 ? "red" : "green");

    assertEquals(1, triggers().size());
    DriftTrigger trigger = triggers().get(0);
    assertEquals(DriftKind.COVARIATE, trigger.getKind());
    Evidence chiSquare = evidence(trigger, "colour", "CHI_SQUARE");
    assertTrue(chiSquare.getDrifted());
    Evidence unseen = evidence(trigger, "colour", "NEW_CATEGORIES");
    assertEquals(0.5, unseen.getStatistic(), 1e-12);
    assertFalse(unseen.getDrifted());
  }

  /** Sends n events of the old concept predicted by v1, event i with colour {@code colour.apply(i)}. */
  private void sendColoured(int n, java.util.function.IntFunction<String> colour) throws Exception {
    List<SeaData.Point> points = SeaData.iid(5000 + next, n, SeaData.OLD_THRESHOLD, 0);
    long last = Long.MIN_VALUE;
    for (int k = 0; k < points.size(); k++) {
      int i = next++;
      LabelledEvent event = Fixtures.event(MODEL, i, points.get(k), 1);
      event.setCategorical(java.util.Map.of("colour", colour.apply(k)));
      harness.processElement(List.of(new ObservedEvent(event, i % 2, i / 2)), event.getEventTime());
      last = event.getEventTime();
    }
    advanceWatermark(last);
  }

  private static Evidence evidence(DriftTrigger trigger, String feature, String test) {
    return trigger.getEvidence().stream().filter(e -> e.getFeature().equals(feature) && e.getTest().equals(test))
        .findFirst().orElseThrow(() -> new AssertionError("no " + feature + ":" + test + " in " + trigger.getEvidence()));
  }

  @Test
  void aNewChampionResetsTheWindowAndTheCooldown() throws Exception {
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    send(200, SeaData.NEW_THRESHOLD, 1);
    send(100, SeaData.NEW_THRESHOLD, 1); // half a window, dropped when v2 arrives
    harness.processBroadcastElement(Fixtures.champion(MODEL, 2), 0);
    send(199, SeaData.NEW_THRESHOLD, 2);
    assertEquals(1, triggers().size());
    send(1, SeaData.NEW_THRESHOLD, 2);
    assertEquals(2, triggers().size());
    assertEquals(2, triggers().get(1).getBaseVersion());
    assertEquals(300, triggers().get(1).getWindow().getOffsets().get(0).getStartOffset() * 2);
  }

  @Test
  void challengersAndOlderVersionsDoNotReplaceTheChampion() throws Exception {
    harness.processBroadcastElement(Fixtures.champion(MODEL, 2), 0);
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    harness.processBroadcastElement(Fixtures.version(MODEL, 3, "challenger", SeaData.oldConceptReference()), 0);
    assertEquals(2, harness.getBroadcastState(ChampionDriftFunction.CHAMPIONS).get(MODEL).getVersion());
  }

  @Test
  void eventsBeforeAnyChampionAreBufferedUpToOneWindow() throws Exception {
    send(300, SeaData.NEW_THRESHOLD, 1); // the first 100 fall out of the buffer
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    assertEquals(0, triggers().size());
    send(1, SeaData.NEW_THRESHOLD, 1);
    assertEquals(1, triggers().size());
    assertEquals(List.of(new PartitionRange(0, 50L, 149L), new PartitionRange(1, 50L, 149L)),
        triggers().get(0).getWindow().getOffsets());
  }

  @Test
  void theTriggerIdDependsOnlyOnModelVersionAndWindowStart() throws Exception {
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    send(200, SeaData.NEW_THRESHOLD, 1);
    String first = triggers().get(0).getTriggerId();
    openHarness();
    harness.setProcessingTime(99_999);
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    send(200, SeaData.NEW_THRESHOLD, 1);
    assertEquals(first, triggers().get(0).getTriggerId());
    assertEquals(99_999, triggers().get(0).getDetectedAt());
  }

  @Test
  void stateAndStreamRecordsAreFlinkPojosOrTheirOwnBytesNotKryoBlobs() {
    assertEquals(ObservedEventSerializer.TYPE, TypeInformation.of(ObservedEvent.class));
    assertEquals(ObservedEventSerializer.class,
        TypeInformation.of(ObservedEvent.class).createSerializer(new SerializerConfigImpl()).getClass());
    assertEquals(org.apache.flink.api.java.typeutils.PojoTypeInfo.class, TypeInformation.of(KafkaRecord.class).getClass());
  }

  @Test
  void aCooldownInEventsReArmsTheVersionForNewEvidence() throws Exception {
    harness.close();
    harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
        new ChampionDriftFunction(SETTINGS.withCooldownEvents(400), Topics.EVENTS_LABELLED, 0), batch -> batch.get(0).model(),
        Types.STRING, ChampionDriftFunction.CHAMPIONS);
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    send(1200, SeaData.NEW_THRESHOLD, 1);
    assertEquals(2, triggers().size(), "windows end at 200 (trigger), 400 (cooling), 600 and 800 (re-armed, no new "
        + "evidence), 1000 (drift seen twice the cooldown after the trigger), 1200 (cooling, twice as long)");
    assertEquals(1, triggers().get(1).getAttempt());
    assertEquals(Fixtures.T0 + 999 * 100L, triggers().get(1).getWindow().getEndTime());
  }

  @Test
  void aReArmedCooldownAndItsAttemptSurviveASnapshot() throws Exception {
    DriftSettings settings = SETTINGS.withCooldownEvents(400);
    harness.close();
    harness = restorable(settings, null);
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    send(800, SeaData.NEW_THRESHOLD, 1); // a trigger at 200, re-armed at 600
    assertEquals(1, triggers().size());
    org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot = harness.snapshot(0, 0);
    harness.close();
    harness = restorable(settings, snapshot);
    send(400, SeaData.NEW_THRESHOLD, 1);
    assertEquals(1, triggers().size(), "held twice the cooldown after the trigger at 200: the window ending at 1000");
    assertEquals(1, triggers().get(0).getAttempt(), "the restored state knew one trigger went unanswered");
    assertEquals(Fixtures.T0 + 999 * 100L, triggers().get(0).getWindow().getEndTime());
  }

  /** A harness of the operator as the job runs it, restored from {@code state} when not null. */
  static KeyedBroadcastOperatorTestHarness<String, List<ObservedEvent>, ModelVersion, DriftTrigger> restorable(
      DriftSettings settings, org.apache.flink.runtime.checkpoint.OperatorSubtaskState state) throws Exception {
    KeyedBroadcastOperatorTestHarness<String, List<ObservedEvent>, ModelVersion, DriftTrigger> h =
        new KeyedBroadcastOperatorTestHarness<>(new org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator<>(
            new ChampionDriftFunction(settings, Topics.EVENTS_LABELLED, 0), List.of(ChampionDriftFunction.CHAMPIONS)),
            batch -> batch.get(0).model(), Types.STRING, 1, 1, 0);
    h.setup();
    if (state != null) {
      h.initializeState(state);
    }
    h.open();
    h.setProcessingTime(42);
    return h;
  }

  void advanceWatermark(long time) throws Exception {
    harness.processWatermark(new Watermark(time));
    harness.processBroadcastWatermark(new Watermark(Long.MAX_VALUE));
  }

  void reopen(DriftSettings settings, long allowedLatenessMillis) throws Exception {
    harness.close();
    harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
        new ChampionDriftFunction(settings, Topics.EVENTS_LABELLED, allowedLatenessMillis), batch -> batch.get(0).model(),
        Types.STRING, ChampionDriftFunction.CHAMPIONS);
    harness.setProcessingTime(42);
  }

  @Test
  void eventsWaitForTheWatermarkAndAreTakenInEventTimeOrder() throws Exception {
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    List<SeaData.Point> points = SeaData.iid(7, 400, SeaData.NEW_THRESHOLD, 0);
    // the second window's events arrive first, then the first window's, each half reversed
    for (int i = 399; i >= 0; i--) {
      LabelledEvent event = Fixtures.event(MODEL, i, points.get(i), 1);
      harness.processElement(List.of(new ObservedEvent(event, i % 2, i / 2)), event.getEventTime());
    }
    assertEquals(0, triggers().size(), "nothing is assessed before the watermark passes");
    advanceWatermark(Fixtures.T0 + 399 * 100L);
    assertEquals(1, triggers().size(), "the first window triggers; the second is cooling down");
    DriftTrigger trigger = triggers().get(0);
    assertEquals(Fixtures.T0, trigger.getWindow().getStartTime(), "the window holds the 200 earliest events");
    assertEquals(Fixtures.T0 + 199 * 100L, trigger.getWindow().getEndTime());
  }

  @Test
  void eventsLaterThanTheAllowedLatenessBecomeDeadLettersAndAreNotAssessed() throws Exception {
    reopen(SETTINGS, 1_000);
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    send(150, SeaData.NEW_THRESHOLD, 1); // watermark now at the 150th event's time
    List<SeaData.Point> points = SeaData.iid(8, 50, SeaData.NEW_THRESHOLD, 0);
    for (int i = 0; i < 50; i++) {
      // 20 s behind the watermark: beyond the 1 s of allowed lateness
      LabelledEvent event = Fixtures.event(MODEL, i, points.get(i), 1);
      harness.processElement(List.of(new ObservedEvent(event, 0, 1000 + i)), event.getEventTime());
    }
    List<dev.plasticity.schemas.DeadLetter> late = harness.getSideOutput(ChampionDriftFunction.LATE).stream()
        .map(r -> r.getValue()).toList();
    assertEquals(50, late.size());
    org.junit.jupiter.api.Assertions.assertTrue(late.get(0).getError().toString().contains("allowed lateness of 1000 ms"),
        late.get(0).getError().toString());
    assertEquals(1000L, late.get(0).getOffset());
    assertEquals(0, triggers().size(), "late events do not fill the window");
    send(50, SeaData.NEW_THRESHOLD, 1);
    assertEquals(1, triggers().size());
  }

  @Test
  void eventsBehindTheWatermarkWithinTheAllowedLatenessAreStillAssessed() throws Exception {
    reopen(SETTINGS, 60_000);
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    send(150, SeaData.NEW_THRESHOLD, 1);
    List<SeaData.Point> points = SeaData.iid(8, 50, SeaData.NEW_THRESHOLD, 0);
    for (int i = 0; i < 50; i++) {
      LabelledEvent event = Fixtures.event(MODEL, i, points.get(i), 1);
      harness.processElement(List.of(new ObservedEvent(event, 0, 1000 + i)), event.getEventTime());
    }
    assertEquals(0, harness.getSideOutput(ChampionDriftFunction.LATE) == null ? 0
        : harness.getSideOutput(ChampionDriftFunction.LATE).size());
    assertEquals(1, triggers().size(), "150 on time + 50 late but allowed fill the window of 200");
  }

  @Test
  void aModelsDriftConfigOverridesTheJobDefaults() throws Exception {
    ModelVersion champion = Fixtures.champion(MODEL, 1);
    champion.setDriftConfig(DriftConfig.newBuilder().setWindowSize(100).setTests(List.of("ERROR_RATE")).build());
    harness.processBroadcastElement(champion, 0);
    send(100, SeaData.NEW_THRESHOLD, 1);
    assertEquals(1, triggers().size(), "a window of 100, not the job's 200");
    assertEquals(100, triggers().get(0).getWindow().getEventCount());
    assertEquals(List.of("ERROR_RATE"),
        triggers().get(0).getEvidence().stream().map(e -> e.getTest().toString()).distinct().toList());
  }

  @Test
  void aChampionWithAnInvalidDriftConfigIsIgnoredWithAReason() throws Exception {
    ModelVersion champion = Fixtures.champion(MODEL, 1);
    champion.setDriftConfig(DriftConfig.newBuilder().setTests(List.of("NO_SUCH_TEST")).build());
    harness.processBroadcastElement(champion, 0);
    assertEquals(null, harness.getBroadcastState(ChampionDriftFunction.CHAMPIONS).get(MODEL));
  }

  @Test
  void aCooldownInEventTimeReArmsTheVersionForNewEvidence() throws Exception {
    // events are 100 ms apart: 25 s of event time is 250 events
    reopen(SETTINGS.toBuilder().cooldownEvents(0).cooldownMillis(25_000).build(), 0);
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    send(800, SeaData.NEW_THRESHOLD, 1);
    assertEquals(2, triggers().size(), "windows end at events 200 (trigger; cooling until event 450, re-armed), "
        + "400 (cooling), 600 (no new evidence), 800 (drift seen 50 s after the trigger, twice the cooldown)");
    assertEquals(1, triggers().get(1).getAttempt());
  }

  @Test
  void aConfiguredConceptDetectorTriggersBeforeTheWindowIsFull() throws Exception {
    ModelVersion champion = Fixtures.champion(MODEL, 1);
    champion.setDriftConfig(DriftConfig.newBuilder().setWindowSize(2000).setConceptDetector("ADWIN").build());
    harness.processBroadcastElement(champion, 0);
    send(300, SeaData.OLD_THRESHOLD, 1);
    assertEquals(0, triggers().size());
    send(700, SeaData.NEW_THRESHOLD, 1);
    assertEquals(1, triggers().size(), "ADWIN fires once, then the cooldown holds");
    DriftTrigger trigger = triggers().get(0);
    assertEquals(DriftKind.CONCEPT, trigger.getKind());
    assertEquals("ADWIN", trigger.getEvidence().get(0).getTest().toString());
    org.junit.jupiter.api.Assertions.assertTrue(trigger.getWindow().getEventCount() < 1000,
        "fired after " + trigger.getWindow().getEventCount() + " events, long before the window of 2000 filled");
  }

  @Test
  void batchesOfManyEventsGiveTheTriggersOfSingleEvents() throws Exception {
    DriftSettings settings = SETTINGS.toBuilder().cooldownEvents(300).conceptDetector(dev.plasticity.streamjobs.drift.ChangeDetectorKind.ADWIN).build();
    assertEquals(replay(settings, 1), replay(settings, 37));
    assertEquals(2, replay(settings, 37).size(), "the scenario triggers more than once (cooldown of 300 events, "
        + "re-armed for new evidence)");
  }

  /**
   * 200 events of the old concept, then 1,000 of the new, arriving in chunks of 100 whose halves
   * come reversed, with 5 events per chunk a minute late (allowed), sent in batches of {@code
   * batchSize}; the watermark moves to each chunk's end.
   */
  List<DriftTrigger> replay(DriftSettings settings, int batchSize) throws Exception {
    reopen(settings, 120_000);
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    List<SeaData.Point> points = new java.util.ArrayList<>(SeaData.iid(11, 200, SeaData.OLD_THRESHOLD, 0));
    points.addAll(SeaData.iid(12, 1000, SeaData.NEW_THRESHOLD, 0));
    for (int chunk = 0; chunk < points.size(); chunk += 100) {
      List<ObservedEvent> arriving = new java.util.ArrayList<>();
      for (int half = 1; half >= 0; half--) {
        for (int i = chunk + half * 50 + 49; i >= chunk + half * 50; i--) {
          boolean late = i % 20 == 7 && chunk > 0;
          long time = late ? Fixtures.T0 + (chunk - 1) * 100L - 60_000 : Fixtures.T0 + i * 100L;
          LabelledEvent event = Fixtures.event(MODEL, i, points.get(i), 1);
          event.setEventTime(time);
          arriving.add(new ObservedEvent(event, i % 2, i));
        }
      }
      for (int from = 0; from < arriving.size(); from += batchSize) {
        harness.processElement(new java.util.ArrayList<>(arriving.subList(from, Math.min(arriving.size(), from + batchSize))), 0);
      }
      advanceWatermark(Fixtures.T0 + (chunk + 99) * 100L);
    }
    return triggers();
  }

  @Test
  void waitingEventsNeedOneTimerPerModelNotOnePerBucket() throws Exception {
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    List<SeaData.Point> points = SeaData.iid(5, 300, SeaData.OLD_THRESHOLD, 0);
    for (int i = 0; i < 300; i++) { // 100 ms apart: 300 buckets of 20 ms
      LabelledEvent event = Fixtures.event(MODEL, i, points.get(i), 1);
      harness.processElement(List.of(new ObservedEvent(event, i % 2, i / 2)), event.getEventTime());
    }
    assertEquals(1, harness.numEventTimeTimers());
    advanceWatermark(Fixtures.T0 + 199 * 100L);
    assertEquals(1, harness.numEventTimeTimers(), "the next, at the 201st event");
    advanceWatermark(Fixtures.T0 + 299 * 100L);
    assertEquals(0, harness.numEventTimeTimers());
  }

  /** Sends one event of the old concept with {@code label}, at the next position, and lets the watermark pass it. */
  void sendWithLabel(int label) throws Exception {
    SeaData.Point p = SeaData.iid(5000 + next, 1, SeaData.OLD_THRESHOLD, 0).get(0);
    int i = next++;
    LabelledEvent event = LabelledEvent.newBuilder(Fixtures.event(MODEL, i, p, 1)).setLabel(label).build();
    harness.processElement(List.of(new ObservedEvent(event, i % 2, i / 2)), event.getEventTime());
    advanceWatermark(event.getEventTime());
  }

  List<dev.plasticity.schemas.DeadLetter> refused() {
    var out = harness.getSideOutput(ChampionDriftFunction.REFUSED);
    return out == null ? List.of() : out.stream().map(r -> r.getValue()).toList();
  }

  @Test
  void anEventWhoseLabelIsNotAClassOfTheChampionIsADeadLetterNamingTheRuleAndTheClassCount() throws Exception {
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0); // numClasses 2
    sendWithLabel(Integer.MAX_VALUE); // on the old code: NegativeArraySizeException once the window is assessed
    sendWithLabel(2);
    send(200, SeaData.NEW_THRESHOLD, 1); // fills the window of 200 with the valid events only
    assertEquals(2, refused().size());
    dev.plasticity.schemas.DeadLetter letter = refused().get(0);
    org.junit.jupiter.api.Assertions.assertTrue(letter.getError().contains(
        "label 2147483647 is not a class of sea v1: a label must be in [0, numClasses) and the model has numClasses 2"),
        letter.getError());
    assertEquals(Topics.EVENTS_LABELLED, letter.getSourceTopic());
    assertEquals(0L, letter.getOffset());
    assertEquals(LabelledEvent.newBuilder(Fixtures.event(MODEL, 0,
        SeaData.iid(5000, 1, SeaData.OLD_THRESHOLD, 0).get(0), 1)).setLabel(Integer.MAX_VALUE).build(),
        ObservedEvent.CODEC.decode(letter.getValue().array()), "the letter carries the event's bytes");
    assertEquals(1, triggers().size(), "the window was assessed, and the drift after the refused events found");
    assertEquals(200, triggers().get(0).getWindow().getEventCount());
  }

  @Test
  void eventsBufferedBeforeTheFirstChampionAreCheckedAgainstItsClassesWhenItArrives() throws Exception {
    sendWithLabel(5);
    send(150, SeaData.NEW_THRESHOLD, 1);
    assertEquals(0, refused().size(), "no champion yet: 5 may be a class");
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    send(49, SeaData.NEW_THRESHOLD, 1);
    assertEquals(1, refused().size());
    org.junit.jupiter.api.Assertions.assertTrue(refused().get(0).getError().contains("label 5 is not a class of sea v1"));
    assertEquals(0, triggers().size(), "199 events of its classes: the window is not full yet");
    send(1, SeaData.NEW_THRESHOLD, 1);
    assertEquals(1, triggers().size());
  }

  @Test
  void aWindowTheMonitorCannotAssessBecomesDeadLettersWithTheExceptionAndTheJobGoesOn() throws Exception {
    // sample rows two wide for three features: the MMD test throws on every window of this champion
    ModelVersion broken = Fixtures.champion(MODEL, 1);
    broken.getReference().setSampleRows(List.of(List.of(1.0, 2.0), List.of(3.0, 4.0), List.of(5.0, 6.0)));
    broken.setDriftConfig(DriftConfig.newBuilder().setTests(List.of("MMD", "ERROR_RATE")).build());
    harness.processBroadcastElement(broken, 0);
    send(200, SeaData.NEW_THRESHOLD, 1); // on the old code the exception fails the operator here
    assertEquals(200, refused().size());
    org.junit.jupiter.api.Assertions.assertTrue(refused().get(0).getError().contains(
        "the window of 200 events it belongs to could not be assessed against sea v1: java.lang.IllegalArgumentException"),
        refused().get(0).getError());
    assertEquals(0, triggers().size());
    harness.processBroadcastElement(Fixtures.champion(MODEL, 2), 0);
    send(200, SeaData.NEW_THRESHOLD, 2);
    assertEquals(1, triggers().size(), "the next champion is monitored as usual");
    assertEquals(2, triggers().get(0).getBaseVersion());
  }

  @Test
  void championsTheJobCannotMonitorAreIgnored() throws Exception {
    ModelVersion noClasses = Fixtures.champion(MODEL, 1);
    noClasses.getArchitecture().setNumClasses(-5);
    harness.processBroadcastElement(noClasses, 0);
    ModelVersion noFeatures = Fixtures.champion(MODEL, 2);
    noFeatures.getArchitecture().setInputFeatures(List.of());
    harness.processBroadcastElement(noFeatures, 0);
    assertEquals(null, harness.getBroadcastState(ChampionDriftFunction.CHAMPIONS).get(MODEL));
    assertEquals("numClasses must be in [1, 1048576], got -5",
        DecodeModelVersions.championProblem(noClasses, SETTINGS));
    assertEquals("the architecture names no input features", DecodeModelVersions.championProblem(noFeatures, SETTINGS));
  }
}
