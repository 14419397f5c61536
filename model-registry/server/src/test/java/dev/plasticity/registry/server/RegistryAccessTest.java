package dev.plasticity.registry.server;

import static dev.plasticity.registry.server.TestVersions.artifact;
import static dev.plasticity.registry.server.TestVersions.metadata;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.RegistryException;
import dev.plasticity.schemas.ModelVersion;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may change what is served, and who can reach the registry at all. */
class RegistryAccessTest {
  private static final String TOKEN = "s3cret-registry-token";

  @TempDir Path artifactDir;

  @Test
  void withATokenConfiguredWritesNeedItAndReadsStayOpen() throws Exception {
    try (RegistryServer server = RegistryServer.start(TestVersions.inMemory(artifactDir).bearerToken(TOKEN).build())) {
      RegistryClient anonymous = new RegistryClient(server.baseUri());
      RegistryClient wrong = anonymous.withToken("guess");
      RegistryClient trusted = anonymous.withToken(TOKEN);

      assertThatThrownBy(() -> anonymous.ensureModel("guarded"))
          .isInstanceOf(RegistryException.class).hasMessageContaining("401").hasMessageContaining("Bearer");
      assertThatThrownBy(() -> wrong.ensureModel("guarded")).hasMessageContaining("401");
      trusted.ensureModel("guarded");
      assertThatThrownBy(() -> anonymous.register(metadata("guarded", "champion", null), artifact("anonymous")))
          .hasMessageContaining("401");
      assertThatThrownBy(() -> wrong.register(metadata("guarded", "champion", null), artifact("wrong")))
          .hasMessageContaining("401");
      ModelVersion version = trusted.register(metadata("guarded", "champion", null), artifact("trusted"));
      assertThatThrownBy(() -> anonymous.reportRejection("guarded", 1, "not me")).hasMessageContaining("401");

      assertThat(anonymous.versions("guarded")).containsExactly(version);
      assertThat(anonymous.champion("guarded")).contains(version);
      assertThat(anonymous.downloadVerified(version)).isEqualTo(artifact("trusted"));
      assertThat(anonymous.rejection("guarded", 1)).isEmpty();
      assertThat(RegistryCrashTest.storedArtifacts(artifactDir)).containsExactly(version.getArtifactSha256());
    }
  }

  @Test
  void aRefusedWriteAnswersJsonAndAsksForABearerToken() throws Exception {
    try (RegistryServer server = RegistryServer.start(TestVersions.inMemory(artifactDir).bearerToken(TOKEN).build())) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(server.baseUri() + "/api/models/guarded"))
              .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("u:" + TOKEN).getBytes()))
              .PUT(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
      assertThat(response.body()).startsWith("{\"error\":").doesNotContain(TOKEN);
    }
  }

  @Test
  void theTokenIsNeverPartOfTheConfigurationsText() {
    RegistryConfig config = TestVersions.inMemory(artifactDir).bearerToken(TOKEN).build();
    RegistryConfig fromEnvironment = RegistryServer.fromEnvironment(Map.of(
        "PLASTICITY_REGISTRY_TOKEN", TOKEN, "PLASTICITY_REGISTRY_DATA_DIR", artifactDir.toString()));

    assertThat(config.toString()).doesNotContain(TOKEN).contains("bearerToken=***");
    assertThat(fromEnvironment.bearerToken()).isEqualTo(TOKEN);
    assertThat(fromEnvironment.toString()).doesNotContain(TOKEN);
  }

  @Test
  void theRegistryListensOnLoopbackUnlessToldOtherwise() throws Exception {
    RegistryConfig defaults = RegistryServer.fromEnvironment(Map.of("PLASTICITY_REGISTRY_DATA_DIR", artifactDir.toString()));
    RegistryConfig everywhere = RegistryServer.fromEnvironment(Map.of(
        "PLASTICITY_REGISTRY_DATA_DIR", artifactDir.toString(), "PLASTICITY_REGISTRY_BIND_HOST", "0.0.0.0"));
    assertThat(defaults.bindHost()).isEqualTo("127.0.0.1");
    assertThat(everywhere.bindHost()).isEqualTo("0.0.0.0");

    Optional<InetAddress> external = externalAddress();
    assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address to try");
    try (RegistryServer server = RegistryServer.start(TestVersions.inMemory(artifactDir).build())) {
      assertThat(new RegistryClient(server.baseUri()).champion("any")).isEmpty(); // loopback answers
      assertThatThrownBy(() -> {
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress(external.get(), server.port()), 2000);
        }
      }).isInstanceOf(ConnectException.class);
    }
    try (RegistryServer server = RegistryServer.start(TestVersions.inMemory(artifactDir).bindHost("0.0.0.0").build())) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(external.get(), server.port()), 2000);
        assertThat(socket.isConnected()).isTrue();
      }
    }
  }

  private static Optional<InetAddress> externalAddress() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
            return Optional.of(address);
          }
        }
      }
    }
    return Optional.empty();
  }
}
