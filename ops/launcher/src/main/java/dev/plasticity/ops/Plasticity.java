package dev.plasticity.ops;

import dev.plasticity.streamjobs.DriftJobOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code plasticity} launcher. */
@Command(
    name = "plasticity",
    mixinStandardHelpOptions = true,
    version = "plasticity 0.1.0-SNAPSHOT",
    description = "Keeps machine-learning models fit while the data they see drifts.",
    subcommands = {DemoCommand.class, dev.plasticity.ops.prequential.PrequentialCommand.class, StackCommand.class, ServiceCommands.Registry.class,
        ServiceCommands.Trainer.class, ServiceCommands.Inference.class, ServiceCommands.Scoring.class, ServiceCommands.DriftJob.class,
        ModelCommands.Model.class, ModelCommands.Train.class, ReplayCommand.class, ExampleCsvCommand.class,
        WatchCommand.class, TopicsCommand.class})
public final class Plasticity {
  public static void main(String[] args) {
    int code = commandLine().execute(args);
    System.exit(code);
  }

  /** The launcher's command line, each service command's help ending with the environment it reads. */
  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Plasticity());
    for (String service : ServiceEnvironment.all().keySet()) {
      String[] footer = ServiceEnvironment.helpFooter(service);
      if (service.equals("drift-job")) {
        footer = java.util.stream.Stream.concat(driftJobFlags(), java.util.Arrays.stream(footer)).toArray(String[]::new);
      }
      commandLine.getSubcommands().get(service).getCommandSpec().usageMessage().footer(footer);
    }
    return commandLine;
  }

  /** The drift job's flags as the job itself declares and reads them ({@link DriftJobOptions#flags()}). */
  private static java.util.stream.Stream<String> driftJobFlags() {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of("", "Drift job flags:"),
        DriftJobOptions.flags().stream().flatMap(f -> java.util.stream.Stream.of(
            "  " + f.name() + (f.defaultValue() == null || f.defaultValue().isEmpty() ? "" : " (default " + f.defaultValue() + ")"),
            "      " + f.description())));
  }
}
