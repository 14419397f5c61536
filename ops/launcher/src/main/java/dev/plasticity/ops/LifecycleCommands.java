package dev.plasticity.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.plasticity.registry.client.AliasMove;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.RegistryException;
import dev.plasticity.registry.client.RegistryJson;
import dev.plasticity.registry.client.ServedVersion;
import dev.plasticity.schemas.RegistryChange;
import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operator's commands on a model's lifecycle: {@code plasticity model promote|rollback|history|
 * served|alias|unalias|archive}. Each is one call to the registry (its URL and token from {@code
 * PLASTICITY_REGISTRY_URL} and {@code PLASTICITY_REGISTRY_TOKEN}; promote, rollback, alias moves and
 * archive need an admin token on a registry with tokens). Exit status 0 on success, 1 when the
 * registry refuses (its reason printed), 2 for bad flags.
 */
final class LifecycleCommands {
  private LifecycleCommands() {}

  /** What every lifecycle command shares: where the registry is, where output goes, how refusals read. */
  abstract static class RegistryCommand implements Callable<Integer> {
    @Mixin ModelCommands.Addresses addresses;

    @Option(names = "--json", description = "print the registry's answer as JSON")
    boolean json;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public final Integer call() throws JsonProcessingException {
      try {
        return run(addresses.registryClient());
      } catch (RegistryException e) {
        err.println("plasticity model " + name() + ": " + e.getMessage());
        return 1;
      }
    }

    abstract int run(RegistryClient registry) throws JsonProcessingException;

    abstract String name();

    int print(AliasMove move, String done) throws JsonProcessingException {
      if (json) {
        out.println(RegistryJson.mapper().writeValueAsString(move));
      } else if (!move.changed()) {
        out.println(move.model() + ": nothing changed (" + (move.alias() == null ? "v" + move.version()
            + " was archived already" : move.alias() + " points at v" + move.version() + " already") + ")");
      } else {
        out.println(done + " (change " + move.change().getSequence() + " by " + move.change().getActor() + ")");
      }
      return 0;
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true, description = {
      "Makes a version the champion: every service that predicts swaps it in within seconds.",
      "Recorded in the model's history with who, when and why."})
  static final class Promote extends RegistryCommand {
    @Parameters(index = "0", paramLabel = "MODEL") String model;
    @Parameters(index = "1", paramLabel = "VERSION") int version;
    @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the history") String reason;

    @Override
    int run(RegistryClient registry) throws JsonProcessingException {
      AliasMove move = registry.promote(model, version, reason);
      return print(move, model + ": champion is v" + move.version() + " (was v" + previous(move) + ")");
    }

    @Override
    String name() {
      return "promote";
    }
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true, description = {
      "Moves the champion back to the version that served before it (skipping versions since",
      "archived or reported unservable); a second rollback goes one further back."})
  static final class Rollback extends RegistryCommand {
    @Parameters(index = "0", paramLabel = "MODEL") String model;
    @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the history") String reason;

    @Override
    int run(RegistryClient registry) throws JsonProcessingException {
      AliasMove move = registry.rollback(model, reason, false);
      return print(move, model + ": rolled back to v" + move.version() + " (from v" + previous(move) + ")");
    }

    @Override
    String name() {
      return "rollback";
    }
  }

  @Command(name = "alias", mixinStandardHelpOptions = true, description = {
      "Points an alias (challenger, shadow, or a name of your own) at a version.",
      "Names: a letter or digit, then letters, digits, '.', '_' or '-' (at most 128)."})
  static final class SetAlias extends RegistryCommand {
    @Parameters(index = "0", paramLabel = "MODEL") String model;
    @Parameters(index = "1", paramLabel = "ALIAS") String alias;
    @Parameters(index = "2", paramLabel = "VERSION") int version;
    @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the history") String reason;

    @Override
    int run(RegistryClient registry) throws JsonProcessingException {
      AliasMove move = registry.moveAlias(model, alias, version, reason);
      return print(move, model + ": " + alias + " is v" + move.version());
    }

    @Override
    String name() {
      return "alias";
    }
  }

  @Command(name = "unalias", mixinStandardHelpOptions = true, description = "Removes an alias (not the champion).")
  static final class RemoveAlias extends RegistryCommand {
    @Parameters(index = "0", paramLabel = "MODEL") String model;
    @Parameters(index = "1", paramLabel = "ALIAS") String alias;
    @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the history") String reason;

    @Override
    int run(RegistryClient registry) throws JsonProcessingException {
      Optional<AliasMove> move = registry.removeAlias(model, alias, reason);
      if (move.isEmpty()) {
        err.println("plasticity model unalias: " + model + " has no alias '" + alias + "'");
        return 1;
      }
      return print(move.get(), model + ": " + alias + " removed (it pointed at v" + move.get().version() + ")");
    }

