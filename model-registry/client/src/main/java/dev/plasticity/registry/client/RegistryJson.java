package dev.plasticity.registry.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The JSON the registry's HTTP API speaks: Avro records (e.g. {@code ModelVersion}) written as
 * plain JSON objects with their field names, e.g. {@code {"model":"sea","version":2,...}}.
 */
public final class RegistryJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addMixIn(SpecificRecordBase.class, AvroRecordMixin.class)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .build();

  private RegistryJson() {}

  /** A shared, thread-safe mapper configured for Avro records. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  @JsonIgnoreProperties({"schema", "specificData", "classSchema", "encoder", "decoder"})
  private abstract static class AvroRecordMixin {}
}
