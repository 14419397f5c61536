package dev.plasticity.trainer.run;

import ai.djl.Model;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.registry.client.RegistryException;
import dev.plasticity.schemas.ModelVersion;
import java.util.Objects;
import java.util.Optional;

/**
 * The version a run starts from and is judged against, with its verified artifact: the trigger's
 * base version when it can be used, else the registry's champion (the newest one not reported
 * rejected: the last version that served) when that is another version that can, else none, so
 * one bad upload does not block retraining. A version cannot be used when the registry has a
 * rejection on record for it (inference could not serve it), when it does not exist, when its
 * artifact cannot be downloaded or fails its checksum, or when the artifact does not load as the
 * version's architecture. A registry that cannot be reached is not a reason to fall back: that
 * failure propagates, and the trigger is retried.
 *
 * <p>Immutable.
 *
 * @param version the version to start from; empty to train from scratch
 * @param artifact its downloaded, verified weights, present exactly when {@code version} is
 * @param why empty when the run starts where it was asked to; else which version it starts from
 *     instead, and why, in words for the plan's reason
 */
record StartingVersion(Optional<ModelVersion> version, Optional<byte[]> artifact, String why) {
  StartingVersion {
    Objects.requireNonNull(why, "why");
    if (version.isPresent() != artifact.isPresent()) {
      throw new IllegalArgumentException("a starting version comes with its artifact, and only then");
    }
  }

  /**
   * Chooses where a run of {@code model} starts.
   *
   * @param requested the trigger's base version; null for a run no trigger asked for, which starts
   *     from the champion
   */
  static StartingVersion choose(VersionStore registry, String model, Integer requested) {
    if (requested == null) {
      Optional<ModelVersion> champion = registry.champion(model);
      if (champion.isEmpty()) {
        return new StartingVersion(Optional.empty(), Optional.empty(), "");
      }
      Usable usable = check(registry, champion.get());
      return usable.problem() == null ? usable.start("")
          : scratch("the champion v" + champion.get().getVersion() + " cannot be used (" + usable.problem()
              + "), so this run trains from scratch");
    }
    Usable base = registry.version(model, requested).map(v -> check(registry, v))
        .orElseGet(() -> new Usable(null, null, "the registry has no such version"));
    if (base.problem() == null) {
      return base.start("");
    }
    String baseProblem = "the trigger's base version v" + requested + " cannot be used (" + base.problem() + ")";
    Optional<ModelVersion> champion = registry.champion(model);
    if (champion.isEmpty()) {
      return scratch(baseProblem + " and no champion serves, so this run trains from scratch");
    }
    if (champion.get().getVersion() == requested) {
      return scratch(baseProblem + " and it is the champion, so this run trains from scratch");
    }
    Usable fallback = check(registry, champion.get());
    if (fallback.problem() == null) {
      return fallback.start(baseProblem + ", so this run starts from v" + champion.get().getVersion()
          + ", the champion: the last version that served");
    }
    return scratch(baseProblem + " and neither can the champion v" + champion.get().getVersion() + " ("
        + fallback.problem() + "), so this run trains from scratch");
  }

  private static StartingVersion scratch(String why) {
    return new StartingVersion(Optional.empty(), Optional.empty(), why);
  }

  /** A version's verified artifact, or why it cannot be used. */
  private record Usable(ModelVersion version, byte[] artifact, String problem) {
    StartingVersion start(String why) {
      return new StartingVersion(Optional.of(version), Optional.of(artifact), why);
    }
  }

  private static Usable check(VersionStore registry, ModelVersion version) {
    Optional<String> rejection = registry.rejection(version.getModel(), version.getVersion());
    if (rejection.isPresent()) {
      return new Usable(version, null, "reported rejected: " + rejection.get());
    }
    byte[] artifact;
    try {
      artifact = registry.downloadVerified(version);
    } catch (RegistryException e) {
      if (e.status() < 0) {
        throw e; // the registry is unreachable, not the version unusable: retry the trigger
      }
      return new Usable(version, null, "its artifact cannot be downloaded: " + e.getMessage());
    } catch (RuntimeException e) {
      return new Usable(version, null, "its artifact fails verification: " + e.getMessage());
    }
    try (Model loaded = ModelFormat.load(version.getModel(), version.getArchitecture(), artifact)) {
      return new Usable(version, artifact, null);
    } catch (RuntimeException e) {
      return new Usable(version, null, "its artifact does not load as " + ModelFormat.describe(version.getArchitecture())
          + ": " + e.getMessage());
    }
  }
}
