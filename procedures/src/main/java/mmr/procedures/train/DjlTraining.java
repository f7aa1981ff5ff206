package mmr.procedures.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;

import mmr.model.progress.Progress;
import mmr.model.sage.ArraySageGraph;
import mmr.model.sage.GraphSage;
import mmr.model.sage.SageTrainer;
import mmr.model.sage.SageWeights;
import mmr.model.sage.SageWeightsCodec;
import mmr.model.sage.TagSpace;
import mmr.model.sage.TrainedSage;
import mmr.model.vector.Vectors;
import mmr.procedures.graph.Neo4jSageGraph;
import mmr.procedures.graph.Schema;

/**
 * {@code mmr.train({trainer: 'djl'})}: reads the catalog graph (Image and Tag nodes, SIMILAR and
 * TAGGED edges) into arrays, trains with {@link SageTrainer}, and embeds every node with the native
 * forward pass over the stored graph — the same pass, sampling and seed {@code mmr.embed} and search
 * use, so stored embeddings and query embeddings come from one function.
 */
final class DjlTraining {
    private static final int CHUNK = 4096;
    /** The final pass is deterministic per node, so it uses every core (up to 8) whatever the config's concurrency. */
    private static final int EMBED_THREADS = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));

    private DjlTraining() {}

    static TrainedSage train(Transaction tx, TrainConfig config, Log log, Progress progress) {
        long t0 = System.nanoTime();
        progress.phase("reading the graph", 0);
        List<Long> ids = new ArrayList<>();
        List<float[]> features = new ArrayList<>();
        List<Boolean> isTag = new ArrayList<>();
        Map<Long, Integer> index = new HashMap<>();
        try (Result r = tx.execute("MATCH (n) WHERE n:" + Schema.IMAGE + " OR n:" + Schema.TAG + " RETURN id(n) AS id, n:" + Schema.TAG + " AS tag, n.features AS f ORDER BY id")) {
            while (r.hasNext()) {
                Map<String, Object> row = r.next();
                float[] f = Vectors.toFloats(row.get("f"));
                if (f == null) {
                    continue;
                }
                index.put((Long) row.get("id"), ids.size());
                ids.add((Long) row.get("id"));
                features.add(f);
                isTag.add((Boolean) row.get("tag"));
            }
        }
        int n = ids.size();
        List<List<Integer>> similar = lists(n);
        List<List<Integer>> tagged = lists(n);
        long relationships = 0;
        try (Result r = tx.execute("MATCH (a:" + Schema.IMAGE + ")-[:" + Schema.SIMILAR + "]->(b:" + Schema.IMAGE + ") RETURN id(a) AS a, id(b) AS b ORDER BY a, b")) {
            while (r.hasNext()) {
                Map<String, Object> row = r.next();
                Integer a = index.get((Long) row.get("a"));
                Integer b = index.get((Long) row.get("b"));
                if (a != null && b != null) {
                    similar.get(a).add(b);
                    similar.get(b).add(a);
                    relationships += 2;
                }
            }
        }
        try (Result r = tx.execute("MATCH (i:" + Schema.IMAGE + ")-[:" + Schema.TAGGED + "]->(t:" + Schema.TAG + ") RETURN id(i) AS i, id(t) AS t ORDER BY i, t")) {
            while (r.hasNext()) {
                Map<String, Object> row = r.next();
                Integer i = index.get((Long) row.get("i"));
                Integer t = index.get((Long) row.get("t"));
                if (i != null && t != null) {
                    tagged.get(i).add(t);
                    tagged.get(t).add(i);
                    relationships += 2;
                }
            }
        }
        boolean[] tag = new boolean[n];
        for (int i = 0; i < n; i++) {
            tag[i] = isTag.get(i);
        }
        int[][] taggedArrays = arrays(tagged);
        log.info("mmr.train: djl trainer read %d nodes and %d relationships in %d ms", n, relationships,
                (System.nanoTime() - t0) / 1_000_000);
        float[][] raw = features.toArray(new float[0][]);
        float[][] inputs = raw.clone();
        Map<String, SageWeights.Matrix> projections = Map.of();
        double ridgeLambda = Double.NaN;
        boolean tagSpace = config.inputs().equals(TrainConfig.TAG_SPACE);
        if (tagSpace) {
            progress.phase("tag space", 0);
            // to choose the vote weight on them, the trainer's validation images stay out of the fit, as they stay
            // out of its steps: inputs fitted on their tags would flatter the model's cosine to those tags
            int[] validation = !config.choosesVoteWeight() ? new int[0]
                    : SageTrainer.validationImages(tag, taggedArrays, config.djlTrainer().validationShare(), config.djlTrainer().seed());
            TagSpace.Maps maps = tagSpace(tx, inputs, tag, taggedArrays, validation, config, log);
            projections = Map.of("Image", maps.image(), "Tag", maps.tag());
            ridgeLambda = maps.lambda();
            for (int i = 0; i < n; i++) {
                inputs[i] = TagSpace.apply(projections.get(tag[i] ? "Tag" : "Image"), inputs[i]);
            }
        }
        SageTrainer.Graph graph = new SageTrainer.Graph(inputs, tag, arrays(similar), taggedArrays);
        SageTrainer.Result result = SageTrainer.train(graph, config.djlTrainer(), line -> log.info("mmr.train: %s", line), progress);
        SageWeights weights = new SageWeights(result.weights().layers(), result.weights().activation(), projections,
                result.weights().aggregator());
        if (!result.validationLosses().isEmpty()) {
            log.info("mmr.train: kept the weights of epoch %d (validation losses %s)", result.bestEpoch(),
                    result.validationLosses());
        }

        progress.phase("embedding every node", 0);
        long e0 = System.nanoTime();
        GraphSage.Embedded all = embedAll(tx, weights, ids, index, similar, tagged, tag, raw, config.randomSeed());
        Map<Long, float[]> embeddings = new LinkedHashMap<>();
        Map<Long, float[]> states = all.states() == null ? null : new LinkedHashMap<>();
        Map<Long, float[]> projected = all.inputs() == null ? null : new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            embeddings.put(ids.get(i), all.embeddings()[i]);
            if (states != null) {
                states.put(ids.get(i), all.states()[i]);
            }
            if (projected != null) {
                projected.put(ids.get(i), all.inputs()[i]);
            }
        }
        log.info("mmr.train: embedded %d nodes in memory on %d threads in %d ms", n, EMBED_THREADS,
                (System.nanoTime() - e0) / 1_000_000);
        long[] heldOut = Arrays.stream(result.validation()).mapToLong(ids::get).toArray();
        return new TrainedSage(embeddings, weights, n, relationships, result.epochLosses().size(), false,
                result.epochLosses(), result.millis(), states, projected, ridgeLambda, heldOut);
    }

    /**
     * The native forward pass over every node, on the graph as read for training plus the feedback
     * edges search also aggregates over ({@link Neo4jSageGraph#TYPES}): the same neighbours, order and
     * seeded samples, the same raw features and the weights as they are stored — so the embeddings are
     * the ones {@code mmr.embed} computes over the database, to the bit.
     */
    private static GraphSage.Embedded embedAll(Transaction tx, SageWeights weights, List<Long> ids, Map<Long, Integer> index,
                                               List<List<Integer>> similar, List<List<Integer>> tagged, boolean[] tag,
                                               float[][] features, long seed) {
        int n = ids.size();
        List<List<Integer>> adjacency = lists(n);
        for (int i = 0; i < n; i++) {
            adjacency.get(i).addAll(similar.get(i));
            adjacency.get(i).addAll(tagged.get(i));
        }
        try (Result r = tx.execute("MATCH (a)-[:" + Schema.LIKED_WITH + "|" + Schema.LIKED_FOR + "]->(b) RETURN id(a) AS a, id(b) AS b")) {
            while (r.hasNext()) {
                Map<String, Object> row = r.next();
                Integer a = index.get((Long) row.get("a"));
                Integer b = index.get((Long) row.get("b"));
                if (a != null && b != null) {
                    adjacency.get(a).add(b);
                    adjacency.get(b).add(a);
                }
            }
        }
        long[] nodes = ids.stream().mapToLong(Long::longValue).toArray();
        ArraySageGraph graph = new ArraySageGraph(nodes, arrays(adjacency), features, tag, seed);
        GraphSage sage = new GraphSage(SageWeightsCodec.fromProperties(SageWeightsCodec.toProperties(weights)));
        GraphSage.KnownStates known = null;
        if (sage.weights().multiLabel()) {
            // each node's input projected once, with the pass's own function, rather than once per chunk
            // whose neighbourhoods reach it (the batches' input caches are bounded)
            double[][] projected = new double[n][];
            IntStream.range(0, n).parallel().forEach(i -> projected[i] = sage.project(nodes[i], tag[i] ? "Tag" : "Image", features[i]));
            known = (layer, node) -> layer == 0 ? projected[index.get(node)] : null;
        }
        return sage.embedAll(graph, known, nodes, CHUNK, EMBED_THREADS);
    }

    /**
     * The tag-space input maps (see {@link TagSpace}), fitted on the images' features and TAGGED edges;
     * tags enter through their centroid features, so the catalog must have been imported with them. The
     * images {@code heldOut} (node indices: the trainer's validation split, when the vote weight is chosen on
     * it) are left out of the fit.
     */
    private static TagSpace.Maps tagSpace(Transaction tx, float[][] features, boolean[] tag,
                                          int[][] tagged, int[] heldOut, TrainConfig config, Log log) {
        String init = null;
        try (Result r = tx.execute("MATCH (c:" + Schema.CATALOG + " {" + Schema.NAME + ": '" + Schema.DEFAULT_NAME + "'}) RETURN c.tagFeatureInit AS init")) {
            if (r.hasNext()) {
                init = (String) r.next().get("init");
            }
        }
        if (!"centroid".equals(init)) {
            throw new IllegalArgumentException(TrainConfig.PROCEDURE + ": inputs 'tagSpace' reads each tag through its "
                    + "centroid features, but this catalog's tag features are '" + init + "'; re-import with "
                    + "--tag-init centroid, or train with {inputs: 'features'}");
        }
        int[] column = new int[tag.length];
        List<float[]> tagFeatures = new ArrayList<>();
        List<float[]> imageFeatures = new ArrayList<>();
        List<Integer> images = new ArrayList<>();
        Set<Integer> held = new HashSet<>();
        for (int i : heldOut) {
            held.add(i);
        }
        for (int i = 0; i < tag.length; i++) {
            if (tag[i]) {
                column[i] = tagFeatures.size();
                tagFeatures.add(features[i]);
            } else if (!held.contains(i)) {
                images.add(i);
                imageFeatures.add(features[i]);
            }
        }
        int[][] imageTags = new int[images.size()][];
        for (int j = 0; j < imageTags.length; j++) {
            int[] ts = tagged[images.get(j)];
            imageTags[j] = new int[ts.length];
            for (int k = 0; k < ts.length; k++) {
                imageTags[j][k] = column[ts[k]];
            }
        }
        TagSpace.Maps maps = TagSpace.fit(imageFeatures.toArray(new float[0][]), imageTags,
                tagFeatures.toArray(new float[0][]), config.embeddingDimension(), config.ridgeLambda(), config.randomSeed());
        log.info("mmr.train: tag space fitted on %d images (%d held out for validation) and %d tags in %d ms "
                        + "(rank %d, ridge lambda %.4g%s)",
                imageFeatures.size(), heldOut.length, tagFeatures.size(), maps.millis(), maps.image().rows(), maps.lambda(),
                maps.choice() == null ? "" : ", chosen: " + maps.choice());
        return maps;
    }

    private static List<List<Integer>> lists(int n) {
        List<List<Integer>> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(new ArrayList<>());
        }
        return l;
    }

    private static int[][] arrays(List<List<Integer>> lists) {
        int[][] out = new int[lists.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = lists.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }
}
