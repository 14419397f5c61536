package dev.plasticity.bench;

import dev.plasticity.schemas.Topics;
import java.time.Duration;
import java.util.UUID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What any Flink job pays before doing work: the drift job's Kafka source, checkpointing and
 * parallelism, the records shuffled to one key as the drift job's one model is, and nothing else.
 * Counts on either side of the shuffle under the drift job's counter names, so that {@link
 * CounterTap} times it the same way.
 */
final class FlinkFloorJob {
  private FlinkFloorJob() {}

  static void build(StreamExecutionEnvironment env, String bootstrap) {
    env.enableCheckpointing(Duration.ofSeconds(2).toMillis(), CheckpointingMode.EXACTLY_ONCE);
    env.getConfig().enableObjectReuse();
    KafkaSource<byte[]> source = KafkaSource.<byte[]>builder()
        .setBootstrapServers(bootstrap)
        .setTopics(Topics.EVENTS_LABELLED)
        .setGroupId("floor-" + UUID.randomUUID())
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setBounded(OffsetsInitializer.latest())
        .setDeserializer(KafkaRecordDeserializationSchema.valueOnly(ByteArrayDeserializer.class))
        .build();
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "labelled events ← Kafka")
        .map(new Count("eventsDecoded")).returns(byte[].class)
        .keyBy(bytes -> "sea", Types.STRING)
        .map(new Count("eventsAssessed")).returns(byte[].class)
        .sinkTo(new DiscardingSink<>());
  }

  /** Passes records through and counts them. */
  static final class Count extends RichMapFunction<byte[], byte[]> {
    private final String name;
    private transient Counter counter;

    Count(String name) {
      this.name = name;
    }

    @Override
    public void open(OpenContext context) {
      counter = getRuntimeContext().getMetricGroup().counter(name);
    }

    @Override
    public byte[] map(byte[] value) {
      counter.inc();
      return value;
    }
  }
}
