package mmr.model.sage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import mmr.model.progress.Progress;

/**
 * mmr's own GraphSAGE trainer (DJL, PyTorch engine): the same graph and the same two-layer forward
 * pass as search uses ({@link SageWeights.Aggregator#CONCAT}), trained the way it is queried.
 *
 * <p>Each step takes a batch of tagged images as <em>queries</em>: their TAGGED edges, and their
 * edges into the rest of the graph, are removed from the message graph for that step, so they are
 * embedded exactly as an unseen image is at search time — from their own pixels and their visual
 * neighbours (and, for a share of them, one of their own tags attached as a keyword). A second batch
 * of <em>catalog</em> images keeps its tags, as stored images do. Every image of both batches is
 * pulled toward its own tags and away from every other tag: a softmax over all tag embeddings
 * (over at most {@link #MAX_STEP_TAGS} of them per step in a larger vocabulary; cosine ÷ temperature) against the image's tags weighted by inverse document frequency, so hub
 * tags ({@code face}, {@code symbol}) count for little. Tag embeddings come from the same pass over
 * the same message graph. Neighbours are sampled afresh each step; Adam with weight decay.
 */
public final class SageTrainer {
    private static final float LEAK = (float) SageWeights.Activation.RELU_LEAK;

    /**
     * The catalog graph by dense index.
     *
     * @param features input features per node
     * @param tag      whether node i is a Tag (else an Image)
     * @param similar  per image, its SIMILAR neighbours in both directions (a pair linked both ways twice); empty for tags
     * @param tagged   per image, its tags; per tag, its images
     */
    public record Graph(float[][] features, boolean[] tag, int[][] similar, int[][] tagged) {
        public Graph {
            int n = features.length;
            if (tag.length != n || similar.length != n || tagged.length != n) {
                throw new IllegalArgumentException("graph arrays differ in length");
            }
        }

        int size() {
            return features.length;
        }
    }

    /**
     * @param epochs        passes over the tagged images as queries
     * @param batchSize     query images (and as many catalog images) per step
     * @param temperature   softmax temperature of the cosine between image and tag embeddings
     * @param keywordShare  share of query images that get one of their own tags attached (image + keyword queries)
     * @param residualInit  start from the inputs smoothed over the neighbours (inputs of the embedding dimension) rather than Glorot
     * @param validationShare share of tagged images held out of training and queried after every epoch; the best epoch's weights are kept
     * @param patience      epochs without a better validation loss before training stops (0: never)
     * @param neighbourInit residual initialisation's neighbour weights {@code g₁, g₂} of layers 1 and 2
     * @param queriesPerEpoch at most this many query images per epoch, a fresh shuffled share of the tagged images
     *                      each epoch (bounds an epoch's cost on large catalogs)
     * @param keywordLossWeight weight of the keyword loss (per tag, a softmax over the step's images toward those
     *                      carrying it) against the tag loss (per image, a softmax over all tags)
     * @param imageLossWeight weight of an image loss added to those: per query image, a softmax over the step's
     *                      catalog images toward those sharing its tags (weighted as the tag loss's targets) — what an
     *                      image-only search ranks by
     */
    public record Config(int embeddingDimension, List<Integer> sampleSizes, int epochs, int batchSize, double learningRate,
                         double temperature, double keywordShare, double weightDecay, long seed, boolean residualInit,
                         double validationShare, int patience, double[] neighbourInit, double keywordLossWeight,
                         int queriesPerEpoch, double imageLossWeight) {
        public Config {
            if (sampleSizes.size() != 2) {
                throw new IllegalArgumentException("the djl trainer trains two layers; got sampleSizes " + sampleSizes);
            }
        }

        /** Glorot-initialised layers, no validation split (the settings before the tag space). */
        public Config(int embeddingDimension, List<Integer> sampleSizes, int epochs, int batchSize, double learningRate,
                      double temperature, double keywordShare, double weightDecay, long seed) {
            this(embeddingDimension, sampleSizes, epochs, batchSize, learningRate, temperature, keywordShare, weightDecay,
                    seed, false, 0, 0, new double[] {0, 0}, 0, Integer.MAX_VALUE, 0);
        }
    }

