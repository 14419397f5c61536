package dev.plasticity.registry.client;

import dev.plasticity.schemas.Architecture;
import java.util.Arrays;
import java.util.List;

/**
 * The kinds of network an {@link Architecture} may describe, read once from its {@code family}
 * text: every decision on the kind is a {@code switch} over this type. Immutable.
 */
public enum NetworkFamily {
  /** A feed-forward network from the input to class scores. */
  MLP("mlp"),
  /** A gate and K expert networks, each row computed by the gate's top k ({@link ExpertsBlock}). */
  EXPERTS("experts");

  private final String wireName;

  NetworkFamily(String wireName) {
    this.wireName = wireName;
  }

  /** The name an architecture's {@code family} field holds. */
  public String wireName() {
    return wireName;
  }

  /** Every name a {@code family} field may hold. */
  public static List<String> names() {
    return Arrays.stream(values()).map(NetworkFamily::wireName).toList();
  }

  /**
   * The family of {@code architecture}.
   *
   * @throws IllegalArgumentException naming the supported families when it holds none of them
   */
  public static NetworkFamily of(Architecture architecture) {
    String name = architecture.getFamily();
    for (NetworkFamily family : values()) {
      if (family.wireName.equals(name)) {
        return family;
      }
    }
    throw new IllegalArgumentException("unsupported network family '" + name + "'; supported: " + names());
  }
}
