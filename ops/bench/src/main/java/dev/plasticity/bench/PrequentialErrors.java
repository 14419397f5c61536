package dev.plasticity.bench;

import com.yahoo.labs.samoa.instances.Attribute;
import com.yahoo.labs.samoa.instances.DenseInstance;
import com.yahoo.labs.samoa.instances.Instances;
import com.yahoo.labs.samoa.instances.InstancesHeader;
import dev.plasticity.generators.Instance;
import dev.plasticity.generators.StreamGenerator;
import java.util.ArrayList;
import java.util.List;
import moa.classifiers.bayes.NaiveBayes;

/**
 * The prequential 0/1 error stream (test, then train; never reset) of MOA's incremental Naive Bayes on one of our
 * generators, the input every drift detector of {@link DriftDetectorBench} reads.
 *
 * <p>Our {@link Instance} becomes a SAMOA instance with the layout of MOA's own generator, the one the generators'
 * tests compare against: the attributes in order, each numeric or nominal with as many values as ours, then a
 * nominal class attribute with {@link StreamGenerator#numClasses()} values, last and set as the class. Nominal values
 * are named by their index: Naive Bayes reads only indices, so the names do not change any prediction.
 *
 * <p>Not thread-safe: it draws from the generator it is given.
 */
final class PrequentialErrors {

  private PrequentialErrors() {}

  /** The first {@code events} errors (1 = wrong) of Naive Bayes on {@code stream}, which it advances. */
  static byte[] naiveBayes(StreamGenerator stream, int events) {
    InstancesHeader header = header(stream);
    NaiveBayes learner = new NaiveBayes();
    learner.setModelContext(header);
    learner.prepareForUse();
    byte[] errors = new byte[events];
    for (int i = 0; i < events; i++) {
      com.yahoo.labs.samoa.instances.Instance instance = toMoa(stream.next(), header);
      errors[i] = (byte) (learner.correctlyClassifies(instance) ? 0 : 1);
      learner.trainOnInstance(instance);
    }
    return errors;
  }

  /** MOA's header for {@code stream}: its attributes, then the class. */
  static InstancesHeader header(StreamGenerator stream) {
    List<Attribute> attributes = new ArrayList<>();
    for (dev.plasticity.generators.Attribute a : stream.attributes()) {
      attributes.add(a.isNominal() ? new Attribute(a.name(), indexNames(a.numValues())) : new Attribute(a.name()));
    }
    attributes.add(new Attribute("class", indexNames(stream.numClasses())));
    Instances instances = new Instances("plasticity-generator", attributes, 0);
    instances.setClassIndex(attributes.size() - 1);
    return new InstancesHeader(instances);
  }

  /** {@code ours} as a SAMOA instance of weight 1 in {@code header}'s layout. */
  static com.yahoo.labs.samoa.instances.Instance toMoa(Instance ours, InstancesHeader header) {
    if (ours.numFeatures() != header.numAttributes() - 1) {
      throw new IllegalArgumentException("the header has " + (header.numAttributes() - 1) + " attributes besides the"
          + " class, the instance " + ours.numFeatures());
    }
    double[] values = new double[ours.numFeatures() + 1];
    for (int i = 0; i < ours.numFeatures(); i++) {
      values[i] = ours.feature(i);
    }
    values[ours.numFeatures()] = ours.label();
    DenseInstance moa = new DenseInstance(1.0, values);
    moa.setDataset(header);
    return moa;
  }

  private static List<String> indexNames(int count) {
    List<String> names = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      names.add(Integer.toString(i));
    }
    return names;
  }
}