    /**
     * @param epochLosses      mean training loss per epoch
     * @param validationLosses loss of the validation images queried as new images: before training, then per epoch
     *                         (empty without a validation split)
     * @param bestEpoch        the epoch whose weights are returned (0: the initial weights)
     * @param validation       the validation images' indices in the graph: never a training target nor in a
     *                         step's graph (empty without a validation split)
     */
    public record Result(SageWeights weights, List<Double> epochLosses, List<Double> validationLosses, int bestEpoch,
                         long millis, int[] validation) {}


    private final Graph g;
    private final Config c;
    private final int d;
    private final int h;
    private final int[] tagIndex;     // node -> tag column, -1 for images
    private final int[] tags;         // tag column -> node
    private final double[] idf;       // per tag column
    private final int[] stepColumn;   // tag column -> its column in the step being prepared, -1 outside it
    private final int[] allColumns;   // 0..tags-1: every step's columns while the vocabulary fits one softmax

    /**
     * Tag columns of one step's softmax, at most. A catalog with more tags trains each step on its
     * images' own tags plus a uniform sample of the others (a sampled softmax): every step embeds each
     * of its tags, and with all of a large vocabulary that is most of the graph's memory and time.
     */
    static final int MAX_STEP_TAGS = 8_192;

    private SageTrainer(Graph g, Config c) {
        this.g = g;
        this.c = c;
        this.d = g.features()[0].length;
        this.h = c.embeddingDimension();
        tagIndex = new int[g.size()];
        List<Integer> t = new ArrayList<>();
        for (int i = 0; i < g.size(); i++) {
            tagIndex[i] = g.tag()[i] ? t.size() : -1;
            if (g.tag()[i]) {
                t.add(i);
            }
        }
        tags = t.stream().mapToInt(Integer::intValue).toArray();
        long images = g.size() - tags.length;
        idf = new double[tags.length];
        for (int j = 0; j < tags.length; j++) {
            idf[j] = Math.log((1.0 + images) / (1.0 + g.tagged()[tags[j]].length)) + 1;
        }
        stepColumn = new int[tags.length];
        Arrays.fill(stepColumn, -1);
        allColumns = java.util.stream.IntStream.range(0, tags.length).toArray();
    }

