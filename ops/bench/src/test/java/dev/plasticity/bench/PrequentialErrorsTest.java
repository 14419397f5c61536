package dev.plasticity.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plasticity.generators.ArfStreams;
import java.util.Map;
import java.util.Set;
import moa.classifiers.bayes.NaiveBayes;
import moa.options.ClassOption;
import moa.streams.InstanceStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Naive Bayes on our streams, converted to MOA instances, errs exactly where it errs on MOA's own streams. */
class PrequentialErrorsTest {

  private static final int COUNT = 20_000;

  /** The MOA command lines of ArfStreams' Javadoc (the ARF paper's published ones, STAGGER added alike). */
  private static final Map<String, String> MOA_CLI = Map.ofEntries(
      Map.entry("LED_a", nested("generators.LEDGeneratorDrift -d 1", "generators.LEDGeneratorDrift -d 3",
          "generators.LEDGeneratorDrift -d 5", "generators.LEDGeneratorDrift -d 7", 50)),
      Map.entry("LED_g", nested("generators.LEDGeneratorDrift -d 1", "generators.LEDGeneratorDrift -d 3",
          "generators.LEDGeneratorDrift -d 5", "generators.LEDGeneratorDrift -d 7", 50_000)),
      Map.entry("SEA_a", nested("generators.SEAGenerator -f 1", "generators.SEAGenerator -f 2",
          "generators.SEAGenerator", "generators.SEAGenerator -f 4", 50)),
      Map.entry("SEA_g", nested("generators.SEAGenerator -f 1", "generators.SEAGenerator -f 2",
          "generators.SEAGenerator", "generators.SEAGenerator -f 4", 50_000)),
      Map.entry("AGR_a", nested("generators.AgrawalGenerator -f 1", "generators.AgrawalGenerator -f 2",
          "generators.AgrawalGenerator", "generators.AgrawalGenerator -f 4", 50)),
      Map.entry("AGR_g", nested("generators.AgrawalGenerator -f 1", "generators.AgrawalGenerator -f 2",
          "generators.AgrawalGenerator", "generators.AgrawalGenerator -f 4", 50_000)),
      Map.entry("RBF_m", "generators.RandomRBFGeneratorDrift -c 5 -s .0001"),
      Map.entry("RBF_f", "generators.RandomRBFGeneratorDrift -c 5 -s .001"),
      Map.entry("HYPER", "generators.HyperplaneGenerator -k 10 -t .001"),
      Map.entry("STAGGER_a", nested("generators.STAGGERGenerator -f 1", "generators.STAGGERGenerator -f 2",
          "generators.STAGGERGenerator -f 3", "generators.STAGGERGenerator -f 1", 50)),
      Map.entry("STAGGER_g", nested("generators.STAGGERGenerator -f 1", "generators.STAGGERGenerator -f 2",
          "generators.STAGGERGenerator -f 3", "generators.STAGGERGenerator -f 1", 50_000)));

  static Iterable<String> names() {
    return ArfStreams.NAMES;
  }

  @Test
  void everyArfStreamHasItsMoaCommandLine() {
    assertEquals(Set.copyOf(ArfStreams.NAMES), MOA_CLI.keySet());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void naiveBayesErrsWhereItErrsOnMoasStream(String name) throws Exception {
    byte[] ours = PrequentialErrors.naiveBayes(ArfStreams.byName(name).stream(), COUNT);

    InstanceStream stream = (InstanceStream) ClassOption.cliStringToObject(MOA_CLI.get(name), InstanceStream.class, null);
    ((moa.options.OptionHandler) stream).prepareForUse();
    NaiveBayes learner = new NaiveBayes();
    learner.setModelContext(stream.getHeader());
    learner.prepareForUse();
    byte[] moas = new byte[COUNT];
    for (int i = 0; i < COUNT; i++) {
      com.yahoo.labs.samoa.instances.Instance instance = stream.nextInstance().getData();
      moas[i] = (byte) (learner.correctlyClassifies(instance) ? 0 : 1);
      learner.trainOnInstance(instance);
    }

    assertArrayEquals(moas, ours, name);
  }

  /** MOA's nesting of four concepts with drifts every 250,000 instances. */
  private static String nested(String first, String second, String third, String fourth, int width) {
    String tail = "ConceptDriftStream -s (" + third + ") -d (" + fourth + ") -p 250000 -w " + width;
    tail = "ConceptDriftStream -s (" + second + ") -d (" + tail + ") -p 250000 -w " + width;
    return "ConceptDriftStream -s (" + first + ") -d (" + tail + ") -p 250000 -w " + width;
  }
}
