package dev.plasticity.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.schemas.ChangeCause;
import dev.plasticity.schemas.ModelVersion;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RecallTest {
  private static ModelVersion version(int number) {
    ModelVersion v = new ModelVersion();
    v.setVersion(number);
    return v;
  }

  private static List<ModelVersion> listed(int... numbers) {
    return IntStream.of(numbers).mapToObj(RecallTest::version).toList();
  }

  private static ChampionMove move(int version, ChangeCause cause, String reason) {
    return new ChampionMove(version, cause, reason);
  }

  @Test
  void candidatesArePastChampionsStillListedOtherThanTheServingOneMostRecentlyServingFirst() {
    // v1 served, then v3, v4, back to v1 (a rollback), then v5; v2 never served, v4 is archived (not listed)
    List<ChampionMove> moves = List.of(move(1, ChangeCause.REGISTRATION, ""), move(3, ChangeCause.GATE, ""),
        move(4, ChangeCause.GATE, ""), move(1, ChangeCause.ROLLBACK, ""), move(5, ChangeCause.GATE, ""));

    List<ModelVersion> candidates = Recall.candidates(listed(1, 2, 3, 5), moves, 5);

    assertThat(candidates).extracting(ModelVersion::getVersion).containsExactly(1, 3);
  }

  @Test
  void atMostFourCandidatesAreScored() {
    List<ChampionMove> moves = IntStream.rangeClosed(1, 7).mapToObj(v -> move(v, ChangeCause.GATE, "")).toList();

    assertThat(Recall.candidates(listed(1, 2, 3, 4, 5, 6, 7), moves, 7)).extracting(ModelVersion::getVersion)
        .containsExactly(6, 5, 4, 3);
  }

  @Test
  void aTriggersRecallIsFoundByTheReasonThatNamesIt() {
    List<ChampionMove> moves = List.of(move(1, ChangeCause.REGISTRATION, ""), move(2, ChangeCause.GATE, ""),
        move(1, ChangeCause.RECALL, Recall.reasonPrefix("t-7") + "v1 beats serving v2 on the window"),
        move(2, ChangeCause.OPERATOR, Recall.reasonPrefix("t-8") + "an operator's words, not a recall"));

    assertThat(Recall.recalledBy(moves, "t-7")).contains(1);
    assertThat(Recall.recalledBy(moves, "t-8")).isEmpty();
    assertThat(Recall.recalledBy(moves, "t-")).isEmpty();
  }
}
