package dev.plasticity.schemas;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The aliases a {@link ModelVersion} carries, as they travel in its {@code alias} field: the one
 * place their spelling and rules live, for every module that writes or compares one. An alias
 * points at one version of a model and moves: a registration, the gate, an operator's promote or
 * rollback move it, and each move is a {@link RegistryChange}.
 */
public final class Aliases {
  /** The version to serve: inference swaps it in and the drift job compares against it. */
  public static final String CHAMPION = "champion";
  /** The newest version registered without being served (it lost its gate, or an operator set it). */
  public static final String CHALLENGER = "challenger";
  /** A version that scores the same events as the champion without answering. */
  public static final String SHADOW = "shadow";

  /**
   * Not a registry alias: the stamp on predictions of the champion that served before a swap, scored
   * beside its successor while live verification watches the successor. Reserved: no version can
   * be given it.
   */
  public static final String PREVIOUS = "previous";

  /** The aliases with a meaning of their own; an operator may give any other {@linkplain #NAME safe name}. */
  public static final List<String> ALL = List.of(CHAMPION, CHALLENGER, SHADOW);

  /**
   * What an alias (and a model name) may be spelled with: a letter or digit, then up to 127 letters,
   * digits, {@code .}, {@code _} or {@code -}. Safe in URLs, file names, Kafka keys and logs.
   */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** The rule {@link #NAME} enforces, in words, for error messages. */
  public static final String NAME_RULE = "1 to 128 characters: a letter or digit, then letters, digits, '.', '_' or '-'";

  /**
   * The key of a version's record on {@link Topics#MODEL_VERSIONS}: the model name for the champion,
   * {@code model@alias} for any other alias.
   */
  public static String topicKey(String model, String alias) {
    return CHAMPION.equals(alias) ? model : model + "@" + alias;
  }

  /**
   * Orders records of the versions topic by how recent the assignment they announce is: by the
   * registry's change number when both carry an {@link AliasAssignment} (so a rollback to an older
   * version comes later), otherwise by version number (a record written before the registry
   * numbered its changes, or by hand).
   */
  public static final java.util.Comparator<ModelVersion> ORDER =
      (a, b) -> compare(sequence(a), a.getVersion(), sequence(b), b.getVersion());

  /** The registry's change number of the assignment {@code version} announces; null when it carries none. */
  public static Long sequence(ModelVersion version) {
    return version.getAssignment() == null ? null : version.getAssignment().getSequence();
  }

  /** Whether {@code candidate} announces a newer assignment than {@code current} ({@link #ORDER}); true when there is no current one. */
  public static boolean newer(ModelVersion candidate, ModelVersion current) {
    return current == null || ORDER.compare(candidate, current) > 0;
  }

  /**
   * {@link #ORDER} on its parts, for holders of a served version that keep no record: each side's
   * change number (null when its record carried no assignment) and version number.
   */
  public static int compare(Long sequence, int version, Long otherSequence, int otherVersion) {
    if (sequence != null && otherSequence != null) {
      return Long.compare(sequence, otherSequence);
    }
    return Integer.compare(version, otherVersion);
  }

  private Aliases() {}
}
