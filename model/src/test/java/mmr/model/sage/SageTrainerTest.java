package mmr.model.sage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import mmr.model.vector.Vectors;

/**
 * The djl trainer on a graph with a known answer: images come in three visual clusters, each
 * cluster's images carry that cluster's tag (plus a hub tag everyone carries). An unseen image of a
 * cluster, embedded by the native pass through a transient node attached to its visual neighbours
 * (as search does), must land nearest to its cluster's tag — the trained weights, the stored
 * format and the forward pass agree.
 */
class SageTrainerTest {
    static final int D = 16;
    static final int CLUSTERS = 3;
    static final int PER = 20;

    /**
     * PyTorch's grad mode is per thread: a training on a thread other than the one the engine started
     * on (a Bolt worker, a pool thread) must work too.
     */
    @Test
    void trainsOnAThreadOtherThanTheEnginesFirst() throws Exception {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            manager.create(1f).close();   // the engine starts on this thread
        }
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            pool.submit(this::unseenImagesLandNextToTheirClustersTag).get();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unseenImagesLandNextToTheirClustersTag() {
        clustersAreLearned(PER, 0, 30);
    }

    /**
     * A vocabulary larger than one step's softmax ({@link SageTrainer#MAX_STEP_TAGS}: filler tags, each
     * on one image) trains on sampled tag columns and still learns the clusters.
     */
    @Test
    void aVocabularyLargerThanOneStepsSoftmaxIsSampledAndStillLearns() {
        int fillers = SageTrainer.MAX_STEP_TAGS + 800;
        clustersAreLearned(300, fillers, 4);
    }

    private void clustersAreLearned(int per, int fillerTags, int epochs) {
        SplittableRandom rng = new SplittableRandom(3);
        float[][] centres = new float[CLUSTERS][];
        for (int c = 0; c < CLUSTERS; c++) {
            centres[c] = noise(rng, 1.0f);
        }
        int images = CLUSTERS * per;
        int n = images + CLUSTERS + 1 + fillerTags;   // cluster tags, the hub tag, then one-image filler tags
        int hub = images + CLUSTERS;
        float[][] f = new float[n][];
        boolean[] tag = new boolean[n];
        List<List<Integer>> sim = new ArrayList<>();
        List<List<Integer>> tagged = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sim.add(new ArrayList<>());
            tagged.add(new ArrayList<>());
        }
        for (int i = 0; i < images; i++) {
            f[i] = around(centres[i / per], rng);
        }
        for (int t = images; t < n; t++) {
            tag[t] = true;
            f[t] = noise(rng, 1.0f);
        }
        for (int i = 0; i < images; i++) {
            int c = i / per;
            for (int k = 1; k <= 2; k++) {              // a ring of visual neighbours inside the cluster
                int j = c * per + (i % per + k) % per;
                sim.get(i).add(j);
                sim.get(j).add(i);
            }
            link(tagged, i, images + c);
            link(tagged, i, hub);
        }
        for (int t = hub + 1; t < n; t++) {
            link(tagged, rng.nextInt(images), t);
        }
        SageTrainer.Graph g = new SageTrainer.Graph(f, tag, arrays(sim), arrays(tagged));
        SageTrainer.Result r = SageTrainer.train(g, new SageTrainer.Config(8, List.of(5, 5), epochs, 8, 0.01, 0.1, 0.3, 0, 7),
                null);
        assertThat(r.epochLosses().get(r.epochLosses().size() - 1)).isLessThan(r.epochLosses().get(0));
        assertThat(r.weights().aggregator()).isEqualTo(SageWeights.Aggregator.CONCAT);

