package dev.plasticity.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How the versions topic's records are ordered, and which names are safe. */
class AliasesTest {
  @Test
  void aNewerChangeNumberWinsEvenForAnOlderVersionAndVersionNumbersDecideWithoutOne() {
    assertThat(Aliases.compare(12L, 1, 10L, 2)).as("a rollback to v1 after v2").isPositive();
    assertThat(Aliases.compare(10L, 2, 12L, 1)).isNegative();
    assertThat(Aliases.compare(null, 3, 12L, 2)).as("a record without a change number: by version").isPositive();
    assertThat(Aliases.compare(null, 2, null, 3)).isNegative();
    assertThat(Aliases.compare(5L, 2, 5L, 2)).isZero();
  }

  @Test
  void namesAreLettersDigitsDotsUnderscoresAndDashesStartingWithALetterOrDigit() {
    assertThat(Aliases.NAME.matcher("prod-eu.v2_b").matches()).isTrue();
    for (String odd : new String[] {"", "-x", ".hidden", "a b", "a/b", "../champion", "a@b", "é", "x".repeat(129)}) {
      assertThat(Aliases.NAME.matcher(odd).matches()).as(odd).isFalse();
    }
    assertThat(Aliases.topicKey("sea", "champion")).isEqualTo("sea");
    assertThat(Aliases.topicKey("sea", "shadow")).isEqualTo("sea@shadow");
  }
}
