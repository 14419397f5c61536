/**
 * The contracts every Plasticity module speaks: the Avro records generated from {@code
 * src/main/avro} ({@code LabelledEvent}, {@code DriftTrigger}, {@code ModelVersion}, {@code
 * TrainingProgress}, {@code DeadLetter} and the types they embed), the topic names ({@link
 * dev.plasticity.schemas.Topics}) and version aliases ({@link dev.plasticity.schemas.Aliases}),
 * how records travel ({@link dev.plasticity.schemas.AvroCodec} for Avro single-object bytes,
 * bounded before it allocates; {@link dev.plasticity.schemas.AvroSerde} for Kafka clients; {@link
 * dev.plasticity.schemas.AvroFlinkSchema} for Flink; {@link
 * dev.plasticity.schemas.BoundedBinaryDecoder} under them), the dead letter of a record that
 * cannot be used ({@link dev.plasticity.schemas.DeadLetters}), and the environment variables the
 * services share ({@link dev.plasticity.schemas.Setting}, one declaration per variable; {@link
 * dev.plasticity.schemas.SharedSettings}). It depends on Avro alone; Kafka and Flink are provided
 * by the module that uses their serdes.
 */
package dev.plasticity.schemas;
