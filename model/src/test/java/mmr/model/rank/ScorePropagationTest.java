package mmr.model.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

class ScorePropagationTest {
    private static final ScorePropagation.Settings SETTINGS = new ScorePropagation.Settings(0.5, 2, 2, 0.5);

    @Test
    void noStepsKeepTheScaledInitialOrder() {
        double[] s = ScorePropagation.propagate(new double[] {3, 1, 2}, null, List.of(), new ScorePropagation.Settings(0.5, 0, 0, 0));
        assertThat(s).containsExactly(1.0, 0.0, 0.5);
        assertThat(ScorePropagation.order(s)).containsExactly(0, 2, 1);
    }

    @Test
    void aCandidateVisuallyCloseToStrongOnesRisesAboveAnIsolatedOne() {
        // 0 and 1 strong and alike; 2 weak but like them; 3 a little stronger than 2 but unlike anything
        float[][] unit = {{1, 0}, {0.99f, 0.141f}, {0.98f, 0.199f}, {0, 1}};
        double[] initial = {1.0, 0.9, 0.2, 0.3};
        List<Integer> before = ScorePropagation.order(initial);
        List<Integer> after = ScorePropagation.order(ScorePropagation.propagate(initial, unit, List.of(), SETTINGS));
        assertThat(before.indexOf(2)).isGreaterThan(before.indexOf(3));
        assertThat(after.indexOf(2)).isLessThan(after.indexOf(3));
    }

    @Test
    void stepsFollowTheFormula() {
        // two candidates joined by one given edge: s1 = 0.5·s0 + 0.5·(other's s0)
        double[] s = ScorePropagation.propagate(new double[] {1, 0}, null, List.of(new ScorePropagation.Edge(0, 1, 0.8)),
                new ScorePropagation.Settings(0.5, 1, 0, 0));
        assertThat(s[0]).isCloseTo(0.5, within(1e-12));
        assertThat(s[1]).isCloseTo(0.5, within(1e-12));
        double[] equal = ScorePropagation.propagate(new double[] {2, 2}, null, List.of(), SETTINGS);
        assertThat(equal).containsExactly(1.0, 1.0);
    }
}
