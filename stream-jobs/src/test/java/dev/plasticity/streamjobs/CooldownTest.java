package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plasticity.streamjobs.drift.DriftSettings;
import org.junit.jupiter.api.Test;

/** The cooldown after a trigger, as a value. */
class CooldownTest {
  static Cooldown afterEvents(Cooldown cooldown, DriftSettings settings, int events, long firstTime, long step) {
    for (int i = 0; i < events; i++) {
      cooldown = cooldown.afterEvent(settings, firstTime + i * step);
    }
    return cooldown;
  }

  @Test
  void withoutACooldownSettingATriggerHoldsUntilANewChampion() {
    DriftSettings settings = DriftSettings.defaults();
    Cooldown cooling = Cooldown.after(settings, 1, 0, Cooldown.NONE);
    assertTrue(cooling.active());
    assertEquals(cooling, afterEvents(cooling, settings, 100_000, 1, 1_000), "nothing counts, nothing expires");
  }

  @Test
  void aCooldownInEventsEndsAtTheNthEventAfterTheTrigger() {
    DriftSettings settings = DriftSettings.defaults().withCooldownEvents(3);
    Cooldown cooling = Cooldown.after(settings, 1, 0, Cooldown.NONE);
    assertTrue(afterEvents(cooling, settings, 2, 1, 1).active());
    assertFalse(afterEvents(cooling, settings, 3, 1, 1).active());
    assertEquals(Cooldown.NONE, afterEvents(cooling, settings, 3, 1, 1));
  }

  @Test
  void aCooldownInEventTimeEndsAtTheFirstEventThatLateAfterTheTrigger() {
    DriftSettings settings = DriftSettings.defaults().toBuilder().cooldownMillis(1_000).build();
    Cooldown cooling = Cooldown.after(settings, 1, 5_000, Cooldown.NONE);
    assertEquals(6_000L, cooling.until());
    assertTrue(cooling.afterEvent(settings, 5_999).active());
    assertFalse(cooling.afterEvent(settings, 6_000).active());
  }

  @Test
  void withBothTheFirstToExpireReArmsTheModel() {
    DriftSettings settings = DriftSettings.defaults().toBuilder().cooldownEvents(10).cooldownMillis(1_000).build();
    Cooldown cooling = Cooldown.after(settings, 1, 0, Cooldown.NONE);
    assertFalse(afterEvents(cooling, settings, 2, 0, 1_200).active(), "time first: the second event is 1.2 s later");
    assertFalse(afterEvents(cooling, settings, 10, 0, 1).active(), "events first: ten events within 10 ms");
  }

  @Test
  void notCoolingDownStaysSoWhateverHappens() {
    DriftSettings settings = DriftSettings.defaults().withCooldownEvents(1);
    assertEquals(Cooldown.NONE, afterEvents(Cooldown.NONE, settings, 5, 0, 1));
  }
}
