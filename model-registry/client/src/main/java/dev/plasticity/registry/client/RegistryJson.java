package dev.plasticity.registry.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.StdValueInstantiator;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.plasticity.schemas.ContractClasses;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The JSON the registry's HTTP API speaks: Avro records (e.g. {@code ModelVersion}) written as
 * plain JSON objects with their field names, e.g. {@code {"model":"sea","version":2,...}}. A
 * field the JSON lacks (written before the field existed) reads as its Avro default, as it would
 * from Avro binary.
 */
public final class RegistryJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addMixIn(SpecificRecordBase.class, AvroRecordMixin.class)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .addModule(new SimpleModule("avro-defaults").setDeserializerModifier(new AvroDefaults()))
          .build();

  static {
    ContractClasses.trust(); // the defaults it copies into records may be contract enums and records
  }

  private RegistryJson() {}

  /** A shared, thread-safe mapper configured for Avro records. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Starts every Avro record Jackson reads from its schema's defaults, not Java's zero values. */
  private static final class AvroDefaults extends BeanDeserializerModifier {
    @Override
    public BeanDeserializerBuilder updateBuilder(
        DeserializationConfig config, BeanDescription description, BeanDeserializerBuilder builder) {
      if (SpecificRecordBase.class.isAssignableFrom(description.getBeanClass())
          && builder.getValueInstantiator() instanceof StdValueInstantiator instantiator) {
        builder.setValueInstantiator(new StdValueInstantiator(instantiator) {
          @Override
          public Object createUsingDefault(DeserializationContext context) throws IOException {
            SpecificRecordBase record = (SpecificRecordBase) super.createUsingDefault(context);
            for (Schema.Field field : record.getSchema().getFields()) {
              if (field.hasDefaultValue()) {
                // a copy, as Avro's builders take: the default itself is cached and shared by every record
                SpecificData data = SpecificData.get();
                record.put(field.pos(), data.deepCopy(field.schema(), data.getDefaultValue(field)));
              }
            }
            return record;
          }
        });
      }
      return builder;
    }
  }

  @JsonIgnoreProperties({"schema", "specificData", "classSchema", "encoder", "decoder"})
  private abstract static class AvroRecordMixin {}
}
