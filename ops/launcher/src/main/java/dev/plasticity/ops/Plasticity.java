package dev.plasticity.ops;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code plasticity} launcher. */
@Command(
    name = "plasticity",
    mixinStandardHelpOptions = true,
    version = "plasticity 0.1.0-SNAPSHOT",
    description = "Keeps machine-learning models fit while the data they see drifts.",
    subcommands = {DemoCommand.class, StackCommand.class, ServiceCommands.Registry.class,
        ServiceCommands.Trainer.class, ServiceCommands.Inference.class, ServiceCommands.DriftJob.class})
public final class Plasticity {
  public static void main(String[] args) {
    int code = new CommandLine(new Plasticity()).execute(args);
    System.exit(code);
  }
}
