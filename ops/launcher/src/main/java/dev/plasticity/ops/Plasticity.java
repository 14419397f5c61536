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
    int code = commandLine().execute(args);
    System.exit(code);
  }

  /** The launcher's command line, each service command's help ending with the environment it reads. */
  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Plasticity());
    for (String service : ServiceEnvironment.all().keySet()) {
      commandLine.getSubcommands().get(service).getCommandSpec().usageMessage()
          .footer(ServiceEnvironment.helpFooter(service));
    }
    return commandLine;
  }
}
