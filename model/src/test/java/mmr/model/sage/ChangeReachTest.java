package mmr.model.sage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ChangeReachTest {
    /** A path 1 - 2 - 3 - 4 - 5, and a hub 10 with leaves 11..40 (more than a sample of 25). */
    private static final Map<Long, long[]> ADJACENCY = new java.util.HashMap<>();

    static {
        ADJACENCY.put(1L, new long[] {2});
        ADJACENCY.put(2L, new long[] {1, 3});
        ADJACENCY.put(3L, new long[] {2, 4});
        ADJACENCY.put(4L, new long[] {3, 5});
        ADJACENCY.put(5L, new long[] {4});
        long[] leaves = new long[30];
        for (int i = 0; i < 30; i++) {
            leaves[i] = 11 + i;
            ADJACENCY.put(11L + i, new long[] {10});
        }
        ADJACENCY.put(10L, leaves);
    }

    private static final SageGraph GRAPH = new SageGraph() {
        @Override
        public long[] neighbours(long node, int sampleSize) {
            return NeighbourSample.draw(ADJACENCY.getOrDefault(node, new long[0]), sampleSize, 7 + node);
        }

        @Override
        public float[] features(long node) {
            return new float[] {1};
        }

        @Override
        public String label(long node) {
            return "Image";
        }
    };

    private static SageWeights layers(int... samples) {
        List<SageWeights.Layer> layers = new java.util.ArrayList<>();
        for (int s : samples) {
            layers.add(new SageWeights.Layer(s, new SageWeights.Matrix(1, 1, new double[] {1})));
        }
        return new SageWeights(layers, SageWeights.Activation.RELU, Map.of(), SageWeights.Aggregator.MEAN);
    }

    @Test
    void reachGrowsOneHopPerLayerAboveTheFirst() {
        assertThat(ChangeReach.affected(GRAPH, layers(25), Set.of(3L), Set.of())).containsExactlyInAnyOrder(3L);
        assertThat(ChangeReach.affected(GRAPH, layers(25, 10), Set.of(3L), Set.of())).containsExactlyInAnyOrder(2L, 3L, 4L);
        assertThat(ChangeReach.affected(GRAPH, layers(25, 10, 10), Set.of(3L), Set.of())).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void aNewInputReachesItsNeighboursAtTheFirstLayer() {
        assertThat(ChangeReach.affected(GRAPH, layers(25), Set.of(), Set.of(3L))).containsExactlyInAnyOrder(2L, 3L, 4L);
    }

    @Test
    void onlyNeighboursWhoseSampleHoldsTheChangedNodeAreAffected() {
        // the leaves each sample their only neighbour, the hub: all 30 are affected by a change at the hub
        assertThat(ChangeReach.affected(GRAPH, layers(25, 10), Set.of(10L), Set.of())).hasSize(31);
        // a change at one leaf reaches the hub only if the hub's layer-2 sample (10 of 30) holds that leaf
        long[] hubSample = GRAPH.neighbours(10, 10);
        long in = hubSample[0];
        long out = java.util.stream.LongStream.rangeClosed(11, 40).filter(l -> java.util.Arrays.stream(hubSample).noneMatch(h -> h == l))
                .findFirst().orElseThrow();
        assertThat(ChangeReach.affected(GRAPH, layers(25, 10), Set.of(in), Set.of())).containsExactlyInAnyOrder(in, 10L);
        assertThat(ChangeReach.affected(GRAPH, layers(25, 10), Set.of(out), Set.of())).containsExactlyInAnyOrder(out);
    }
}
