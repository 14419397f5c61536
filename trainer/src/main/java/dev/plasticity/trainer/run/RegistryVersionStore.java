package dev.plasticity.trainer.run;

import dev.plasticity.registry.client.ModelDefinition;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.RegistryException;
import dev.plasticity.schemas.Aliases;
import dev.plasticity.schemas.ChangeKind;
import dev.plasticity.schemas.RegistryChange;
import java.util.ArrayList;
import dev.plasticity.schemas.ModelVersion;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The model registry as a run's {@link VersionStore}, through its HTTP client. Thread-safe as the client is. */
final class RegistryVersionStore implements VersionStore {
  /** Changes read per history request: the most the registry answers. */
  private static final int HISTORY_PAGE = 1000;

  private final RegistryClient client;

  RegistryVersionStore(RegistryClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public Optional<ModelDefinition> definition(String model) {
    return client.definition(model);
  }

  @Override
  public Optional<ModelVersion> champion(String model) {
    return client.champion(model);
  }

  @Override
  public Optional<ModelVersion> version(String model, int version) {
    return client.version(model, version);
  }

  @Override
  public List<ModelVersion> versions(String model) {
    return client.versions(model);
  }

  @Override
  public Optional<ModelVersion> versionForTrigger(String model, String triggerId) {
    return client.versionForTrigger(model, triggerId);
  }

  @Override
  public Optional<String> rejection(String model, int version) {
    return client.rejection(model, version);
  }

  @Override
  public byte[] downloadVerified(ModelVersion version) {
    return client.downloadVerified(version);
  }

  @Override
  public List<ChampionMove> championMoves(String model) {
    List<ChampionMove> moves = new ArrayList<>();
    long after = 0;
    while (true) {
      List<RegistryChange> page = client.history(model, after, HISTORY_PAGE);
      for (RegistryChange change : page) {
        if (change.getKind() == ChangeKind.ALIAS_SET && Aliases.CHAMPION.equals(change.getAlias())) {
          moves.add(new ChampionMove(change.getVersion(), change.getCause(), change.getReason()));
        }
        after = Math.max(after, change.getSequence());
      }
      if (page.size() < HISTORY_PAGE) {
        return moves;
      }
    }
  }

  @Override
  public void recall(String model, int version, int replacing, String reason) {
    try {
      client.recall(model, version, replacing, reason);
    } catch (RegistryException e) {
      if (e.status() == 409) {
        throw new Recall.Refused(e.getMessage(), e);
      }
      throw e;
    }
  }

  @Override
  public ModelVersion register(ModelVersion request, byte[] artifact) {
    return client.register(request, artifact);
  }
}
