package dev.plasticity.registry.server;

import static dev.plasticity.registry.server.ConsoleRecords.trigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.schemas.DriftTrigger;
import org.junit.jupiter.api.Test;

class TriggerLogTest {
  @Test
  void keepsTheLastTriggersOfEachModelNewestFirst() {
    TriggerLog log = new TriggerLog(3, 10);
    for (int i = 1; i <= 5; i++) {
      log.add(trigger("fraud", "t-" + i, 1, 1_000L * i));
    }
    log.add(trigger("churn", "c-1", 2, 7_000));

    assertThat(log.recent("fraud")).extracting(DriftTrigger::getTriggerId).containsExactly("t-5", "t-4", "t-3");
    assertThat(log.recent("churn")).extracting(DriftTrigger::getTriggerId).containsExactly("c-1");
    assertThat(log.recent("unknown")).isEmpty();
  }

  @Test
  void aTriggerDeliveredAgainIsKeptOnce() {
    TriggerLog log = new TriggerLog(3, 10);
    log.add(trigger("fraud", "t-1", 1, 1_000));
    log.add(trigger("fraud", "t-2", 1, 2_000));
    log.add(trigger("fraud", "t-1", 1, 1_000));

    assertThat(log.recent("fraud")).extracting(DriftTrigger::getTriggerId).containsExactly("t-2", "t-1");
  }

  @Test
  void forgetsTheModelWhoseTriggersArrivedLeastRecentlyBeyondTheMaximum() {
    TriggerLog log = new TriggerLog(3, 2);
    log.add(trigger("a", "a-1", 1, 1_000));
    log.add(trigger("b", "b-1", 1, 1_000));
    log.add(trigger("a", "a-2", 1, 2_000)); // a is now the most recent
    log.add(trigger("c", "c-1", 1, 1_000));

    assertThat(log.recent("b")).isEmpty();
    assertThat(log.recent("a")).hasSize(2);
    assertThat(log.recent("c")).hasSize(1);
  }

  @Test
  void refusesSizesBelowOne() {
    assertThatThrownBy(() -> new TriggerLog(0, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("perModel");
    assertThatThrownBy(() -> new TriggerLog(1, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxModels");
  }
}
