package dev.plasticity.registry.server;

import java.nio.file.Path;

/** The HTTP contract on the embedded H2 database (in memory). */
class H2RegistryTest extends RegistryContractTest {
  @Override
  RegistryConfig.Builder database(Path artifactDir) {
    return TestVersions.inMemory(artifactDir);
  }
}
