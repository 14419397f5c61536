package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.trainer.RetrainingPolicy;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The launcher's {@code --policy} options, as picocli reads them. */
class PolicyOptionTest {
  private static CommandLine.ParseResult parse(String... args) {
    return new CommandLine(new Plasticity()).parseArgs(args);
  }

  @Test
  void theDemoTakesAPolicyInItsTextForm() {
    String rules = "CONCEPT>=0.5=search:hyperband(wall=2m, candidates=12), PRIOR=fine-tune:top";
    DemoCommand demo = (DemoCommand) parse("demo", "--policy", rules).subcommand().commandSpec().userObject();

    assertThat(demo.policy).isEqualTo(RetrainingPolicy.parse(rules));
  }

  @Test
  void withoutTheOptionTheDemoUsesTheDefaultPolicy() {
    DemoCommand demo = (DemoCommand) parse("demo").subcommand().commandSpec().userObject();

    assertThat(demo.policy).isEqualTo(RetrainingPolicy.defaults());
  }

  @Test
  void aRuleThatDoesNotParseIsABadOptionValueNamingTheRule() {
    assertThatThrownBy(() -> parse("demo", "--policy", "CONCEPT=search:evoluton"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("'--policy'")
        .hasMessageContaining("policy rule 'CONCEPT=search:evoluton': unknown strategy 'search:evoluton'");
  }

  @Test
  void everyStrategyNameIsAcceptedInARule() {
    assertThat(RetrainingPolicy.STRATEGIES).as("the strategy names the policy knows").contains("retrain", "search:evolution");
    for (String strategy : RetrainingPolicy.STRATEGIES) {
      ServiceCommands.Trainer trainer =
          (ServiceCommands.Trainer) parse("trainer", "--policy", "PRIOR=" + strategy).subcommand().commandSpec().userObject();

      assertThat(trainer.policy.rules()).as("the policy parsed from PRIOR=%s", strategy)
          .extracting(Object::toString).containsExactly("PRIOR=" + strategy);
    }
  }
}
