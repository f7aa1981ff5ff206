package mmr.model.sage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class GraphSageTest {
    /** A star: node 0 linked to 1, 2, 3; node 3 also to 4. Labels: 0..3 Image, 4 Tag. */
    private static final SageGraph STAR = new SageGraph() {
        final long[][] adjacency = {{1, 2, 3}, {0}, {0}, {0, 4}, {3}};
        final float[][] features = {{1, 0}, {0, 1}, {1, 1}, {2, 0}, {0, 3}};

        @Override
        public long[] neighbours(long node, int sampleSize) {
            long[] all = adjacency[(int) node];
            return java.util.Arrays.copyOf(all, Math.min(sampleSize, all.length));
        }

        @Override
        public float[] features(long node) {
            return features[(int) node];
        }

        @Override
        public String label(long node) {
            return node == 4 ? "Tag" : "Image";
        }
    };

    private static SageWeights.Matrix identity2() {
        return new SageWeights.Matrix(2, 2, new double[] {1, 0, 0, 1});
    }

    @Test
    void oneLayerIsTheNormalisedMeanOfSelfAndNeighbours() {
        SageWeights w = new SageWeights(List.of(new SageWeights.Layer(10, identity2())), SageWeights.Activation.RELU, Map.of());
        // mean of (1,0), (0,1), (1,1), (2,0) = (1, 0.5)
        float[] e = new GraphSage(w).embed(STAR, 0);
        double n = Math.sqrt(1 + 0.25);
        assertThat(e).containsExactly(new float[] {(float) (1 / n), (float) (0.5 / n)}, within(1e-6f));
    }

    @Test
    void twoLayersFollowTheGdsFormula() {
        SageWeights.Matrix w1 = new SageWeights.Matrix(3, 2, new double[] {1, -1, 0.5, 0.5, -2, 1});
        SageWeights.Matrix w2 = new SageWeights.Matrix(2, 3, new double[] {0.3, -0.7, 1, 1, 0.2, -0.4});
        SageWeights w = new SageWeights(List.of(new SageWeights.Layer(25, w1), new SageWeights.Layer(10, w2)),
                SageWeights.Activation.SIGMOID, Map.of());
        // By hand: h1(v) = sigmoid(W1 · mean(x_v ∪ x_N(v))), h2(0) = sigmoid(W2 · mean(h1(0), h1(1), h1(2), h1(3))).
        double[] h10 = sig(w1.times(mean(new double[][] {{1, 0}, {0, 1}, {1, 1}, {2, 0}})));
        double[] h11 = sig(w1.times(mean(new double[][] {{0, 1}, {1, 0}})));
        double[] h12 = sig(w1.times(mean(new double[][] {{1, 1}, {1, 0}})));
        double[] h13 = sig(w1.times(mean(new double[][] {{2, 0}, {1, 0}, {0, 3}})));
        double[] h20 = sig(w2.times(mean(new double[][] {h10, h11, h12, h13})));
        double norm = Math.hypot(h20[0], h20[1]);
        float[] e = new GraphSage(w).embed(STAR, 0);
        assertThat(e).containsExactly(new float[] {(float) (h20[0] / norm), (float) (h20[1] / norm)}, within(1e-6f));
    }

    /**
     * First-layer states computed once and given back as known states give the same embedding, and
     * the known nodes' own neighbourhoods are then not read at all.
     */
    @Test
    void knownFirstLayerStatesReplaceTheNeighbourhoodWalk() {
        SageWeights.Matrix w1 = new SageWeights.Matrix(3, 2, new double[] {1, -1, 0.5, 0.5, -2, 1});
        SageWeights.Matrix w2 = new SageWeights.Matrix(2, 3, new double[] {0.3, -0.7, 1, 1, 0.2, -0.4});
        GraphSage sage = new GraphSage(new SageWeights(List.of(new SageWeights.Layer(25, w1), new SageWeights.Layer(10, w2)),
                SageWeights.Activation.RELU, Map.of()));
        float[][] h1 = sage.batch(STAR).firstLayerStates(new long[] {1, 2, 3});
        Map<Long, double[]> known = new java.util.HashMap<>();
        for (int j = 0; j < 3; j++) {
            double[] d = new double[h1[j].length];
            for (int i = 0; i < d.length; i++) {
                d[i] = h1[j][i];
            }
            known.put((long) j + 1, d);
        }
        java.util.Set<Long> walked = new java.util.TreeSet<>();
        SageGraph watched = new SageGraph() {
            @Override
            public long[] neighbours(long node, int sampleSize) {
                walked.add(node);
                return STAR.neighbours(node, sampleSize);
            }

            @Override
            public float[] features(long node) {
                return STAR.features(node);
            }

            @Override
            public String label(long node) {
                return STAR.label(node);
            }
        };
        float[] withKnown = sage.batch(watched, (layer, node) -> layer == 1 ? known.get(node) : null).embed(0);
        assertThat(withKnown).containsExactly(sage.embed(STAR, 0), within(1e-6f));
        assertThat(walked).containsExactly(0L);
        assertThatThrownBy(() -> new GraphSage(new SageWeights(List.of(new SageWeights.Layer(10, identity2())),
                SageWeights.Activation.RELU, Map.of())).batch(STAR).firstLayerStates(new long[] {0}))
                .hasMessageContaining("1-layer model has no inner states");
    }

    @Test
    void reluLeaksLikeGds() {
        SageWeights.Matrix negate = new SageWeights.Matrix(2, 2, new double[] {-1, 0, 0, 1});
        SageWeights w = new SageWeights(List.of(new SageWeights.Layer(10, negate)), SageWeights.Activation.RELU, Map.of());
        // mean (1, 0.5) -> (-1, 0.5) -> leaky relu (-0.01, 0.5)
        double n = Math.hypot(0.01, 0.5);
        assertThat(new GraphSage(w).embed(STAR, 0)).containsExactly(new float[] {(float) (-0.01 / n), (float) (0.5 / n)}, within(1e-6f));
    }

    @Test
    void sampleSizesLimitTheNeighbourhoodPerLayer() {
        SageWeights w = new SageWeights(List.of(new SageWeights.Layer(1, identity2())), SageWeights.Activation.RELU, Map.of());
        // Only the first neighbour (1) is sampled: mean of (1,0) and (0,1).
        assertThat(new GraphSage(w).embed(STAR, 0)).containsExactly(new float[] {0.70710677f, 0.70710677f}, within(1e-6f));
    }

    @Test
    void multiLabelProjectsFeaturesWithABiasPerLabel() {
        SageWeights.Matrix image = new SageWeights.Matrix(2, 3, new double[] {1, 0, 0, 0, 1, 0});
        SageWeights.Matrix tag = new SageWeights.Matrix(2, 3, new double[] {0, 0, 1, 0, 0, 2});   // bias only
        SageWeights w = new SageWeights(List.of(new SageWeights.Layer(5, identity2())), SageWeights.Activation.RELU,
                Map.of("Image", image, "Tag", tag));
        // Node 4 (Tag) input = (1, 2) from the bias column; node 3 (Image) input = (2, 0).
        float[] e = new GraphSage(w).embed(STAR, 4);
        double[] mean = {(1 + 2) / 2.0, (2 + 0) / 2.0};
        double n = Math.hypot(mean[0], mean[1]);
        assertThat(e).containsExactly(new float[] {(float) (mean[0] / n), (float) (mean[1] / n)}, within(1e-6f));
        SageWeights onlyImages = new SageWeights(w.layers(), w.activation(), Map.of("Image", image));
        assertThatThrownBy(() -> new GraphSage(onlyImages).embed(STAR, 4))
                .hasMessage("the model has no feature projection for label 'Tag'; it knows [Image]");
    }

    @Test
    void aProjectedInputGivenByAnotherBatchReplacesTheProjection() {
        SageWeights.Matrix image = new SageWeights.Matrix(2, 3, new double[] {1, 0, 0, 0, 1, 0});
        SageWeights.Matrix tag = new SageWeights.Matrix(2, 3, new double[] {0, 0, 1, 0, 0, 2});
        GraphSage sage = new GraphSage(new SageWeights(List.of(new SageWeights.Layer(5, identity2())), SageWeights.Activation.RELU,
                Map.of("Image", image, "Tag", tag)));
        GraphSage.Batch first = sage.batch(STAR);
        assertThat(first.projectedInputIfKnown(3)).isNull();
        float[] e = first.embed(3);
        double[] x = first.projectedInputIfKnown(3);
        assertThat(x).containsExactly(2, 0);
        // the same input given: the same embedding; another one: it is used instead of projecting
        assertThat(sage.batch(STAR).withProjectedInput(3, x).embed(3)).containsExactly(e);
        assertThat(sage.batch(STAR).withProjectedInput(3, new double[] {0, 7}).embed(3)).isNotEqualTo(e);
        // a vector of the wrong width is ignored
        assertThat(sage.batch(STAR).withProjectedInput(3, new double[] {0, 7, 1}).embed(3)).containsExactly(e);
    }

    @Test
    void embedAllGivesEachNodeTheSameResultWhateverTheChunksAndThreads() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(9);
        int n = 60;
        long[] ids = new long[n];
        float[][] features = new float[n][];
        boolean[] tag = new boolean[n];
        int[][] adjacency = new int[n][];
        for (int i = 0; i < n; i++) {
            ids[i] = 3L * i + 1;                  // sparse ids, as a store's are
            features[i] = new float[] {(float) rnd.nextDouble(), (float) rnd.nextDouble(), (float) rnd.nextDouble()};
            tag[i] = i % 5 == 0;
            adjacency[i] = new int[] {(i + 1) % n, (i + 7) % n, (i + 13) % n, (i + n - 1) % n};
        }
        ArraySageGraph graph = new ArraySageGraph(ids, adjacency, features, tag, 42);
        SageWeights.Matrix image = new SageWeights.Matrix(2, 4, new double[] {1, 0.5, 0, 0.1, 0, 1, -0.5, 0});
        SageWeights.Matrix tags = new SageWeights.Matrix(2, 4, new double[] {0.3, 0, 1, 0, 0, 0.2, 0, 1});
        SageWeights w = new SageWeights(List.of(new SageWeights.Layer(2, new SageWeights.Matrix(3, 2, new double[] {1, -1, 0.5, 0.5, -2, 1})),
                new SageWeights.Layer(3, new SageWeights.Matrix(2, 3, new double[] {1, 0, 1, 0, 1, -1}))), SageWeights.Activation.SIGMOID,
                Map.of("Image", image, "Tag", tags));
        GraphSage sage = new GraphSage(w);
        GraphSage.Embedded one = sage.embedAll(graph, null, ids, 1000, 1);
        GraphSage.Embedded many = sage.embedAll(graph, null, ids, 7, 3);
        for (int i = 0; i < n; i++) {
            float[] alone = sage.embed(graph, ids[i]);
            assertThat(one.embeddings()[i]).containsExactly(alone);
            assertThat(many.embeddings()[i]).containsExactly(alone);
            assertThat(many.states()[i]).containsExactly(one.states()[i]);
            assertThat(many.inputs()[i]).containsExactly(one.inputs()[i]);
        }
        // known projected inputs replace the projection (here: zeros, so every embedding changes)
        GraphSage.Embedded zero = sage.embedAll(graph, (layer, node) -> layer == 0 ? new double[2] : null, ids, 7, 2);
        assertThat(zero.inputs()[0]).containsExactly(0f, 0f);
        assertThat(zero.embeddings()[0]).isNotEqualTo(one.embeddings()[0]);
        assertThatThrownBy(() -> new ArraySageGraph(new long[] {5, 3}, new int[2][0], new float[2][], new boolean[2], 1))
                .hasMessage("node ids must ascend: 5 then 3");
    }

    @Test
    void inconsistentLayersAreRefused() {
        assertThatThrownBy(() -> new SageWeights(List.of(new SageWeights.Layer(5, identity2()),
                new SageWeights.Layer(5, new SageWeights.Matrix(2, 3, new double[6]))), SageWeights.Activation.RELU, Map.of()))
                .hasMessage("layer 2 takes 3 inputs but layer 1 produces 2");
        assertThatThrownBy(() -> SageWeights.Activation.parse("tanh")).hasMessage("unknown activation 'tanh'; accepted: sigmoid, relu");
    }

    @Test
    void decodedBytesAreTheWeightsAndTheirTransposesKnownBeforeDecoding() {
        SageWeights.Matrix w1 = new SageWeights.Matrix(3, 2, new double[] {1, -1, 0.5, 0.5, -2, 1});
        SageWeights.Matrix w2 = new SageWeights.Matrix(2, 3, new double[] {0.3, -0.7, 1, 1, 0.2, -0.4});
        SageWeights.Matrix tagProjection = new SageWeights.Matrix(2, 4, new double[8]);
        SageWeights w = new SageWeights(List.of(new SageWeights.Layer(25, w1), new SageWeights.Layer(10, w2)),
                SageWeights.Activation.RELU, Map.of("Tag", tagProjection));
        assertThat(w.parameters()).isEqualTo(6 + 6 + 8);
        GraphSage sage = new GraphSage(w);
        assertThat(sage.decodedBytes()).isEqualTo(2L * 8 * 20).isEqualTo(GraphSage.decodedBytes(w.parameters()));
    }

    private static double[] mean(double[][] rows) {
        double[] m = new double[rows[0].length];
        for (double[] r : rows) {
            for (int i = 0; i < m.length; i++) {
                m[i] += r[i] / rows.length;
            }
        }
        return m;
    }

    private static double[] sig(double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = 1 / (1 + Math.exp(-x[i]));
        }
        return out;
    }
}
