package dev.plasticity.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingTest {
  private static final Setting<Integer> PORT = Setting.port("PLASTICITY_TEST_PORT", "8081", "the port");
  private static final Setting<String> TOKEN = Setting.text("PLASTICITY_TEST_TOKEN", "", "the token");

  @Test
  void aDurationThatMayBeZeroAcceptsZeroAndRefusesANegativeOne() {
    Setting<Duration> grace = Setting.durationOrZero("PLASTICITY_TEST_GRACE", "5m", "the grace");

    assertThat(grace.in(Map.of())).contains(Duration.ofMinutes(5));
    assertThat(grace.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(grace.parse("0s")).isEqualTo(Duration.ZERO);
    assertThat(grace.parse("PT0S")).isEqualTo(Duration.ZERO);
    assertThat(grace.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> grace.parse("PT-5S")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PLASTICITY_TEST_GRACE must be zero or a positive duration, got 'PT-5S'");
    assertThatThrownBy(() -> grace.parse("later")).hasMessageContaining("PLASTICITY_TEST_GRACE must be a duration");
  }

  @Test
  void anUnsetOrEmptyVariableTakesTheDefault() {
    assertThat(PORT.in(Map.of())).contains(8081);
    assertThat(PORT.in(Map.of("PLASTICITY_TEST_PORT", ""))).contains(8081);
    assertThat(PORT.in(Map.of("PLASTICITY_TEST_PORT", " 9000 "))).contains(9000);
  }

  @Test
  void aVariableWithoutADefaultIsEmptyUntilSetAndRequiredWhenItMustBe() {
    assertThat(TOKEN.in(Map.of())).isEmpty();
    assertThat(TOKEN.in(Map.of("PLASTICITY_TEST_TOKEN", "s3cret"))).contains("s3cret");
    assertThatThrownBy(() -> TOKEN.require(Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("set PLASTICITY_TEST_TOKEN: the token");
  }

  @Test
  void aBlankOrMalformedValueIsRefusedNamingTheVariableAndItsText() {
    assertThatThrownBy(() -> TOKEN.in(Map.of("PLASTICITY_TEST_TOKEN", "  ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("PLASTICITY_TEST_TOKEN is blank");
    assertThatThrownBy(() -> PORT.in(Map.of("PLASTICITY_TEST_PORT", "80a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("PLASTICITY_TEST_PORT must be a port number, got '80a'");
    assertThatThrownBy(() -> PORT.in(Map.of("PLASTICITY_TEST_PORT", "70000")))
        .hasMessage("PLASTICITY_TEST_PORT must be 0 (any free port) or 1..65535, got '70000'");
  }

  @Test
  void durationsAreWrittenWithAUnitOrInIso8601() {
    Setting<Duration> wait = Setting.duration("PLASTICITY_TEST_WAIT", "5s", "the wait");

    assertThat(wait.in(Map.of())).contains(Duration.ofSeconds(5));
    assertThat(wait.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(wait.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(wait.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(wait.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> wait.parse("0s")).hasMessageContaining("must be a positive duration");
    assertThatThrownBy(() -> wait.parse("soon")).hasMessageContaining("PLASTICITY_TEST_WAIT must be a duration");
    assertThat(Setting.durationText(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(Setting.durationText(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(wait.parse(Setting.durationText(Duration.ofSeconds(90)))).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void numbersAndUrlsAreChecked() {
    Setting<Integer> attempts = Setting.positiveInt("PLASTICITY_TEST_ATTEMPTS", "3", "attempts");
    Setting<Long> bytes = Setting.bytes("PLASTICITY_TEST_BYTES", "1024", "bytes");
    Setting<URI> url = Setting.uri("PLASTICITY_TEST_URL", "http://localhost:8081", "url");

    assertThat(attempts.parse("7")).isEqualTo(7);
    assertThatThrownBy(() -> attempts.parse("0")).hasMessageContaining("PLASTICITY_TEST_ATTEMPTS must be a whole number from 1");
    assertThat(bytes.parse("268435456")).isEqualTo(268_435_456L);
    assertThatThrownBy(() -> bytes.parse("-1")).hasMessageContaining("PLASTICITY_TEST_BYTES");
    Setting<Long> cadence = Setting.count("PLASTICITY_TEST_CADENCE", "1000", "events between updates");
    assertThat(cadence.parse("0")).isZero();
    assertThatThrownBy(() -> cadence.parse("-1"))
        .hasMessageContaining("PLASTICITY_TEST_CADENCE must be a whole number from 0 to");
    assertThat(url.parse("http://registry:8080")).isEqualTo(URI.create("http://registry:8080"));
    assertThatThrownBy(() -> url.parse("registry:8080")).hasMessageContaining("PLASTICITY_TEST_URL must be an absolute URL");
  }

  @Test
  void aServiceMayGiveASharedVariableItsOwnDefaultUnderTheSameName() {
    Setting<String> announceOn = SharedSettings.KAFKA_BOOTSTRAP.withDefault("", "Kafka to announce on");

    assertThat(announceOn.name()).isEqualTo(SharedSettings.KAFKA_BOOTSTRAP.name());
    assertThat(announceOn.in(Map.of())).isEmpty();
    assertThat(SharedSettings.KAFKA_BOOTSTRAP.in(Map.of())).contains("localhost:9092");
  }
}
