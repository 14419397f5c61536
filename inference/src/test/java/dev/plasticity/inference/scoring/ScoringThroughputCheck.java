package dev.plasticity.inference.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.inference.ServingFixtures;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A throughput measurement, not a test: the scoring topology under {@code TopologyTestDriver} with a
 * real DJL version, scoring the same seeded events in batches of 1 and of 256, alternating, in one
 * process; prints events per second of each and their ratio. Not run by the build (its name does not
 * end in Test); run it with
 * {@code mvn -B -o -q -pl inference -am test -Dtest=ScoringThroughputCheck -Dsurefire.failIfNoSpecifiedTests=false}
 * and read the lines starting with {@code throughput}. It asserts only that every event was scored.
 */
class ScoringThroughputCheck {
  private static final int EVENTS = 256 * 80;
  private static final int ROUNDS = 3;
  private static final AvroCodec<UnlabelledEvent> CODEC = AvroCodec.of(UnlabelledEvent.class);

  @TempDir Path tempDir;
  private Path stateDir;

  @Test
  void measuresEventsPerSecondAtBatchOneAndBatch256() throws java.io.IOException {
    // TopologyTestDriver commits after every record and writes (and fsyncs) a state checkpoint at each
    // commit; on a disk that alone costs about 1 ms a record and hides scoring. A RAM disk keeps it out.
    Path shm = Path.of("/dev/shm");
    stateDir = java.nio.file.Files.isDirectory(shm) && java.nio.file.Files.isWritable(shm)
        ? java.nio.file.Files.createTempDirectory(shm, "scoring-throughput") : tempDir;
    Random random = new Random(42);
    List<byte[]> values = new ArrayList<>(EVENTS);
    for (int i = 0; i < EVENTS; i++) {
      values.add(CODEC.encode(UnlabelledEvent.newBuilder().setEventId("e-" + i).setModel("fraud").setEventTime(i)
          .setFeatures(Map.of("x1", random.nextGaussian(), "x2", random.nextGaussian(), "x3", random.nextGaussian()))
          .build()));
    }
    try (HotSwapPredictor predictor = new HotSwapPredictor("fraud")) {
      ServingFixtures.serve(predictor, 1);
      run(predictor, values, 1, "warm-up");
      run(predictor, values, 256, "warm-up");
      double[] one = new double[ROUNDS];
      double[] batched = new double[ROUNDS];
      for (int round = 0; round < ROUNDS; round++) {
        one[round] = run(predictor, values, 1, "round " + round);
        batched[round] = run(predictor, values, 256, "round " + round);
      }
      double[] scorerOne = new double[ROUNDS];
      double[] scorerBatched = new double[ROUNDS];
      List<UnlabelledEvent> decoded = values.stream().map(CODEC::decode).toList();
      EventScorer scorer = new EventScorer(Scorers.of(predictor), Clock.systemUTC());
      scoreAlone(scorer, decoded, 1);
      scoreAlone(scorer, decoded, 256);
      for (int round = 0; round < ROUNDS; round++) {
        scorerOne[round] = scoreAlone(scorer, decoded, 1);
        scorerBatched[round] = scoreAlone(scorer, decoded, 256);
      }
      System.out.printf("throughput EventScorer alone (no Kafka Streams), median: batch 1 %.0f events/s, batch 256"
          + " %.0f events/s, ratio %.1fx%n", median(scorerOne), median(scorerBatched),
          median(scorerBatched) / median(scorerOne));
      double medianOne = median(one);
      double medianBatched = median(batched);
      System.out.printf("throughput median of %d rounds, %d events each: batch 1 %.0f events/s, batch 256 %.0f events/s,"
          + " ratio %.1fx (%d cores, %s)%n", ROUNDS, EVENTS, medianOne, medianBatched, medianBatched / medianOne,
          Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"));
    } finally {
      if (!stateDir.equals(tempDir)) {
        try (var files = java.nio.file.Files.walk(stateDir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
  }

  private double run(HotSwapPredictor predictor, List<byte[]> values, int maxBatch, String what) {
    ScoringCounts counts = new ScoringCounts();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scoring-throughput");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(what + "-" + maxBatch).toString());
    try (TopologyTestDriver driver = new TopologyTestDriver(ScoringTopology.build(Scorers.of(predictor),
        Clock.systemUTC(), counts, maxBatch, Duration.ofHours(1)), props)) {
      TestInputTopic<byte[], byte[]> in = driver.createInputTopic(Topics.EVENTS_UNLABELLED, new ByteArraySerializer(),
          new ByteArraySerializer());
      TestOutputTopic<String, Prediction> out = driver.createOutputTopic(Topics.PREDICTIONS, new StringDeserializer(),
          AvroSerde.of(Prediction.class));
      long start = System.nanoTime();
      for (int i = 0; i < values.size(); i++) {
        in.pipeInput(("e-" + i).getBytes(StandardCharsets.UTF_8), values.get(i));
      }
      driver.advanceWallClockTime(Duration.ofHours(1)); // what is left (none when the batch divides the events)
      long nanos = System.nanoTime() - start;
      assertThat(counts.scored()).isEqualTo(values.size());
      assertThat(out.getQueueSize()).isEqualTo(values.size());
      double perSecond = values.size() / (nanos / 1e9);
      System.out.printf("throughput %s batch %d: %.0f events/s%n", what, maxBatch, perSecond);
      return perSecond;
    }
  }

  /** Events per second of {@code scorer} alone, scoring {@code events} in batches of {@code batch}. */
  private static double scoreAlone(EventScorer scorer, List<UnlabelledEvent> events, int batch) {
    long start = System.nanoTime();
    int scored = 0;
    for (int from = 0; from < events.size(); from += batch) {
      for (EventScorer.Outcome outcome : scorer.scoreBatch(events.subList(from, Math.min(events.size(), from + batch)))) {
        scored += outcome instanceof EventScorer.Scored ? 1 : 0;
      }
    }
    long nanos = System.nanoTime() - start;
    assertThat(scored).isEqualTo(events.size());
    return events.size() / (nanos / 1e9);
  }

  private static double median(double[] xs) {
    double[] sorted = xs.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