        GraphSage sage = new GraphSage(r.weights());
        InMemory graph = new InMemory(f, sim, tagged);
        int correct = 0;
        for (int c = 0; c < CLUSTERS; c++) {
            for (int trial = 0; trial < 5; trial++) {
                float[] query = around(centres[c], rng);
                long[] attached = {c * per + trial, c * per + trial + 1};
                float[] e = sage.embed(new Transient(graph, query, attached), -1);
                int best = -1;
                double bestScore = -2;
                for (int t = images; t < hub; t++) {
                    double s = Vectors.cosine(e, sage.embed(graph, t));
                    if (s > bestScore) {
                        bestScore = s;
                        best = t - images;
                    }
                }
                correct += best == c ? 1 : 0;
            }
        }
        assertThat(correct).as("unseen images whose nearest cluster tag is their own, of 15").isGreaterThanOrEqualTo(14);
    }

    /**
     * Residual initialisation is what it claims: with no epochs, every node's embedding is
     * {@code normalise(x + g₁ · mean(x_N))} of its inputs (up to the small symmetry-breaking noise).
     */
    @Test
    void residualInitialisationStartsAsTheInputsSmoothedOverOneHop() {
        SplittableRandom rng = new SplittableRandom(5);
        int images = 12;
        int n = images + 3;
        float[][] f = new float[n][];
        List<List<Integer>> sim = new ArrayList<>();
        List<List<Integer>> tagged = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            f[i] = noise(rng, 1f);
            sim.add(new ArrayList<>());
            tagged.add(new ArrayList<>());
        }
        boolean[] tag = new boolean[n];
        for (int t = images; t < n; t++) {
            tag[t] = true;
        }
        for (int i = 0; i < images; i++) {
            int j = (i + 1) % images;
            sim.get(i).add(j);
            sim.get(j).add(i);
            link(tagged, i, images + i % 3);
        }
        double g1 = 0.25;
        SageTrainer.Result r = SageTrainer.train(new SageTrainer.Graph(f, tag, arrays(sim), arrays(tagged)),
                new SageTrainer.Config(D, List.of(25, 10), 0, 8, 0.01, 0.1, 0, 0, 1, true, 0, 0, new double[] {g1, 0}, 0.5, 1000, 0),
                null);
        assertThat(r.epochLosses()).isEmpty();
        assertThat(r.bestEpoch()).isZero();
        GraphSage sage = new GraphSage(r.weights());
        InMemory graph = new InMemory(f, sim, tagged);
        for (int v = 0; v < n; v++) {
            long[] nb = graph.neighbours(v, 25);
            float[] expected = f[v].clone();
            for (long u : nb) {
                for (int i = 0; i < D; i++) {
                    expected[i] += (float) (g1 * f[(int) u][i] / nb.length);
                }
            }
            assertThat(Vectors.cosine(sage.embed(graph, v), Vectors.normaliseInPlace(expected)))
                    .as("node %d", v).isGreaterThan(0.995);
        }
    }

    /** With a validation split, the returned weights are those of the epoch with the lowest validation loss. */
    @Test
    void earlyStoppingKeepsTheBestValidationEpoch() {
        SageTrainer.Result r = SageTrainer.train(fourTagGraph(),
                new SageTrainer.Config(D, List.of(5, 5), 12, 8, 0.01, 0.1, 0.3, 0, 3, true, 0.25, 2,
                        new double[] {0.25, 0}, 0.5, 1000, 0), null);
        assertThat(r.validationLosses()).hasSize(r.epochLosses().size() + 1);
        double best = r.validationLosses().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertThat(r.validationLosses().get(r.bestEpoch())).isEqualTo(best);
        assertThat(r.epochLosses().size() - r.bestEpoch()).as("stopped within patience of the best epoch")
                .isLessThanOrEqualTo(r.epochLosses().size() < 12 ? 2 : 12);
        // the held-out images are reported (mmr.train scores its vote weight on them): a quarter of the 40, all images
        assertThat(r.validation()).hasSize(10).doesNotHaveDuplicates()
                .isEqualTo(SageTrainer.validationImages(fourTagGraph().tag(), fourTagGraph().tagged(), 0.25, 3));
        assertThat(java.util.Arrays.stream(r.validation()).max().orElseThrow()).as("images, not tags").isLessThan(40);
    }

    /** 40 images of random features, each tagged with one of 4 tags (image i: tag i mod 4), linked to image i + 4. */
    private static SageTrainer.Graph fourTagGraph() {
        SplittableRandom rng = new SplittableRandom(9);
        int images = 40;
        int n = images + 4;
        float[][] f = new float[n][];
        boolean[] tag = new boolean[n];
        List<List<Integer>> sim = new ArrayList<>();
        List<List<Integer>> tagged = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            f[i] = noise(rng, 1f);
            tag[i] = i >= images;
            sim.add(new ArrayList<>());
            tagged.add(new ArrayList<>());
        }
        for (int i = 0; i < images; i++) {
            link(tagged, i, images + i % 4);
            int j = (i + 4) % images;
            sim.get(i).add(j);
            sim.get(j).add(i);
        }
        return new SageTrainer.Graph(f, tag, arrays(sim), arrays(tagged));
    }

    /** The image loss is a term of its own: it adds to the first epoch's loss and trains other weights. */
    @Test
    void theImageLossAddsATermAndChangesWhatIsLearned() {
        SageTrainer.Result without = SageTrainer.train(fourTagGraph(), new SageTrainer.Config(D, List.of(5, 5), 3, 8, 0.01, 0.1,
                0.3, 0, 3, true, 0, 0, new double[] {0.25, 0}, 0.5, 1000, 0), null);
        SageTrainer.Result with = SageTrainer.train(fourTagGraph(), new SageTrainer.Config(D, List.of(5, 5), 3, 8, 0.01, 0.1,
                0.3, 0, 3, true, 0, 0, new double[] {0.25, 0}, 0.5, 1000, 2), null);
        assertThat(with.epochLosses().get(0)).isGreaterThan(without.epochLosses().get(0));
        assertThat(with.epochLosses()).allSatisfy(l -> assertThat(l).isFinite());
        assertThat(with.weights().layers().get(1).weights().data()).isNotEqualTo(without.weights().layers().get(1).weights().data());
    }

    @Test
    void refusesAGraphWithoutTaggedImages() {
        float[][] f = {{1, 0}, {0, 1}};
        SageTrainer.Graph g = new SageTrainer.Graph(f, new boolean[2], new int[][] {{1}, {0}}, new int[][] {{}, {}});
        assertThatThrownBy(() -> SageTrainer.train(g, new SageTrainer.Config(4, List.of(5, 5), 1, 8, 0.01, 0.1, 0, 0, 1), null))
                .hasMessage("the djl trainer needs at least two tagged images and two tags; the graph has 0 tagged image(s) and 0 tag(s)");
    }

    private static void link(List<List<Integer>> tagged, int image, int t) {
        tagged.get(image).add(t);
        tagged.get(t).add(image);
    }

    private static float[] noise(SplittableRandom rng, float scale) {
        float[] v = new float[D];
        for (int i = 0; i < D; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1) * scale;
        }
        return Vectors.normaliseInPlace(v);
    }

    private static float[] around(float[] centre, SplittableRandom rng) {
        float[] v = noise(rng, 0.35f);
        for (int i = 0; i < D; i++) {
            v[i] = centre[i] + v[i] * 0.35f;
        }
        return Vectors.normaliseInPlace(v);
    }

    private static int[][] arrays(List<List<Integer>> l) {
        return l.stream().map(x -> x.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }

    /** The whole graph, every neighbour (sample sizes exceed degrees here). */
    record InMemory(float[][] f, List<List<Integer>> sim, List<List<Integer>> tagged) implements SageGraph {
        @Override
        public long[] neighbours(long node, int sampleSize) {
            List<Integer> all = new ArrayList<>(sim.get((int) node));
            all.addAll(tagged.get((int) node));
            return NeighbourSample.draw(all.stream().mapToLong(Integer::longValue).sorted().toArray(), sampleSize, node);
        }

        @Override
        public float[] features(long node) {
            return f[(int) node];
        }

        @Override
        public String label(long node) {
            return "Image";
        }
    }

    /** A query node (-1) attached to given images, over the stored graph. */
    record Transient(InMemory stored, float[] query, long[] attached) implements SageGraph {
        @Override
        public long[] neighbours(long node, int sampleSize) {
            return node == -1 ? attached : stored.neighbours(node, sampleSize);
        }

        @Override
        public float[] features(long node) {
            return node == -1 ? query : stored.features(node);
        }

        @Override
        public String label(long node) {
            return "Image";
        }
    }
}
