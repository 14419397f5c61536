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

  static Cooldown after(DriftSettings settings, long eventTime) {
    return Cooldown.after(settings, 1, eventTime, 0, 0.5, 0.2);
  }

  @Test
  void theDefaultCooldownIsFiniteAndLastsTwentyDefaultWindows() {
    DriftSettings settings = DriftSettings.defaults();
    assertEquals(20L * settings.windowSize(), settings.cooldownEvents());
    assertFalse(afterEvents(after(settings, 0), settings, 10_000, 1, 1).active());
  }

  @Test
  void withBothCooldownsZeroATriggerHoldsUntilANewChampion() {
    DriftSettings settings = DriftSettings.defaults().withCooldownEvents(0);
    Cooldown cooling = after(settings, 0);
    assertTrue(cooling.active());
    assertEquals(cooling, afterEvents(cooling, settings, 100_000, 1, 1_000), "nothing counts, nothing expires");
  }

  @Test
  void aCooldownInEventsEndsAtTheNthEventAfterTheTrigger() {
    DriftSettings settings = DriftSettings.defaults().withCooldownEvents(3);
    Cooldown cooling = after(settings, 0);
    assertTrue(afterEvents(cooling, settings, 2, 1, 1).active());
    assertFalse(afterEvents(cooling, settings, 3, 1, 1).active());
    assertTrue(afterEvents(cooling, settings, 3, 1, 1).rearmed(), "re-armed: the version is still the champion");
  }

  @Test
  void aCooldownInEventTimeEndsAtTheFirstEventThatLateAfterTheTrigger() {
    DriftSettings settings = DriftSettings.defaults().toBuilder().cooldownEvents(0).cooldownMillis(1_000).build();
    Cooldown cooling = after(settings, 5_000);
    assertEquals(6_000L, cooling.until());
    assertTrue(cooling.afterEvent(settings, 5_999).active());
    assertFalse(cooling.afterEvent(settings, 6_000).active());
  }

  @Test
  void withBothTheFirstToExpireReArmsTheModel() {
    DriftSettings settings = DriftSettings.defaults().toBuilder().cooldownEvents(10).cooldownMillis(1_000).build();
    Cooldown cooling = after(settings, 0);
    assertFalse(afterEvents(cooling, settings, 2, 0, 1_200).active(), "time first: the second event is 1.2 s later");
    assertFalse(afterEvents(cooling, settings, 10, 0, 1).active(), "events first: ten events within 10 ms");
  }

  @Test
  void notCoolingDownStaysSoWhateverHappens() {
    DriftSettings settings = DriftSettings.defaults().withCooldownEvents(1);
    assertEquals(Cooldown.NONE, afterEvents(Cooldown.NONE, settings, 5, 0, 1));
  }

  @Test
  void aCooldownThatEndsWithTheVersionStillChampionReArmsAndEachUnansweredTriggerDoublesTheNext() {
    DriftSettings settings = DriftSettings.defaults().withCooldownEvents(100);
    Cooldown rearmed = afterEvents(after(settings, 0), settings, 100, 1, 1);
    assertFalse(rearmed.active());
    assertTrue(rearmed.rearmed());
    assertEquals(1, rearmed.nextAttempt(), "one trigger went unanswered");
    Cooldown second = Cooldown.after(settings, 1, 0, rearmed.nextAttempt(), 0.5, 0.2);
    assertTrue(afterEvents(second, settings, 199, 1, 1).active(), "twice as long");
    Cooldown third = afterEvents(second, settings, 200, 1, 1);
    assertEquals(2, third.nextAttempt());
    assertTrue(afterEvents(Cooldown.after(settings, 1, 0, 2, 0.5, 0.2), settings, 399, 1, 1).active(), "four times");
    assertEquals(DriftSettings.MAX_BACKOFF, Cooldown.backoff(9), "capped");
    assertFalse(afterEvents(Cooldown.after(settings, 1, 0, 9, 0.5, 0.2), settings, 1_600, 1, 1).active());
  }

  @Test
  void aCooldownInEventTimeBacksOffToo() {
    DriftSettings settings = DriftSettings.defaults().toBuilder().cooldownEvents(0).cooldownMillis(1_000).build();
    assertEquals(4_000L, Cooldown.after(settings, 1, 0, 2, 0.5, 0.2).until());
  }

  @Test
  void aReArmedModelTriggersOnlyOnNewEvidence() {
    DriftSettings settings = DriftSettings.defaults().withCooldownEvents(100);
    assertEquals(Cooldown.NewEvidence.FIRST, Cooldown.NONE.admits(settings, 0.1, null, 0).orElseThrow());
    assertTrue(after(settings, 0).admits(settings, 1.0, 0.9, 0).isEmpty(), "cooling down: nothing");
    Cooldown rearmed = afterEvents(after(settings, 0), settings, 100, 1, 1);
    assertTrue(rearmed.admits(settings, 0.5, 0.22, 100).isEmpty(), "the same evidence again");
    assertEquals(Cooldown.NewEvidence.STRONGER, rearmed.admits(settings, 0.6, 0.2, 100).orElseThrow());
    assertEquals(Cooldown.NewEvidence.ERROR_ROSE, rearmed.admits(settings, 0.5, 0.26, 100).orElseThrow(),
        "the served error rose by the error test's minimum effect (0.05)");
    assertTrue(afterEvents(rearmed, settings, 99, 1, 1).admits(settings, 0.5, 0.2, 0).isEmpty());
    assertEquals(Cooldown.NewEvidence.HELD, afterEvents(rearmed, settings, 100, 1, 1).admits(settings, 0.5, 0.2, 0)
        .orElseThrow(), "drift still seen twice the cooldown after the trigger");
  }
}
