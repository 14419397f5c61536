package dev.plasticity.schemas;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * Avro's specific data model for the contract's records, which builds the classes generated into
 * {@value #CONTRACT_PACKAGE} without asking Avro's JVM-wide list of trusted packages. Avro 1.12
 * refuses to instantiate a generated class outside that list ({@code
 * org.apache.avro.util.ClassSecurityValidator}, set by {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES}
 * or in code), so without this every decode of a contract record failed in a JVM started without
 * the property. The classes trusted here are exactly the schemas of this package, whose names this
 * codebase generated; any other name in a schema is looked up as Avro's settings say. Nothing
 * JVM-wide is changed.
 *
 * <p>Thread-safe.
 */
final class ContractData extends SpecificData {
  /** The namespace of every contract record, enum and fixed type. */
  static final String CONTRACT_PACKAGE = "dev.plasticity.schemas";

  /** Contract classes by full name; empty when the name is not a class (Avro then reads it generically). */
  private final Map<String, Optional<Class<?>>> contractClasses = new ConcurrentHashMap<>();

  /** A model for {@code type} with the same logical-type conversions as its generated one. */
  ContractData(Class<?> type) {
    super(type.getClassLoader());
    SpecificData.getForClass(type).getConversions().forEach(this::addLogicalTypeConversion);
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Class getClass(Schema schema) {
    switch (schema.getType()) {
      case RECORD, ENUM, FIXED -> {
        if (CONTRACT_PACKAGE.equals(schema.getNamespace())) {
          Optional<Class<?>> contract = contractClasses.computeIfAbsent(schema.getFullName(), this::load);
          if (contract.isPresent()) {
            return contract.get();
          }
        }
        return super.getClass(schema);
      }
      default -> {
        return super.getClass(schema);
      }
    }
  }

  private Optional<Class<?>> load(String name) {
    try {
      return Optional.of(Class.forName(name, false, getClassLoader()));
    } catch (ClassNotFoundException e) {
      return Optional.empty();
    }
  }
}