    @Override
    String name() {
      return "unalias";
    }
  }

  @Command(name = "archive", mixinStandardHelpOptions = true, description = {
      "Archives a version: it loses its aliases, leaves the version list and is never recalled;",
      "its artifact and metadata stay. The champion cannot be archived."})
  static final class Archive extends RegistryCommand {
    @Parameters(index = "0", paramLabel = "MODEL") String model;
    @Parameters(index = "1", paramLabel = "VERSION") int version;
    @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the history") String reason;

    @Override
    int run(RegistryClient registry) throws JsonProcessingException {
      AliasMove move = registry.archive(model, version, reason);
      return print(move, model + ": v" + move.version() + " archived");
    }

    @Override
    String name() {
      return "archive";
    }
  }

  @Command(name = "history", mixinStandardHelpOptions = true, description = {
      "Lists a model's changes, oldest first: versions registered, aliases set and removed,",
      "versions archived or reported unservable, each with who, when and why."})
  static final class History extends RegistryCommand {
    @Parameters(index = "0", paramLabel = "MODEL") String model;
    @Option(names = "--after", paramLabel = "N", defaultValue = "0", description = "only changes after change N") long after;
    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000", description = "at most N changes (1 to 1000)") int limit;

    @Override
    int run(RegistryClient registry) throws JsonProcessingException {
      List<RegistryChange> changes = registry.history(model, after, limit);
      if (json) {
        out.println(RegistryJson.mapper().writeValueAsString(changes));
        return 0;
      }
      out.println("Model " + model + (changes.isEmpty() ? ": no changes" : ""));
      for (RegistryChange c : changes) {
        out.println(String.format(java.util.Locale.ROOT, "%6d  %s  %-13s %-22s %-18s %s%s", c.getSequence(),
            Instant.ofEpochMilli(c.getAt()), c.getActor(), describe(c), c.getCause(),
            c.getReason() == null ? "" : c.getReason(),
            c.getPreviousVersion() == null ? "" : " (was v" + c.getPreviousVersion() + ")"));
      }
      return 0;
    }

    private static String describe(RegistryChange c) {
      return switch (c.getKind()) {
        case ALIAS_SET -> c.getAlias() + " -> v" + c.getVersion();
        case ALIAS_REMOVED -> c.getAlias() + " removed (v" + c.getVersion() + ")";
        case REGISTERED -> "v" + c.getVersion() + " registered";
        case ARCHIVED -> "v" + c.getVersion() + " archived";
        case REJECTED -> "v" + c.getVersion() + " unservable";
        case OTHER -> "v" + c.getVersion() + " changed";
      };
    }

    @Override
    String name() {
      return "history";
    }
  }

  @Command(name = "served", mixinStandardHelpOptions = true, description = "Which version was the champion at a moment.")
  static final class Served extends RegistryCommand {
    @Parameters(index = "0", paramLabel = "MODEL") String model;
    @Option(names = "--at", paramLabel = "INSTANT", description = "an ISO-8601 instant, e.g. 2026-12-03T10:15:30Z"
        + " (default: now)") String at;

    @Override
    int run(RegistryClient registry) throws JsonProcessingException {
      Instant moment;
      try {
        moment = at == null ? Instant.now() : Instant.parse(at);
      } catch (DateTimeParseException e) {
        err.println("plasticity model served: --at is an ISO-8601 instant (2026-12-03T10:15:30Z), got '" + at + "'");
        return 2;
      }
      Optional<ServedVersion> served = registry.servedAt(model, moment);
      if (served.isEmpty()) {
        err.println("plasticity model served: " + model + " had no champion at " + moment);
        return 1;
      }
      if (json) {
        out.println(RegistryJson.mapper().writeValueAsString(served.get()));
        return 0;
      }
      RegistryChange change = served.get().change();
      out.println(model + " at " + moment + ": v" + served.get().version() + ", champion since "
          + Instant.ofEpochMilli(served.get().since()) + " (" + change.getCause() + " by " + change.getActor()
          + (change.getReason() == null ? "" : ": " + change.getReason()) + ")");
      return 0;
    }

    @Override
    String name() {
      return "served";
    }
  }

  /** The aliases and their versions, for {@code model show}. */
  static String aliases(Map<String, Integer> aliases) {
    return aliases.isEmpty() ? "none" : String.join(", ", aliases.entrySet().stream()
        .map(e -> e.getKey() + " v" + e.getValue()).toList());
  }

  private static String previous(AliasMove move) {
    return move.change() == null || move.change().getPreviousVersion() == null ? "none"
        : String.valueOf(move.change().getPreviousVersion());
  }
}
