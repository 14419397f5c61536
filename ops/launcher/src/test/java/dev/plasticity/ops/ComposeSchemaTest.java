package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code docker-compose.yml} is a valid Compose file: it validates against the Compose
 * Specification's JSON schema, kept in {@code src/test/resources/compose-spec/} (see the README
 * there for its source). The YAML is read with SnakeYAML, which resolves the file's anchors and
 * merge keys as Compose does. {@code ConfigurationNamesTest} runs {@code docker compose config}
 * where the plugin exists.
 */
class ComposeSchemaTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent().getParent();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void dockerComposeYmlFollowsTheComposeSpecification() throws Exception {
    Set<ValidationMessage> problems = schema().validate(compose(Files.readString(ROOT.resolve("docker-compose.yml"))));

    assertThat(problems).as("docker-compose.yml against the Compose Specification").isEmpty();
  }

  @Test
  void theSchemaRefusesWhatComposeWouldRefuse() throws Exception {
    JsonNode misspelt = compose("services:\n  registry:\n    image: eclipse-temurin:17-jre\n    enviroment: {A: b}\n");
    JsonNode badPorts = compose("services:\n  registry:\n    image: x\n    ports: {a: 1}\n");

    assertThat(schema().validate(misspelt)).as("an unknown service key").isNotEmpty();
    assertThat(schema().validate(badPorts)).as("ports as a map").isNotEmpty();
  }

  private static JsonSchema schema() throws Exception {
    try (InputStream in = ComposeSchemaTest.class.getResourceAsStream("/compose-spec/compose-spec.json")) {
      assertThat(in).as("the Compose Specification schema on the test class path").isNotNull();
      // the schema names draft 2019-09 but still marks sub-schemas with draft 4's "id", an annotation only
      JsonMetaSchema draft201909 = JsonMetaSchema.builder(JsonMetaSchema.getV201909())
          .keyword(new NonValidationKeyword("id")).build();
      return JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909))
          .metaSchema(draft201909).build().getSchema(in);
    }
  }

  private static JsonNode compose(String yaml) {
    Map<String, Object> document = new org.yaml.snakeyaml.Yaml().load(yaml);
    return JSON.valueToTree(document);
  }
}
