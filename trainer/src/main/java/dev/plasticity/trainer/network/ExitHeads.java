package dev.plasticity.trainer.network;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.plasticity.registry.client.EarlyExitBlock;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds exit heads to a trained network without early exits: the network with exits of the same
 * layers gets the parent's hidden layers and output layer, parameter for parameter, and freshly
 * initialised exit heads. Where a fine-tune of every layer would start from to learn its exits.
 * Stateless.
 */
public final class ExitHeads {
  private ExitHeads() {}

  /**
   * The artifact of {@code withExits} (the parent's architecture with {@code earlyExits}) holding
   * the parent's parameters and new exit heads initialised from the engine's seed {@code seed}.
   *
   * @throws IllegalArgumentException when {@code withExits} is not the parent's network with exits
   *     or the parent's artifact does not fit its architecture
   */
  public static byte[] addedTo(Architecture parent, byte[] parentArtifact, Architecture withExits, int seed) {
    if (parent.getEarlyExits() || !withExits.getEarlyExits()
        || !parent.getHiddenUnits().equals(withExits.getHiddenUnits())) {
      throw new IllegalArgumentException("exit heads are added to a network without exits, keeping its layers; "
          + ModelFormat.describe(parent) + " cannot become " + ModelFormat.describe(withExits));
    }
    ModelFormat.engine().setRandomSeed(seed);
    try (Model from = ModelFormat.load("parent", parent, parentArtifact);
        Model to = ModelFormat.newModel("with-exits", withExits)) {
      List<Parameter> source = from.getBlock().getParameters().values();
      List<Parameter> target = new ArrayList<>();
      for (Pair<String, Block> child : to.getBlock().getChildren()) {
        if (!child.getKey().matches("\\d+exit\\d+")) {
          target.addAll(child.getValue().getParameters().values());
        }
      }
      if (source.size() != target.size()) {
        throw new IllegalArgumentException("the parent has " + source.size() + " parameter arrays where "
            + ModelFormat.describe(withExits) + " has " + target.size() + " outside its exit heads");
      }
      for (int i = 0; i < source.size(); i++) {
        if (!source.get(i).getArray().getShape().equals(target.get(i).getArray().getShape())) {
          throw new IllegalArgumentException("parameter " + i + " of the parent is " + source.get(i).getArray().getShape()
              + " where the network with exits needs " + target.get(i).getArray().getShape());
        }
        source.get(i).getArray().copyTo(target.get(i).getArray());
      }
      if (!(to.getBlock() instanceof EarlyExitBlock)) {
        throw new IllegalStateException("a network with earlyExits must be built as an EarlyExitBlock");
      }
      return ModelFormat.saveParameters(to);
    }
  }
}
