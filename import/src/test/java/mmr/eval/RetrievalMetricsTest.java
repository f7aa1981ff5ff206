package mmr.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {
    @Test
    void scoresTwinsAndSubcategoriesOfTheNearestNeighbours() {
        List<RetrievalMetrics.Item> items = List.of(
                new RetrievalMetrics.Item(new float[] {1, 0, 0}, "A", "google", "face"),
                new RetrievalMetrics.Item(new float[] {0.9f, 0.1f, 0}, "A", "twitter", "face"),
                new RetrievalMetrics.Item(new float[] {0, 1, 0}, "B", "google", "face"),
                new RetrievalMetrics.Item(new float[] {0, 0, 1}, "B", "twitter", "animal"));
        RetrievalMetrics.Scores at1 = RetrievalMetrics.evaluate(items, 1);
        // top-1: 0->1 (twin, face), 1->0 (twin, face), 2->1 (not twin, face), 3->? all cosines 0: first seen (0), not twin, not same
        assertThat(at1.twinRecall()).isCloseTo(0.5, within(1e-9));
        assertThat(at1.subcategoryP()).isCloseTo(0.75, within(1e-9));
        RetrievalMetrics.Scores at3 = RetrievalMetrics.evaluate(items, 3);
        assertThat(at3.twinRecall()).isEqualTo(1.0);
        assertThat(at3.queries()).isEqualTo(4);
    }
}
