package dev.plasticity.ops;

import dev.plasticity.trainer.RetrainingPolicy;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Reads {@code --policy} values, so a rule that does not parse, or names a strategy this build
 * cannot run, is reported as a bad option value, naming the rule.
 */
final class PolicyConverter implements ITypeConverter<RetrainingPolicy> {
  /** The rules' form, for option descriptions. */
  static final String SYNTAX = "comma-separated KIND[>=SEVERITY]=STRATEGY[(wall=DURATION, candidates=N, epochs=N)],"
      + " e.g. 'CONCEPT>=0.5=search:hyperband(wall=2m), PRIOR=fine-tune:top',";

  @Override
  public RetrainingPolicy convert(String value) {
    try {
      return RetrainingPolicy.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }

  /** {@code rules} of {@code model}'s policy, or a usage error naming the model and the rule. */
  static RetrainingPolicy parse(CommandSpec spec, String model, String rules) {
    try {
      return RetrainingPolicy.parse(rules);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "Invalid value for option '--model-policy' of model '" + model + "': " + e.getMessage());
    }
  }
}