    /**
     * The tag columns of a step with these images: all of them while the catalog has at most
     * {@link #MAX_STEP_TAGS} tags, else the images' own tags and uniformly drawn others up to that many.
     */
    private int[] stepTags(int[] q, int[] p, SplittableRandom rng) {
        if (tags.length <= MAX_STEP_TAGS) {
            return allColumns;
        }
        List<Integer> chosen = new ArrayList<>();
        boolean[] in = new boolean[tags.length];
        for (int[] batch : new int[][] {q, p}) {
            for (int img : batch) {
                for (int tNode : g.tagged()[img]) {
                    int j = tagIndex[tNode];
                    if (!in[j] && chosen.size() < MAX_STEP_TAGS) {
                        in[j] = true;
                        chosen.add(j);
                    }
                }
            }
        }
        while (chosen.size() < MAX_STEP_TAGS) {
            int j = rng.nextInt(tags.length);
            if (!in[j]) {
                in[j] = true;
                chosen.add(j);
            }
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The validation split {@link #train} holds out: a seeded {@code share} of the tagged images (at most
     * 2,000, at most half), by node index. A trainer's inputs fitted on the catalog (the tag space) must
     * leave them out too, or their validation loss — and what is chosen on them — flatters the model.
     */
    public static int[] validationImages(boolean[] tag, int[][] tagged, double share, long seed) {
        if (share <= 0) {
            return new int[0];
        }
        int[] images = IntStream.range(0, tag.length).filter(i -> !tag[i] && tagged[i].length > 0).toArray();
        int[] order = shuffled(images, new SplittableRandom(seed ^ 0x7A11DA7EL));
        int count = (int) Math.min(Math.round(share * images.length), Math.min(2000, images.length / 2));
        return Arrays.copyOf(order, Math.max(0, count));
    }

    public static Result train(Graph graph, Config config, Consumer<String> progress) {
        return train(graph, config, progress, null);
    }

    /** @param state where epochs, steps and losses are reported as they happen (null: nowhere) */
    public static Result train(Graph graph, Config config, Consumer<String> progress, Progress state) {
        return new SageTrainer(graph, config).run(progress, state == null ? new Progress("mmr.train") : state);
    }

    private Result run(Consumer<String> progress, Progress state) {
        long t0 = System.nanoTime();
        int[] tagged = IntStream.range(0, g.size())
                .filter(i -> !g.tag()[i] && g.tagged()[i].length > 0).toArray();
        if (tagged.length < 2 || tags.length < 2) {
            throw new IllegalArgumentException("the djl trainer needs at least two tagged images and two tags; the graph has "
                    + tagged.length + " tagged image(s) and " + tags.length + " tag(s)");
        }
        SplittableRandom rng = new SplittableRandom(c.seed());
        int[] validation = validationImages(g.tag(), g.tagged(), c.validationShare(), c.seed());
        if (validation.length > 0) {
            Set<Integer> v = new HashSet<>();
            for (int i : validation) {
                v.add(i);
            }
            tagged = Arrays.stream(tagged).filter(i -> !v.contains(i)).toArray();
        }
        int batch = Math.min(c.batchSize(), Math.max(1, tagged.length / 2));
        int perEpoch = Math.min(tagged.length, c.queriesPerEpoch());
        int steps = (perEpoch + batch - 1) / batch;
        boolean residual = c.residualInit();
        if (residual && d != h) {
            throw new IllegalArgumentException("residual initialisation needs inputs of the embedding dimension " + h
                    + "; the inputs have " + d);
        }
        int hidden = residual ? 2 * h : h;
        List<Double> losses = new ArrayList<>();
        List<Double> validationLosses = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray w1 = manager.create(residual ? residualFirst(d, rng) : glorot(2 * d, hidden, rng), new Shape(2 * d, hidden));
            NDArray w2 = manager.create(residual ? residualSecond(h, rng) : glorot(2 * hidden, h, rng), new Shape(2 * hidden, h));
            NDArray[] params = {w1, w2};
            NDArray[] m = {manager.zeros(w1.getShape()), manager.zeros(w2.getShape())};
            NDArray[] v = {manager.zeros(w1.getShape()), manager.zeros(w2.getShape())};
            for (NDArray p : params) {
                p.setRequiresGradient(true);
            }
            float[] best1 = w1.toFloatArray();
            float[] best2 = w2.toFloatArray();
            int bestEpoch = 0;
            double bestLoss = Double.POSITIVE_INFINITY;
            if (validation.length > 0) {
                bestLoss = validate(validation, manager, w1, w2);
                validationLosses.add(bestLoss);
            }
            int t = 0;
            state.phase("training", (long) c.epochs() * steps);
            for (int epoch = 0; epoch < c.epochs(); epoch++) {
                state.epoch(epoch + 1, c.epochs());
                int[] queryOrder = shuffled(tagged, rng);
                int[] catalogOrder = shuffled(tagged, rng);
                double sum = 0;
                for (int s = 0; s < steps; s++) {
                    int from = s * batch;
                    int[] q = Arrays.copyOfRange(queryOrder, from, Math.min(perEpoch, from + batch));
                    int[] p = pickOthers(catalogOrder, from, q, batch);
                    try (NDManager step = manager.newSubManager()) {
                        Step st = prepare(q, p, rng, step, c.keywordShare(), validation);
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray loss = forward(st, w1, w2, hidden);
                            gc.backward(loss);
                            sum += loss.getFloat();
                        }
                        t++;
                        for (int k = 0; k < params.length; k++) {
                            adam(params[k], m[k], v[k], t);
                        }
                    }
                    state.step((long) epoch * steps + s + 1);
                }
                losses.add(sum / steps);
                String line = String.format(Locale.ROOT, "epoch %d/%d: loss %.4f", epoch + 1, c.epochs(), sum / steps);
                if (validation.length > 0) {
                    double vl = validate(validation, manager, w1, w2);
                    validationLosses.add(vl);
                    line += String.format(Locale.ROOT, ", validation %.4f", vl);
                    boolean improved = vl < bestLoss;
                    if (improved) {
                        bestLoss = vl;
                        bestEpoch = epoch + 1;
                        best1 = w1.toFloatArray();
                        best2 = w2.toFloatArray();
                    }
                    state.epochDone(sum / steps, vl, bestEpoch);
                    if (!improved && c.patience() > 0 && epoch + 1 - bestEpoch >= c.patience()) {
                        if (progress != null) {
                            progress.accept(line + String.format(Locale.ROOT,
                                    "; no better than epoch %d for %d epochs: stopping", bestEpoch, c.patience()));
                        }
                        break;
                    }
                } else {
                    bestEpoch = epoch + 1;
                    best1 = w1.toFloatArray();
                    best2 = w2.toFloatArray();
                    state.epochDone(sum / steps, null, bestEpoch);
                }
                if (progress != null) {
                    progress.accept(line + String.format(Locale.ROOT, " (%.1f s)", (System.nanoTime() - t0) / 1e9));
                }
            }
            SageWeights weights = new SageWeights(List.of(
                    new SageWeights.Layer(c.sampleSizes().get(0), transposed(best1, 2 * d, hidden)),
                    new SageWeights.Layer(c.sampleSizes().get(1), transposed(best2, 2 * hidden, h))),
                    SageWeights.Activation.RELU, Map.of(), SageWeights.Aggregator.CONCAT);
            return new Result(weights, losses, validationLosses, bestEpoch, (System.nanoTime() - t0) / 1_000_000, validation.clone());
        }
    }

