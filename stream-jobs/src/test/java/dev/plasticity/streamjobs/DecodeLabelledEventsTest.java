package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Topics;
import dev.plasticity.streamjobs.drift.SeaData;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rules a labelled event must meet before the drift operator sees it, through Flink's operator harness. */
class DecodeLabelledEventsTest {
  static final long DAY = 86_400_000L;
  static final AvroCodec<LabelledEvent> CODEC = AvroCodec.of(LabelledEvent.class);

  OneInputStreamOperatorTestHarness<KafkaRecord, ObservedEvent> harness;
  long offset;

  @BeforeEach
  void open() throws Exception {
    harness = ProcessFunctionTestHarnesses.forProcessFunction(new DecodeLabelledEvents(DAY));
    harness.setProcessingTime(Fixtures.T0);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  static LabelledEvent good() {
    return Fixtures.event("sea", 0, SeaData.iid(3, 1, SeaData.OLD_THRESHOLD, 0).get(0), 1);
  }

  /** Sends the event; returns the reason it was refused, or null when it passed. */
  String reasonFor(LabelledEvent event) throws Exception {
    return reasonFor(CODEC.encode(event));
  }

  String reasonFor(byte[] value) throws Exception {
    int before = harness.extractOutputValues().size();
    harness.processElement(new KafkaRecord(Topics.EVENTS_LABELLED, 0, offset++, 0L, "k".getBytes(), value), 0);
    if (harness.extractOutputValues().size() > before) {
      return null;
    }
    List<DeadLetter> letters = harness.getSideOutput(DecodeLabelledEvents.DEAD_LETTERS).stream().map(r -> r.getValue()).toList();
    return letters.get(letters.size() - 1).getError();
  }

  @Test
  void aValidEventPasses() throws Exception {
    assertEquals(null, reasonFor(good()));
  }

  @Test
  void aLabelAtOrAboveTheHardBoundIsADeadLetterBeforeAnyVersionIsKnown() throws Exception {
    assertEquals("invalid LabelledEvent sea-0: label 2147483647 is not a class index below the hard bound of 1048576 classes",
        reasonFor(LabelledEvent.newBuilder(good()).setLabel(Integer.MAX_VALUE).build()));
    assertEquals(null, reasonFor(LabelledEvent.newBuilder(good()).setLabel(DecodeLabelledEvents.MAX_CLASSES - 1).build()));
    assertTrue(reasonFor(LabelledEvent.newBuilder(good()).setLabel(-1).build()).endsWith("negative label -1"));
  }

  @Test
  void tenThousandFeaturesAreMoreThanAnEventMayCarry() throws Exception {
    Map<String, Double> features = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      features.put("f" + i, (double) i);
    }
    assertEquals("invalid LabelledEvent sea-0: 10000 numeric features, more than the 4096 an event may carry",
        reasonFor(LabelledEvent.newBuilder(good()).setFeatures(features).build()));
  }

  @Test
  void nonFiniteFeaturesAreDeadLetters() throws Exception {
    assertTrue(reasonFor(LabelledEvent.newBuilder(good()).setFeatures(Map.of("x1", Double.POSITIVE_INFINITY)).build())
        .endsWith("feature 'x1' is Infinity"));
    assertTrue(reasonFor(LabelledEvent.newBuilder(good()).setFeatures(Map.of("x1", Double.NaN)).build())
        .endsWith("feature 'x1' is NaN"));
  }

  @Test
  void eventTimesBeforeNineteenSeventyOrFarAheadOfTheClockAreDeadLetters() throws Exception {
    assertEquals("invalid LabelledEvent sea-0: event time -9223372036854775808 is before 1970 (event times are epoch millis)",
        reasonFor(LabelledEvent.newBuilder(good()).setEventTime(Long.MIN_VALUE).build()));
    assertEquals("invalid LabelledEvent sea-0: event time 9223372036854775807 is more than 86400000 ms ahead of the job's clock ("
        + Fixtures.T0 + ")", reasonFor(LabelledEvent.newBuilder(good()).setEventTime(Long.MAX_VALUE).build()));
    assertEquals(null, reasonFor(LabelledEvent.newBuilder(good()).setEventTime(Fixtures.T0 + DAY).build()),
        "up to a day ahead is still on time");
  }

  @Test
  void aLengthBombIsADeadLetterNamingTheClaim() throws Exception {
    String reason = reasonFor(LabelledEventDecoderTest.lengthBomb());
    assertTrue(reason.contains("a string length of 2000000000 claimed at byte 0, but only 90 bytes of the record remain"), reason);
    DeadLetter letter = harness.getSideOutput(DecodeLabelledEvents.DEAD_LETTERS).peek().getValue();
    assertEquals(Topics.EVENTS_LABELLED, letter.getSourceTopic());
    assertEquals(LabelledEventDecoderTest.lengthBomb().length, letter.getValue().remaining(), "the original bytes");
  }
}
