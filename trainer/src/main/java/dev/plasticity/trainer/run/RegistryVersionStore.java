package dev.plasticity.trainer.run;

import dev.plasticity.registry.client.ModelDefinition;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.schemas.ModelVersion;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The model registry as a run's {@link VersionStore}, through its HTTP client. Thread-safe as the client is. */
final class RegistryVersionStore implements VersionStore {
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
  public ModelVersion register(ModelVersion request, byte[] artifact) {
    return client.register(request, artifact);
  }
}
