package dev.plasticity.schemas;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Lets Avro build the contract's generated classes ({@value #CONTRACT_PACKAGE}) in any JVM, whether
 * or not it was started with {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES}. Avro 1.12 refuses to
 * instantiate a generated class outside its trusted packages, not only when decoding but also when a
 * generated builder copies a nested record ({@code ModelVersion.newBuilder(version)}); without the
 * property every such step failed with a message about class security. {@link #trust()} adds the
 * contract package to Avro's JVM-wide validator, keeping whatever it trusted before; other classes
 * stay as the JVM's settings say. {@link AvroCodec} calls it when first used, so every service and
 * client that reads or writes a topic needs no JVM flag.
 *
 * <p>Thread-safe; {@link #trust()} is idempotent.
 */
public final class ContractClasses {
  /** The package of every generated contract class. */
  public static final String CONTRACT_PACKAGE = "dev.plasticity.schemas";

  private static final AtomicBoolean TRUSTED = new AtomicBoolean();

  private ContractClasses() {}

  /** Adds {@value #CONTRACT_PACKAGE} to the classes Avro may build in this JVM (once). */
  public static void trust() {
    if (TRUSTED.compareAndSet(false, true)) {
      ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
          type -> CONTRACT_PACKAGE.equals(type.getPackageName())));
    }
  }
}
