package dev.plasticity.inference.join;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.LiveOutcome;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.UnlabelledEvent;

/** The Avro codecs the join reads and writes with; each is thread-safe, so one of each is shared. */
final class JoinCodecs {
  static final AvroCodec<UnlabelledEvent> EVENTS = AvroCodec.of(UnlabelledEvent.class);
  static final AvroCodec<Prediction> PREDICTIONS = AvroCodec.of(Prediction.class);
  static final AvroCodec<Label> LABELS = AvroCodec.of(Label.class);
  static final AvroCodec<LabelledEvent> LABELLED = AvroCodec.of(LabelledEvent.class);
  static final AvroCodec<LiveOutcome> LIVE_OUTCOMES = AvroCodec.of(LiveOutcome.class);
  static final AvroCodec<DeadLetter> DEAD_LETTERS = AvroCodec.of(DeadLetter.class);

  private JoinCodecs() {}
}
