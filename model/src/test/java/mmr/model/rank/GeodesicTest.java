package mmr.model.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class GeodesicTest {
    private static final Geodesic.Bounds WIDE = new Geodesic.Bounds(10, 1000);

    /** An undirected weighted graph. */
    private static final class G implements Geodesic.Graph {
        final Map<Long, List<double[]>> adj = new HashMap<>();
        int reads;

        G edge(long a, long b, double w) {
            adj.computeIfAbsent(a, k -> new ArrayList<>()).add(new double[] {b, w});
            adj.computeIfAbsent(b, k -> new ArrayList<>()).add(new double[] {a, w});
            return this;
        }

        @Override
        public void neighbours(long node, Geodesic.EdgeSink sink) {
            reads++;
            for (double[] e : adj.getOrDefault(node, List.of())) {
                sink.edge((long) e[0], e[1]);
            }
        }
    }

    private static long[] ids(Geodesic.Result r) {
        return r.accepted().stream().mapToLong(Geodesic.Reached::node).toArray();
    }

    @Test
    void aCheaperPathOfMoreHopsBeatsADirectDearEdge() {
        // 0 —0.9— 3 directly, but 0 —0.2— 1 —0.2— 2 —0.2— 3 costs 0.6
        G g = new G().edge(0, 3, 0.9).edge(0, 1, 0.2).edge(1, 2, 0.2).edge(2, 3, 0.2);
        Geodesic.Result r = Geodesic.search(g, new long[] {0}, new double[] {0}, 0, n -> n == 3, 1, WIDE);
        assertThat(r.stop()).isEqualTo(Geodesic.Stop.FOUND);
        assertThat(r.accepted().get(0).distance()).isCloseTo(0.6, within(1e-12));
        assertThat(r.pathTo(3)).extracting(Geodesic.Reached::node).containsExactly(0L, 1L, 2L, 3L);
        assertThat(r.accepted().get(0).hops()).isEqualTo(3);
    }

    @Test
    void theHopBoundTakesTheCheapestPathWithinIt() {
        G g = new G().edge(0, 3, 0.9).edge(0, 1, 0.2).edge(1, 2, 0.2).edge(2, 3, 0.2);
        Geodesic.Result r = Geodesic.search(g, new long[] {0}, new double[] {0}, 0, n -> n == 3, 1, new Geodesic.Bounds(2, 100));
        assertThat(r.accepted().get(0).distance()).isCloseTo(0.9, within(1e-12));
        assertThat(r.pathTo(3)).extracting(Geodesic.Reached::node).containsExactly(0L, 3L);
        // with one hop less nothing beyond the start's neighbours is reached
        Geodesic.Result none = Geodesic.search(new G().edge(0, 1, 0.1).edge(1, 2, 0.1), new long[] {0}, new double[] {0}, 0,
                n -> n == 2, 1, new Geodesic.Bounds(1, 100));
        assertThat(none.accepted()).isEmpty();
        assertThat(none.stop()).isEqualTo(Geodesic.Stop.EXHAUSTED);
    }

    @Test
    void nearestFirstFromSeveralSourcesWithStartingCosts() {
        // the query node's attachments: 10 at cost 0.1, 20 at cost 0.5
        G g = new G().edge(10, 11, 0.1).edge(20, 21, 0.05).edge(11, 12, 0.5);
        Geodesic.Result r = Geodesic.search(g, new long[] {10, 20}, new double[] {0.1, 0.5}, 1, n -> true, 4, WIDE);
        assertThat(ids(r)).containsExactly(10L, 11L, 20L, 21L);
        assertThat(r.accepted().get(3).distance()).isCloseTo(0.55, within(1e-12));
        assertThat(r.accepted().get(3).hops()).isEqualTo(2);
        assertThat(r.pathTo(21)).extracting(Geodesic.Reached::node).containsExactly(20L, 21L);
    }

    @Test
    void stopsAtTheExpansionBoundAndSaysSo() {
        G g = new G();
        for (long i = 0; i < 100; i++) {
            g.edge(i, i + 1, 0.01);
        }
        Geodesic.Result r = Geodesic.search(g, new long[] {0}, new double[] {0}, 0, n -> n == 100, 1, new Geodesic.Bounds(1000, 10));
        assertThat(r.stop()).isEqualTo(Geodesic.Stop.EXPANSION_LIMIT);
        assertThat(r.expanded()).isEqualTo(10);
        assertThat(g.reads).isEqualTo(10);
        assertThat(r.accepted()).isEmpty();
    }

    @Test
    void tiesAreBrokenByNodeId() {
        G g = new G().edge(0, 7, 0.3).edge(0, 5, 0.3).edge(0, 6, 0.3);
        Geodesic.Result r = Geodesic.search(g, new long[] {0}, new double[] {0}, 0, n -> n != 0, 3, WIDE);
        assertThat(ids(r)).containsExactly(5L, 6L, 7L);
    }

    @Test
    void rejectsWeightsThatAreNegativeOrNotFinite() {
        for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            G g = new G().edge(0, 1, bad);
            assertThatThrownBy(() -> Geodesic.search(g, new long[] {0}, new double[] {0}, 0, n -> true, 2, WIDE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite and ≥ 0");
        }
        assertThatThrownBy(() -> new Geodesic.Bounds(0, 10)).hasMessageContaining("maxHops 0");
        assertThat(Geodesic.weight(1.0000001)).isEqualTo(0.0);
        assertThat(Geodesic.weight(-1)).isEqualTo(2.0);
    }
}
