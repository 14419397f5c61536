package dev.plasticity.bench;

import com.yahoo.labs.samoa.instances.Attribute;
import com.yahoo.labs.samoa.instances.DenseInstance;
import com.yahoo.labs.samoa.instances.Instances;
import com.yahoo.labs.samoa.instances.InstancesHeader;
import dev.plasticity.ops.prequential.LabelledRows;
import dev.plasticity.ops.prequential.OnlineClassifier;
import java.util.ArrayList;
import java.util.List;
import moa.classifiers.AbstractClassifier;
import moa.classifiers.meta.AdaptiveRandomForest;
import moa.classifiers.trees.HoeffdingAdaptiveTree;

/**
 * A MOA stream learner as an {@link OnlineClassifier}, so the prequential benchmark scores it on the same rows, in
 * the same order, as the loop. Every feature is a numeric attribute (as the loop sees it), the class a nominal
 * attribute with one value per class, last. Each learner runs with MOA's defaults and the given seed.
 *
 * <p>Not thread-safe.
 */
final class MoaClassifier implements OnlineClassifier {

  /** The reference learners of the benchmark. */
  enum Kind {
    /** Gomes et al., "Adaptive random forests for evolving data stream classification", Machine Learning 106, 2017. */
    ADAPTIVE_RANDOM_FOREST("MOA ARF"),
    /** Bifet and Gavaldà, "Adaptive learning from evolving data streams", IDA 2009. */
    HOEFFDING_ADAPTIVE_TREE("MOA HAT");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  private final AbstractClassifier learner;
  private final InstancesHeader header;

  MoaClassifier(Kind kind, List<String> featureNames, int numClasses, int seed) {
    this.learner = switch (kind) {
      case ADAPTIVE_RANDOM_FOREST -> new AdaptiveRandomForest();
      case HOEFFDING_ADAPTIVE_TREE -> new HoeffdingAdaptiveTree();
    };
    this.header = header(featureNames, numClasses);
    learner.setRandomSeed(seed);
    learner.setModelContext(header);
    learner.prepareForUse();
  }

  static MoaClassifier of(Kind kind, LabelledRows rows, int seed) {
    return new MoaClassifier(kind, rows.featureNames(), rows.numClasses(), seed);
  }

  @Override
  public int predict(double[] features) {
    double[] votes = learner.getVotesForInstance(instance(features, 0));
    int best = 0;
    for (int k = 1; k < votes.length && k < header.numClasses(); k++) {
      if (votes[k] > votes[best]) {
        best = k;
      }
    }
    return best;
  }

  @Override
  public void learn(double[] features, int label) {
    learner.trainOnInstance(instance(features, label));
  }

  private com.yahoo.labs.samoa.instances.Instance instance(double[] features, int label) {
    if (features.length != header.numAttributes() - 1) {
      throw new IllegalArgumentException("the header has " + (header.numAttributes() - 1) + " features, the row "
          + features.length);
    }
    double[] values = java.util.Arrays.copyOf(features, features.length + 1);
    values[features.length] = label;
    DenseInstance instance = new DenseInstance(1.0, values);
    instance.setDataset(header);
    return instance;
  }

  private static InstancesHeader header(List<String> featureNames, int numClasses) {
    List<Attribute> attributes = new ArrayList<>();
    for (String name : featureNames) {
      attributes.add(new Attribute(name));
    }
    List<String> classes = new ArrayList<>();
    for (int k = 0; k < numClasses; k++) {
      classes.add(Integer.toString(k));
    }
    attributes.add(new Attribute("class", classes));
    Instances instances = new Instances("prequential", attributes, 0);
    instances.setClassIndex(attributes.size() - 1);
    return new InstancesHeader(instances);
  }
}
