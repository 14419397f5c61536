package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.ops.demo.Demo;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The demo's {@code --label-delay}: how long its application waits after a prediction before publishing the label. */
class DemoLabelDelayOptionTest {
  private static DemoCommand parse(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "demo";
    System.arraycopy(args, 0, all, 1, args.length);
    return (DemoCommand) new CommandLine(new Plasticity()).parseArgs(all).subcommand().commandSpec().userObject();
  }

  @Test
  void withoutTheOptionLabelsFollowTheirPredictionsByTheDefaultDelay() {
    assertThat(parse().labelDelay).isEqualTo(Demo.DEFAULT_LABEL_DELAY).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void theOptionTakesAnIsoDuration() {
    assertThat(parse("--label-delay", "PT1.5S").labelDelay).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void aNegativeDelayIsRefusedNamingTheRule() {
    assertThatThrownBy(() -> new Demo.Settings("sea", 1, 10, 100, true, 3, 4, 0.1, 100, 10, 1000,
        Duration.ofMinutes(1), Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label delay must be zero or positive");
  }
}
