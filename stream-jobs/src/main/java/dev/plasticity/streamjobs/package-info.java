/**
 * The Flink drift job: it reads {@code LabelledEvent}s and the champions' {@code ModelVersion}s
 * from Kafka, watches each model's events for drift with the plain classes of {@link
 * dev.plasticity.streamjobs.drift}, and writes {@code DriftTrigger}s (with Kafka transactions) and
 * the records it cannot use, as dead letters, back to Kafka. Its public face is {@link
 * dev.plasticity.streamjobs.DriftJob} (wire it into an environment, start it on a local
 * MiniCluster, or submit it as a job jar) and {@link dev.plasticity.streamjobs.DriftJobOptions}
 * (every setting, from a builder, flags or the environment). {@link
 * dev.plasticity.streamjobs.KafkaRecord} is public because Flink serializes it as a POJO, which
 * only a public class can be, and the nested serializer snapshots and type-information factory
 * because Flink creates them by name; everything else (decoding, event-time buffering, the
 * per-model operator, cooldowns, trigger building, keyed state) is package-private.
 */
package dev.plasticity.streamjobs;
