package dev.plasticity.streamjobs;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.ModelVersion;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link ModelVersion}s from the compacted versions topic, skipping tombstones and, with a
 * warning, payloads that do not decode: the drift job must not fail on the registry's topic.
 */
final class ModelVersionDeserializer implements KafkaRecordDeserializationSchema<ModelVersion> {
  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(ModelVersionDeserializer.class);
  private transient AvroCodec<ModelVersion> codec;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ModelVersion> out) {
    if (record.value() == null) {
      return;
    }
    if (codec == null) {
      codec = AvroCodec.of(ModelVersion.class);
    }
    try {
      out.collect(codec.decode(record.value()));
    } catch (AvroCodec.InvalidPayloadException e) {
      log.warn("skipping undecodable model version at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
    }
  }

  @Override
  public TypeInformation<ModelVersion> getProducedType() {
    return TypeInformation.of(ModelVersion.class);
  }
}
