package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Topics;
import dev.plasticity.testkit.FaultRecord;
import dev.plasticity.testkit.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole embedded stack against what a careless producer or an attacker writes to every topic
 * its services read: undecodable bytes, truncated records, records whose string lengths claim a
 * gigabyte, and well-formed triggers that cannot be trained. Every one must end on a dead-letter
 * topic with a reason, and every service must still be up afterwards: no failed job, no dead thread.
 */
@Timeout(300)
class StackFuzzTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  @TempDir Path dir;

  private static final String MODEL = "fuzzed";

  @Test
  void everyBadRecordIsDeadLetteredAndEveryServiceStaysUp() throws Exception {
    Random random = new Random(12);
    EmbeddedStack.Options options = new EmbeddedStack.Options(dir, null, MODEL, 2, b -> b, b -> b)
        .withExternalKafka(kafka.bootstrapServers())
        .withTrainer(b -> b.maxAttempts(2).retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
            .dataWait(Duration.ofSeconds(2)));
    try (EmbeddedStack stack = EmbeddedStack.start(options);
        KafkaProducer<byte[], byte[]> producer = producer()) {
      Map<String, Integer> sent = new HashMap<>();
      byte[] key = MODEL.getBytes(StandardCharsets.UTF_8);
      for (byte[] bad : malformed(random, validEvent())) {
        send(producer, Topics.EVENTS_LABELLED, key, bad, sent);
      }
      for (byte[] bad : malformed(random, TRIGGERS.encode(validTrigger("fuzz-bytes", 1)))) {
        send(producer, Topics.DRIFT_TRIGGERS, key, bad, sent);
      }
      // well-formed, but nothing can be trained from them: no events in their windows, no such base
      send(producer, Topics.DRIFT_TRIGGERS, key, TRIGGERS.encode(validTrigger("fuzz-empty-window", 1)), sent);
      send(producer, Topics.DRIFT_TRIGGERS, key, TRIGGERS.encode(validTrigger("fuzz-base-99", 99)), sent);
      for (byte[] bad : malformed(random, null)) {
        send(producer, Topics.MODEL_VERSIONS, key, bad, sent);
      }
      producer.flush();

      Map<String, Integer> lettered = awaitDeadLetters(sent, Duration.ofMinutes(4));

      // a record two services read (the versions topic: the drift job and inference) may be dead-lettered by each
      sent.forEach((topic, count) ->
          assertThat(lettered.getOrDefault(topic, 0)).as("dead letters from %s (all: %s)", topic, lettered).isGreaterThanOrEqualTo(count));
      assertThat(stack.health()).as("health after the fuzz").allSatisfy(h -> assertThat(h.up()).as(h.toString()).isTrue());
      FaultRecord record = FaultRecord.of("malformed-input", getClass(), "everyBadRecordIsDeadLetteredAndEveryServiceStaysUp")
          .expect("services up after the fuzz", stack.health().size(), (int) stack.health().stream().filter(h -> h.up()).count());
      sent.forEach((topic, count) -> record.count("bad records sent to " + topic, count)
          .count("dead letters from " + topic, lettered.getOrDefault(topic, 0)));
      record.write();
    }
  }

  private static final AvroCodec<LabelledEvent> EVENTS = AvroCodec.of(LabelledEvent.class);
  private static final AvroCodec<DriftTrigger> TRIGGERS = AvroCodec.of(DriftTrigger.class);
  private static final AvroCodec<DeadLetter> LETTERS = AvroCodec.of(DeadLetter.class);

  /** Random bytes, text, JSON, and, when there is a valid record to start from, it truncated and with a gigabyte-long first string. */
  private static List<byte[]> malformed(Random random, byte[] valid) {
    List<byte[]> records = new ArrayList<>();
    byte[] noise = new byte[1 + random.nextInt(200)];
    random.nextBytes(noise);
    records.add(noise);
    records.add("hello, this is not Avro".getBytes(StandardCharsets.UTF_8));
    records.add("{\"eventId\":\"e1\",\"label\":1}".getBytes(StandardCharsets.UTF_8));
    if (valid != null) {
      records.add(Arrays.copyOf(valid, valid.length / 2));
      records.add(lengthBomb(valid));
    }
    return records;
  }

  /** The record with its first string's length replaced by a claim of about a gigabyte. */
  static byte[] lengthBomb(byte[] valid) {
    int header = 10; // single-object encoding: 2-byte marker, 8-byte schema fingerprint
    int end = header;
    while ((valid[end] & 0x80) != 0) {
      end++;
    }
    end++;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(valid, 0, header);
    long zigzag = 2L * 1_000_000_000L;
    while ((zigzag & ~0x7FL) != 0) {
      out.write((int) ((zigzag & 0x7F) | 0x80));
      zigzag >>>= 7;
    }
    out.write((int) zigzag);
    out.write(valid, end, valid.length - end);
    return out.toByteArray();
  }

  private static byte[] validEvent() {
    return EVENTS.encode(LabelledEvent.newBuilder().setEventId("e1").setModel(MODEL).setEventTime(1_000L)
        .setFeatures(Map.of("x1", 1.0, "x2", 2.0)).setLabel(1).build());
  }

  private static DriftTrigger validTrigger(String id, int baseVersion) {
    return DriftTrigger.newBuilder().setTriggerId(id).setModel(MODEL).setBaseVersion(baseVersion)
        .setKind(DriftKind.CONCEPT).setSeverity(1.0).setDetectedAt(2_000L).setEvidence(List.of())
        .setWindow(DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(0L).setEndTime(1L)
            .setEventCount(0).setOffsets(List.of()).build())
        .build();
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String topic, byte[] key, byte[] value,
      Map<String, Integer> sent) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get();
    sent.merge(topic, 1, Integer::sum);
  }

  /** Counts dead letters by the topic they came from, until there are {@code expected} from each or time is up. */
  private static Map<String, Integer> awaitDeadLetters(Map<String, Integer> expected, Duration patience) {
    Map<String, Integer> counted = new HashMap<>();
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "fuzz-reader");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.EVENTS_DLQ, Topics.DRIFT_TRIGGERS_DLQ));
      long deadline = System.nanoTime() + patience.toNanos();
      while (!covers(counted, expected) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          DeadLetter letter = LETTERS.decode(record.value());
          assertThat(letter.getError().toString()).as("the reason of a dead letter").isNotBlank();
          counted.merge(letter.getSourceTopic().toString(), 1, Integer::sum);
        }
      }
    }
    return counted;
  }

  private static boolean covers(Map<String, Integer> counted, Map<String, Integer> expected) {
    return expected.entrySet().stream().allMatch(e -> counted.getOrDefault(e.getKey(), 0) >= e.getValue());
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
