package io.datahubfcsync.delivery.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the job's rate is divided over the subtasks by the shards each has to send. */
class RateSharesTest {
    @Test
    void everySubtaskPacesToTheEvenShareUntilItReports() {
        RateShares shares = new RateShares(300, 3);
        assertThat(shares.shares()).containsExactly(100, 100, 100);
        assertThat(shares.changes())
                .as("nothing to tell subtasks that did not report")
                .isEmpty();
    }

    @Test
    void threeSendingShardsOnOneSubtaskAndOneOnTheOtherGetAQuarterEach() {
        RateShares shares = new RateShares(400, 2);
        shares.reported(0, 3);
        shares.reported(1, 1);
        assertThat(shares.shares()).containsExactly(300, 100);
        assertThat(shares.changes()).containsExactly(Map.entry(0, 300.0), Map.entry(1, 100.0));
    }

    @Test
    void aSubtaskWithNothingToSendLeavesNearlyTheWholeRateToTheOthersAndKeepsAProbe() {
        RateShares shares = new RateShares(400, 2);
        shares.reported(0, 4);
        shares.reported(1, 0);
        double[] s = shares.shares();
        assertThat(s[0]).isEqualTo(400);
        assertThat(s[1]).as("the probe").isPositive().isCloseTo(200 * RateShares.PROBE, within(1e-9));
    }

    @Test
    void whenNoSubtaskHasAnythingToSendTheRateIsSplitEvenly() {
        RateShares shares = new RateShares(400, 2);
        shares.reported(0, 0);
        shares.reported(1, 0);
        assertThat(shares.shares()).containsExactly(200, 200);
    }

    @Test
    void aSubtaskThatHasNotReportedKeepsTheEvenShareAndTheOthersDivideTheRest() {
        RateShares shares = new RateShares(600, 3);
        shares.reported(0, 1);
        shares.reported(1, 3);
        assertThat(shares.shares()).containsExactly(100, 300, 200);
    }

    @Test
    void aRestartedSubtaskIsBackAtTheEvenShareUntilItReportsAgain() {
        RateShares shares = new RateShares(400, 2);
        shares.reported(0, 3);
        shares.reported(1, 1);
        shares.changes();
        shares.restarted(1);
        assertThat(shares.shares()).containsExactly(200, 200);
        assertThat(shares.changes())
                .as("only the subtask that is running on is told")
                .containsExactly(Map.entry(0, 200.0));
    }

    @Test
    void aFinishedSubtaskGetsNothingAndItsPartGoesToTheOthers() {
        RateShares shares = new RateShares(400, 2);
        shares.reported(0, 2);
        shares.reported(1, 2);
        shares.finished(1);
        shares.reported(1, 5); // a late report of the finished subtask changes nothing
        assertThat(shares.shares()).containsExactly(400, 0);
        assertThat(shares.changes()).containsOnlyKeys(0);
    }

    @Test
    void aShareThatChangedByOnePercentOrLessIsNotSentAgain() {
        RateShares shares = new RateShares(1_000, 2);
        shares.reported(0, 100);
        shares.reported(1, 100);
        assertThat(shares.changes()).hasSize(2);
        shares.reported(0, 101); // 502.5 and 497.5: half a percent
        assertThat(shares.changes()).isEmpty();
        shares.reported(0, 110); // 523.8 and 476.2
        assertThat(shares.changes()).containsOnlyKeys(0, 1);
    }

    @Test
    void aRestoreStartsEverySubtaskAtTheEvenShareAgain() {
        RateShares shares = new RateShares(400, 2);
        shares.reported(0, 3);
        shares.finished(1);
        shares.reset();
        assertThat(shares.shares()).containsExactly(200, 200);
    }
}