    /** Mean loss of the validation images, each embedded as a new image-only query (no gradient; fixed samples). */
    private double validate(int[] validation, NDManager manager, NDArray w1, NDArray w2) {
        SplittableRandom fixed = new SplittableRandom(c.seed() ^ 0x5EEDL);
        int hidden = (int) w1.getShape().get(1);
        int chunk = Math.max(1, c.batchSize());
        double sum = 0;
        for (int from = 0; from < validation.length; from += chunk) {
            int[] q = Arrays.copyOfRange(validation, from, Math.min(validation.length, from + chunk));
            try (NDManager step = manager.newSubManager()) {
                Step st = prepare(q, new int[0], fixed, step, 0, new int[0]);
                sum += forward(st, w1, w2, hidden).getFloat() * q.length;
            }
        }
        return sum / validation.length;
    }

    /**
     * Layer 1 as {@code [a, −a]} with {@code a = x + g₁ · mean(x_N)} ({@code g₁ = neighbourInit[0]}; a small
     * perturbation breaks ties): through the leaky ReLU, {@code (h⁺ − h⁻) / (1 + leak) = a}, so the model
     * starts as the tag space itself smoothed over one hop.
     */
    private float[] residualFirst(int d, SplittableRandom rng) {
        int hidden = 2 * d;
        float[] w = noise(2 * d * hidden, 0.01 / Math.sqrt(d), rng);
        for (int i = 0; i < d; i++) {
            w[i * hidden + i] += 1;
            w[i * hidden + d + i] -= 1;
            w[(d + i) * hidden + i] += (float) c.neighbourInit()[0];
            w[(d + i) * hidden + d + i] -= (float) c.neighbourInit()[0];
        }
        return w;
    }

