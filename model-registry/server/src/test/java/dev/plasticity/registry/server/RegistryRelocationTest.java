package dev.plasticity.registry.server;

import static dev.plasticity.registry.server.TestVersions.artifact;
import static dev.plasticity.registry.server.TestVersions.metadata;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.schemas.ModelVersion;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry restarted elsewhere (another port) still serves what it stored. */
class RegistryRelocationTest {
  @TempDir Path dataDir;

  @Test
  void aVersionStoredBeforeARestartOnAnotherPortDownloadsFromTheNewPort() throws IOException {
    ModelVersion stored;
    int firstPort;
    try (RegistryServer first = RegistryServer.start(RegistryConfig.builder().dataDir(dataDir).build())) {
      firstPort = first.port();
      RegistryClient client = new RegistryClient(first.baseUri());
      client.ensureModel("moved.model");
      stored = client.register(metadata("moved.model", "champion", "t-1"), artifact("before the move"));
    }

    try (RegistryServer second = RegistryServer.start(RegistryConfig.builder().dataDir(dataDir)
        .httpPort(freePortOtherThan(firstPort)).build())) {
      RegistryClient client = new RegistryClient(second.baseUri());
      ModelVersion served = client.champion("moved.model").orElseThrow();

      assertThat(second.port()).isNotEqualTo(firstPort);
      assertThat(served.getArtifactUri()).isEqualTo("api/models/moved.model/versions/1/artifact")
          .doesNotContain(String.valueOf(firstPort));
      assertThat(client.artifactLocation(served).getPort()).isEqualTo(second.port());
      assertThat(client.downloadVerified(served)).isEqualTo(artifact("before the move"));
      assertThat(served).isEqualTo(stored);
    }
  }

  private static int freePortOtherThan(int taken) throws IOException {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0)) {
        if (socket.getLocalPort() != taken) {
          return socket.getLocalPort();
        }
      }
    }
  }
}
