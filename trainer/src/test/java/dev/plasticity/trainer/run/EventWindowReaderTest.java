package dev.plasticity.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Topics;
import dev.plasticity.testkit.KafkaBroker;
import dev.plasticity.trainer.KafkaTopicsRead;
import dev.plasticity.trainer.SeaEvents;
import dev.plasticity.trainer.TestConstraints;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainerService;
import dev.plasticity.trainer.TrainingOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's window reader on a real broker: what does not decode is counted and dead-lettered, never skipped silently. */
class EventWindowReaderTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  @TempDir Path dir;

  @Test
  void trainsOnTheGoodEventsAndDeadLettersTheUndecodableAndUnlearnableOnesWithTheReason() throws Exception {
    long t0 = 1_730_000_000_000L;
    List<byte[]> garbage = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      AvroCodec<LabelledEvent> codec = AvroCodec.of(LabelledEvent.class);
      List<LabelledEvent> events = SeaEvents.generate("mixed", 300, 7.0, 5, t0);
      for (int i = 0; i < events.size(); i++) {
        LabelledEvent e = events.get(i);
        if (i % 50 == 0) { // six records that are not events, each before good ones on the same partition
          byte[] bad = ("not an event " + i).getBytes(StandardCharsets.UTF_8);
          garbage.add(bad);
          producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, 0, e.getEventTime(),
              ("bad-" + i).getBytes(StandardCharsets.UTF_8), bad));
        }
        if (i % 100 == 25) { // three well-formed events no network can learn from
          LabelledEvent extreme = LabelledEvent.newBuilder(e).setEventId("extreme-" + i)
              .setLabel(i == 25 ? Integer.MAX_VALUE : i == 125 ? -1 : e.getLabel())
              .setFeatures(i == 225 ? Map.of("x1", Double.NaN, "x2", 1.0, "x3", 1.0) : e.getFeatures()).build();
          producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, 0, e.getEventTime(),
              extreme.getEventId().getBytes(StandardCharsets.UTF_8), codec.encode(extreme)));
        }
        producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, 0, e.getEventTime(),
            e.getEventId().getBytes(StandardCharsets.UTF_8), codec.encode(e)));
      }
      producer.flush();
    }
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dir).httpPort(0)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build())) {
      new RegistryClient(registry.baseUri()).ensureModel("mixed");
      TrainerConfig config = TrainerConfig.builder(kafka.bootstrapServers(), registry.baseUri())
          .constraints(TestConstraints.BUSY_MACHINE)
          .strategy("retrain").trainingEvents(300).minTrainingEvents(100).dataWait(Duration.ofSeconds(20))
          .epochs(3).hiddenUnits(List.of(8)).build();
      try (TrainerService trainer = TrainerService.create(config)) {
        TrainingOutcome outcome = trainer.bootstrap("mixed", t0, 300);

        assertThat(outcome.status()).isEqualTo(TrainingOutcome.Status.CHAMPION);
        assertThat(outcome.trainingEvents()).isEqualTo(300);
        assertThat(outcome.message()).contains("300 events, 6 undecodable sent to " + Topics.EVENTS_DLQ
            + ", 3 invalid sent to " + Topics.EVENTS_DLQ);
      }
    }
    List<DeadLetter> letters = KafkaTopicsRead.deadLetters(kafka.bootstrapServers(), Topics.EVENTS_DLQ,
        l -> l.getError().startsWith("trainer window reader: not an Avro"), 6);
    assertThat(letters).extracting(l -> new String(KafkaTopicsRead.bytes(l.getValue()), StandardCharsets.UTF_8))
        .containsExactlyInAnyOrderElementsOf(garbage.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList());
    assertThat(letters).allSatisfy(l -> {
      assertThat(l.getError()).startsWith("trainer window reader: not an Avro single-object payload for LabelledEvent");
      assertThat(l.getPartition()).isZero();
      assertThat(new String(KafkaTopicsRead.bytes(l.getKey()), StandardCharsets.UTF_8)).startsWith("bad-");
      assertThat(l.getSourceTopic()).isEqualTo(Topics.EVENTS_LABELLED);
    });
    List<DeadLetter> invalid = KafkaTopicsRead.deadLetters(kafka.bootstrapServers(), Topics.EVENTS_DLQ,
        l -> l.getError().startsWith("trainer window reader: event extreme-"), 3);
    assertThat(invalid).extracting(DeadLetter::getError).containsExactlyInAnyOrder(
        "trainer window reader: event extreme-25 of model 'mixed': label 2147483647 is outside the classes [0, 1000)",
        "trainer window reader: event extreme-125 of model 'mixed': label -1 is outside the classes [0, 1000)",
        "trainer window reader: event extreme-225 of model 'mixed': feature 'x1' is NaN, not a finite number");
  }

  @Test
  void aWindowOfRecordsThatDoNotDecodeFailsSayingWhyRatherThanThatNoEventsArrived() throws Exception {
    long t1 = 1_600_000_000_000L;
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, 1, t1 + i, null,
            ("from a client with another format " + i).getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
    try (EventWindowReader reader = new EventWindowReader(kafka.bootstrapServers(), 1000)) {
      assertThatThrownBy(() -> reader.read("unreadable", t1, 20, 10, 20, Duration.ofSeconds(2), n -> {}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("only 0 events of model 'unreadable'")
          .hasMessageContaining("records did not decode and went to " + Topics.EVENTS_DLQ
              + ", the first because: not an Avro single-object payload for LabelledEvent");
      assertThat(reader.undecodable()).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES) // the read below would otherwise wait its full ten minutes
  void onceEnoughEventsAreReadItTakesWhatHasArrivedAndWaitsForNoMore() throws Exception {
    long t2 = 1_500_000_000_000L;
    AvroCodec<LabelledEvent> codec = AvroCodec.of(LabelledEvent.class);
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (LabelledEvent e : SeaEvents.generate("arrived", 150, 7.0, 9, t2)) {
        producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, (int) (e.getEventTime() % 2), e.getEventTime(),
            e.getEventId().getBytes(StandardCharsets.UTF_8), codec.encode(e)));
      }
      producer.flush();
    }
    try (EventWindowReader reader = new EventWindowReader(kafka.bootstrapServers(), 1000)) {
      // up to 1,000 wanted, 100 enough: the 150 that have arrived, every one of them, not just the 100
      List<LabelledEvent> read = reader.read("arrived", t2, 1000, 50, 100, Duration.ofMinutes(10), n -> {});

      assertThat(read).hasSize(150);
      assertThat(read).isSortedAccordingTo(java.util.Comparator.comparingLong(LabelledEvent::getEventTime));
    }
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