    /** Layer 2 reads the halves back: {@code z = a + g₂ · mean(a_N)} ({@code g₂ = neighbourInit[1]}). */
    private float[] residualSecond(int h, SplittableRandom rng) {
        int in = 4 * h;
        float[] w = noise(in * h, 0.01 / Math.sqrt(h), rng);
        float scale = 1f / (1 + LEAK);
        for (int i = 0; i < h; i++) {
            w[i * h + i] += scale;
            w[(h + i) * h + i] -= scale;
            w[(2 * h + i) * h + i] += scale * (float) c.neighbourInit()[1];
            w[(3 * h + i) * h + i] -= scale * (float) c.neighbourInit()[1];
        }
        return w;
    }

    private static float[] noise(int size, double std, SplittableRandom rng) {
        float[] w = new float[size];
        for (int i = 0; i < size; i++) {
            double u1 = rng.nextDouble();
            double u2 = rng.nextDouble();
            w[i] = (float) (std * Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2));
        }
        return w;
    }

    /** One step's inputs: layer-1 inputs of the nodes layer 2 needs, and layer 2's gather indexes. */
    private record Step(NDArray x1, NDArray self, NDArray neighbours, NDArray counts, NDArray labels,
                        NDArray columns, NDArray columnWeights, int images, int queries,
                        int targets, int sample) {}

    private Step prepare(int[] q, int[] p, SplittableRandom rng, NDManager manager, double keywordShare, int[] validation) {
        int n = g.size();
        boolean[] hidden = new boolean[n];
        for (int i : q) {
            hidden[i] = true;
        }
        for (int i : validation) {       // validation images are new images to every step: never in its graph
            hidden[i] = true;
        }
        int[] keyword = new int[n];
        Arrays.fill(keyword, -1);
        for (int i : q) {
            if (rng.nextDouble() < keywordShare) {
                int[] own = g.tagged()[i];
                keyword[i] = own[rng.nextInt(own.length)];
            }
        }
        int images = q.length + p.length;
        int[] columns = stepTags(q, p, rng);
        for (int j = 0; j < columns.length; j++) {
            stepColumn[columns[j]] = j;
        }
        int[] targets = new int[images + columns.length];
        System.arraycopy(q, 0, targets, 0, q.length);
        System.arraycopy(p, 0, targets, q.length, p.length);
        for (int j = 0; j < columns.length; j++) {
            targets[images + j] = tags[columns[j]];
        }

        int s2 = c.sampleSizes().get(1);
        int s1 = c.sampleSizes().get(0);
        int[] local = new int[n];
        Arrays.fill(local, -1);
        List<Integer> layer1 = new ArrayList<>();
        int[][] second = new int[targets.length][];
        for (int j = 0; j < targets.length; j++) {
            int v = targets[j];
            second[j] = NeighbourSample.draw(neighbours(v, hidden, keyword), s2, rng);
            localIndex(v, local, layer1);
            for (int u : second[j]) {
                localIndex(u, local, layer1);
            }
        }
        float[] x1 = new float[layer1.size() * 2 * d];
        for (int a = 0; a < layer1.size(); a++) {
            int u = layer1.get(a);
            int base = a * 2 * d;
            float[] f = g.features()[u];
            System.arraycopy(f, 0, x1, base, d);
            int[] first = NeighbourSample.draw(neighbours(u, hidden, keyword), s1, rng);
            if (first.length > 0) {
                float inv = 1f / first.length;
                for (int w : first) {
                    float[] fw = g.features()[w];
                    for (int i = 0; i < d; i++) {
                        x1[base + d + i] += fw[i] * inv;
                    }
                }
            }
        }
        long[] self = new long[targets.length];
        long[] nb = new long[targets.length * s2];
        float[] counts = new float[targets.length];
        int pad = layer1.size();
        for (int j = 0; j < targets.length; j++) {
            self[j] = local[targets[j]];
            for (int k = 0; k < s2; k++) {
                nb[j * s2 + k] = k < second[j].length ? local[second[j][k]] : pad;
            }
            counts[j] = Math.max(1, second[j].length);
        }
        int width = columns.length;
        float[] labels = new float[images * width];
        float[] columnShares = new float[images * width];
        float[] columnCounts = new float[width];
        for (int r = 0; r < images; r++) {
            int img = r < q.length ? q[r] : p[r - q.length];
            double total = 0;
            for (int tNode : g.tagged()[img]) {
                total += idf[tagIndex[tNode]];
            }
            for (int tNode : g.tagged()[img]) {
                int j = stepColumn[tagIndex[tNode]];
                if (j >= 0) {
                    labels[r * width + j] = (float) (idf[tagIndex[tNode]] / total);
                    columnCounts[j]++;
                }
            }
        }
        float[] columnWeights = new float[width];
        double weightSum = 0;
        for (int j = 0; j < width; j++) {
            if (columnCounts[j] > 0) {
                columnWeights[j] = (float) idf[columns[j]];
                weightSum += idf[columns[j]];
            }
        }
        for (int j = 0; j < width; j++) {
            columnWeights[j] /= (float) Math.max(weightSum, 1e-12);
        }
        for (int r = 0; r < images; r++) {
            int img = r < q.length ? q[r] : p[r - q.length];
            for (int tNode : g.tagged()[img]) {
                int j = stepColumn[tagIndex[tNode]];
                if (j >= 0) {
                    columnShares[r * width + j] = 1f / columnCounts[j];
                }
            }
        }
        for (int column : columns) {
            stepColumn[column] = -1;
        }
        return new Step(manager.create(x1, new Shape(layer1.size(), 2L * d)), manager.create(self),
                manager.create(nb), manager.create(counts, new Shape(targets.length, 1)),
                manager.create(labels, new Shape(images, width)), manager.create(columnShares, new Shape(images, width)),
                manager.create(columnWeights, new Shape(1, width)), images, q.length, targets.length, s2);
    }

    private NDArray forward(Step st, NDArray w1, NDArray w2, int hidden) {
        NDArray pre1 = st.x1().matMul(w1);
        NDArray h1 = pre1.maximum(pre1.mul(LEAK));                  // leaky ReLU
        NDArray padded = h1.concat(h1.getManager().zeros(new Shape(1, hidden)), 0);
        NDArray self = padded.get(new NDIndex("{}", st.self()));
        NDArray nbMean = padded.get(new NDIndex("{}", st.neighbours()))
                .reshape(st.targets(), st.sample(), hidden).sum(new int[] {1}).div(st.counts());
        NDArray z = self.concat(nbMean, 1).matMul(w2);              // last layer: no activation
        NDArray unit = z.div(z.norm(new int[] {1}, true).add(1e-8f));
        NDArray img = unit.get(new NDIndex("0:{}", st.images()));
        NDArray tag = unit.get(new NDIndex("{}:", st.images()));
        NDArray logits = img.matMul(tag.transpose()).div((float) c.temperature());
        NDArray rows = st.labels().mul(logits.logSoftmax(1)).sum(new int[] {1}).neg().mean();
        NDArray loss = rows;
        if (c.keywordLossWeight() != 0) {
            NDArray cols = st.columns().mul(logits.logSoftmax(0)).sum(new int[] {0}, true).mul(st.columnWeights()).sum().neg();
            loss = rows.mul(1 - (float) c.keywordLossWeight()).add(cols.mul((float) c.keywordLossWeight()));
        }
        if (c.imageLossWeight() == 0 || st.queries() == 0 || st.queries() == st.images()) {
            return loss;
        }
        // query images (embedded as new images) against the step's catalog images: the target of each is the
        // overlap of their tag distributions, so images sharing rarer tags count more; a query sharing none adds 0
        NDArray labelsQ = st.labels().get(new NDIndex("0:{}", st.queries()));
        NDArray labelsP = st.labels().get(new NDIndex("{}:", st.queries()));
        NDArray overlap = labelsQ.matMul(labelsP.transpose());
        NDArray target = overlap.div(overlap.sum(new int[] {1}, true).add(1e-12f));
        NDArray imageLogits = img.get(new NDIndex("0:{}", st.queries())).matMul(img.get(new NDIndex("{}:", st.queries())).transpose())
                .div((float) c.temperature());
        NDArray images = target.mul(imageLogits.logSoftmax(1)).sum(new int[] {1}).neg().mean();
        return loss.add(images.mul((float) c.imageLossWeight()));
    }

    private void adam(NDArray p, NDArray m, NDArray v, int t) {
        NDArray grad = p.getGradient();
        // The update works on a detached view of the weights (same storage): PyTorch's grad mode is per thread and
        // on by default, so on a thread other than the engine's first one an in-place step on the leaf would fail.
        NDArray weights = p.stopGradient();
        if (c.weightDecay() > 0) {
            grad = grad.add(weights.mul((float) c.weightDecay()));
        }
        double b1 = 0.9;
        double b2 = 0.999;
        m.muli((float) b1).addi(grad.mul((float) (1 - b1)));
        v.muli((float) b2).addi(grad.square().mul((float) (1 - b2)));
        double lr = c.learningRate() * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
        NDArray update = m.div(v.sqrt().add(1e-8f)).mul((float) lr);
        weights.subi(update);
        weights.close();
        grad.close();
        update.close();
    }

    /**
     * A node's neighbours in this step's message graph: query images see only their visual
     * neighbours outside the query batch (and their keyword tag, if given); nothing else sees them.
     */
    private int[] neighbours(int v, boolean[] hidden, int[] keyword) {
        if (g.tag()[v]) {
            return without(g.tagged()[v], hidden);
        }
        int[] sim = without(g.similar()[v], hidden);
        if (hidden[v]) {
            if (keyword[v] < 0) {
                return sim;
            }
            int[] out = Arrays.copyOf(sim, sim.length + 1);
            out[sim.length] = keyword[v];
            return out;
        }
        int[] own = g.tagged()[v];
        int[] out = Arrays.copyOf(sim, sim.length + own.length);
        System.arraycopy(own, 0, out, sim.length, own.length);
        return out;
    }

    private static int[] without(int[] ids, boolean[] hidden) {
        int k = 0;
        for (int id : ids) {
            k += hidden[id] ? 0 : 1;
        }
        if (k == ids.length) {
            return ids;
        }
        int[] out = new int[k];
        int j = 0;
        for (int id : ids) {
            if (!hidden[id]) {
                out[j++] = id;
            }
        }
        return out;
    }

    private static void localIndex(int node, int[] local, List<Integer> order) {
        if (local[node] < 0) {
            local[node] = order.size();
            order.add(node);
        }
    }

    /** Catalog images for a step: the next ones of {@code order} that are not queries of the step. */
    private static int[] pickOthers(int[] order, int from, int[] q, int batch) {
        Set<Integer> qs = new HashSet<>();
        for (int i : q) {
            qs.add(i);
        }
        int[] out = new int[Math.min(batch, order.length - q.length)];
        int k = 0;
        for (int i = 0; i < order.length && k < out.length; i++) {
            int cand = order[(from + i) % order.length];
            if (!qs.contains(cand)) {
                out[k++] = cand;
            }
        }
        return Arrays.copyOf(out, k);
    }

    private static int[] shuffled(int[] a, SplittableRandom rng) {
        int[] out = a.clone();
        for (int i = out.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    private static float[] glorot(int in, int out, SplittableRandom rng) {
        return noise(in * out, Math.sqrt(2.0 / (in + out)), rng);
    }

    /** A row-major (in × out) array as the model's (out × in) matrix. */
    private static SageWeights.Matrix transposed(float[] w, int in, int out) {
        double[] data = new double[in * out];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                data[o * in + i] = w[i * out + o];
            }
        }
        return new SageWeights.Matrix(out, in, data);
    }
}
