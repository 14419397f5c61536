package dev.plasticity.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the client brings onto a service's classpath: its runtime dependencies, as Maven resolves them. */
class ClientClasspathTest {
  @Test
  void bringsNoWebServerKotlinKafkaStreamsOrRocksDb() throws Exception {
    String file = System.getProperty("plasticity.client.runtime.classpath");
    assertThat(file).as("set by this module's surefire configuration").isNotBlank();
    List<String> jars = Arrays.stream(Files.readString(Path.of(file)).trim().split(File.pathSeparator))
        .map(jar -> Path.of(jar).getFileName().toString()).toList();

    assertThat(jars).as("runtime classpath").anyMatch(jar -> jar.startsWith("kafka-clients-"))
        .anyMatch(jar -> jar.startsWith("api-")).anyMatch(jar -> jar.startsWith("pytorch-engine-"))
        .noneMatch(jar -> jar.startsWith("javalin") || jar.startsWith("jetty") || jar.startsWith("kotlin")
            || jar.startsWith("rocksdbjni") || jar.startsWith("kafka-streams") || jar.startsWith("plasticity-inference-service"));
  }
}
