package dev.plasticity.schemas;

import java.util.List;

/**
 * The aliases a {@link ModelVersion} carries, as they travel in its {@code alias} field: the one
 * place their spelling lives, for every module that writes or compares one.
 */
public final class Aliases {
  /** The version to serve: inference swaps it in and the drift job compares against it. */
  public static final String CHAMPION = "champion";
  /** A version registered but not served. */
  public static final String CHALLENGER = "challenger";

  /** Every alias a version may carry. */
  public static final List<String> ALL = List.of(CHAMPION, CHALLENGER);

  private Aliases() {}
}
