package dev.plasticity.registry.server;

import static dev.plasticity.registry.server.ConsoleRecords.outcome;
import static dev.plasticity.registry.server.ConsoleRecords.trigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.registry.server.ConsoleViews.SkipReason;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.LiveOutcome;
import dev.plasticity.schemas.Topics;
import org.junit.jupiter.api.Test;

class ConsoleViewsTest {
  private static final AvroCodec<DriftTrigger> TRIGGERS = AvroCodec.of(DriftTrigger.class);
  private static final AvroCodec<LiveOutcome> OUTCOMES = AvroCodec.of(LiveOutcome.class);

  private final ConsoleViews views = ConsoleViews.withDefaults(true);

  @Test
  void takesTriggersAndOutcomesIntoTheirViews() {
    assertThat(views.apply(Topics.DRIFT_TRIGGERS, TRIGGERS.encode(trigger("fraud", "t-1", 1, 60_000)))).isEmpty();
    assertThat(views.apply(Topics.LIVE_OUTCOMES, OUTCOMES.encode(outcome("fraud", 1_000, 1, true)))).isEmpty();

    assertThat(views.triggers().recent("fraud")).extracting(DriftTrigger::getTriggerId).containsExactly("t-1");
    assertThat(views.accuracy().series("fraud")).hasSize(1);
  }

  @Test
  void skipsWhatDoesNotDecodeAndWhatBreaksTheRulesNamingWhy() {
    assertThat(views.apply(Topics.DRIFT_TRIGGERS, new byte[] {1, 2, 3})).get()
        .extracting(ConsoleViews.Skip::reason).isEqualTo(SkipReason.UNDECODABLE);
    assertThat(views.apply(Topics.LIVE_OUTCOMES, null)).get()
        .extracting(ConsoleViews.Skip::reason).isEqualTo(SkipReason.UNDECODABLE);
    assertThat(views.apply(Topics.LIVE_OUTCOMES, TRIGGERS.encode(trigger("fraud", "t-1", 1, 60_000)))).get()
        .extracting(ConsoleViews.Skip::reason).isEqualTo(SkipReason.UNDECODABLE);
    assertThat(views.apply(Topics.LIVE_OUTCOMES, OUTCOMES.encode(outcome("fraud", 1_000, 0, true)))).get()
        .satisfies(skip -> {
          assertThat(skip.reason()).isEqualTo(SkipReason.INVALID);
          assertThat(skip.detail()).contains("at least 1");
        });
    assertThat(views.apply(Topics.DRIFT_TRIGGERS, TRIGGERS.encode(trigger("fraud", "", 1, 60_000)))).get()
        .extracting(ConsoleViews.Skip::reason).isEqualTo(SkipReason.INVALID);

    assertThat(views.triggers().recent("fraud")).isEmpty();
    assertThat(views.accuracy().series("fraud")).isEmpty();
  }

  @Test
  void refusesATopicItDoesNotRead() {
    assertThatThrownBy(() -> views.apply(Topics.PREDICTIONS, new byte[0])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Topics.PREDICTIONS);
  }
}
