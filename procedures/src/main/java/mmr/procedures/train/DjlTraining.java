package mmr.procedures.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;

import mmr.model.progress.Progress;
import mmr.model.sage.GraphSage;
import mmr.model.sage.SageTrainer;
import mmr.model.sage.SageWeights;
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
        float[][] inputs = features.toArray(new float[0][]);
        Map<String, SageWeights.Matrix> projections = Map.of();
        boolean tagSpace = config.inputs().equals(TrainConfig.TAG_SPACE);
        if (tagSpace) {
            progress.phase("tag space", 0);
            projections = tagSpace(tx, inputs, tag, taggedArrays, config, log);
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

        GraphSage sage = new GraphSage(weights);
        long[] all = ids.stream().mapToLong(Long::longValue).toArray();
        Map<Long, float[]> embeddings = new LinkedHashMap<>();
        for (int from = 0; from < all.length; from += CHUNK) {
            long[] chunk = Arrays.copyOfRange(all, from, Math.min(all.length, from + CHUNK));
            Neo4jSageGraph stored = new Neo4jSageGraph(tx, config.randomSeed());
            GraphSage.Batch batch = sage.batch(stored);
            for (long id : chunk) {
                embeddings.put(id, batch.embed(id));
            }
        }
        return new TrainedSage(embeddings, weights, n, relationships, result.epochLosses().size(), false,
                result.epochLosses(), result.millis());
    }

    /**
     * The tag-space input maps (see {@link TagSpace}), fitted on the images' features and TAGGED edges;
     * tags enter through their centroid features, so the catalog must have been imported with them.
     */
    private static Map<String, SageWeights.Matrix> tagSpace(Transaction tx, float[][] features, boolean[] tag,
                                                           int[][] tagged, TrainConfig config, Log log) {
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
        for (int i = 0; i < tag.length; i++) {
            if (tag[i]) {
                column[i] = tagFeatures.size();
                tagFeatures.add(features[i]);
            } else {
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
                tagFeatures.toArray(new float[0][]), config.embeddingDimension(), config.ridgeLambda());
        log.info("mmr.train: tag space fitted on %d images and %d tags in %d ms (rank %d)", imageFeatures.size(),
                tagFeatures.size(), maps.millis(), maps.image().rows());
        return Map.of("Image", maps.image(), "Tag", maps.tag());
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
