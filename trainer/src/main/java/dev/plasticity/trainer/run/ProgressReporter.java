package dev.plasticity.trainer.run;

import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TrainingPhase;
import dev.plasticity.schemas.TrainingProgress;
import java.time.Clock;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes {@link TrainingProgress} for a run on the progress topic, keyed by trigger id. Thread-safe. */
public final class ProgressReporter implements ProgressSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProgressReporter.class);
  private final KafkaProducer<String, TrainingProgress> producer;
  private final Clock clock;

  public ProgressReporter(String bootstrapServers, Clock clock) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    this.producer = new KafkaProducer<>(props, new StringSerializer(), AvroSerde.of(TrainingProgress.class));
    this.clock = clock;
  }

  @Override
  public void report(
      String triggerId, String model, String strategy, TrainingPhase phase, int epoch, int epochs,
      Double bestScore, double budgetUsed, String message) {
    boolean done = phase == TrainingPhase.REGISTERED || phase == TrainingPhase.REJECTED;
    report(triggerId, model, strategy, phase, done ? 1 : 0, 1, epoch, epochs, bestScore, budgetUsed, message);
  }

  @Override
  public void report(
      String triggerId, String model, String strategy, TrainingPhase phase, int candidatesTried, int candidatesTotal,
      int epoch, int epochs, Double bestScore, double budgetUsed, String message) {
    TrainingProgress progress =
        TrainingProgress.newBuilder()
            .setTriggerId(triggerId)
            .setModel(model)
            .setStrategy(strategy)
            .setPhase(phase)
            .setCandidatesTried(candidatesTried)
            .setCandidatesTotal(candidatesTotal)
            .setEpoch(epoch)
            .setEpochs(epochs)
            .setBestScore(bestScore)
            .setBudgetUsed(Math.min(1.0, budgetUsed))
            .setMessage(message)
            .setTimestamp(clock.millis())
            .build();
    log.info("[{}] {} {} {}", model, triggerId, phase, message);
    producer.send(new ProducerRecord<>(Topics.TRAINING_PROGRESS, triggerId, progress), (md, e) -> {
      if (e != null) {
        log.warn("could not publish training progress for {}: {}", triggerId, e.toString());
      }
    });
  }

  @Override
  public void close() {
    producer.close();
  }
}
