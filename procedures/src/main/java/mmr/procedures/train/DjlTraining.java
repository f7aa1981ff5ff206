package mmr.procedures.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;

import mmr.model.sage.GraphSage;
import mmr.model.sage.SageTrainer;
import mmr.model.vector.Vectors;
import mmr.procedures.gds.GdsAdapter;

/**
 * {@code mmr.train({trainer: 'djl'})}: reads the catalog graph (Image and Tag nodes, SIMILAR and
 * TAGGED edges) into arrays, trains with {@link SageTrainer}, and embeds every node with the native
 * forward pass over the stored graph — the same pass, sampling and seed {@code mmr.embed} and search
 * use, so stored embeddings and query embeddings come from one function.
 */
final class DjlTraining {
    private static final int CHUNK = 4096;

    private DjlTraining() {}

    static GdsAdapter.TrainedSage train(Transaction tx, TrainConfig config, Log log) {
        long t0 = System.nanoTime();
        List<Long> ids = new ArrayList<>();
        List<float[]> features = new ArrayList<>();
        List<Boolean> isTag = new ArrayList<>();
        Map<Long, Integer> index = new HashMap<>();
        try (Result r = tx.execute("MATCH (n) WHERE n:Image OR n:Tag RETURN id(n) AS id, n:Tag AS tag, n.features AS f ORDER BY id")) {
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
        try (Result r = tx.execute("MATCH (a:Image)-[:SIMILAR]->(b:Image) RETURN id(a) AS a, id(b) AS b ORDER BY a, b")) {
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
        try (Result r = tx.execute("MATCH (i:Image)-[:TAGGED]->(t:Tag) RETURN id(i) AS i, id(t) AS t ORDER BY i, t")) {
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
        SageTrainer.Graph graph = new SageTrainer.Graph(features.toArray(new float[0][]), tag, arrays(similar), arrays(tagged));
        log.info("mmr.train: djl trainer read %d nodes and %d relationships in %d ms", n, relationships,
                (System.nanoTime() - t0) / 1_000_000);
        SageTrainer.Result result = SageTrainer.train(graph, new SageTrainer.Config(config.embeddingDimension(),
                config.sampleSizes(), config.epochs(), config.batchSize(), config.learningRate(), config.temperature(),
                config.keywordShare(), config.weightDecay(), config.randomSeed()), line -> log.info("mmr.train: %s", line));

        GraphSage sage = new GraphSage(result.weights());
        long[] all = ids.stream().mapToLong(Long::longValue).toArray();
        Map<Long, float[]> embeddings = new LinkedHashMap<>();
        for (int from = 0; from < all.length; from += CHUNK) {
            long[] chunk = java.util.Arrays.copyOfRange(all, from, Math.min(all.length, from + CHUNK));
            Neo4jSageGraph stored = new Neo4jSageGraph(tx, config.randomSeed());
            GraphSage.Batch batch = sage.batch(stored);
            for (long id : chunk) {
                embeddings.put(id, batch.embed(id));
            }
        }
        return new GdsAdapter.TrainedSage(embeddings, result.weights(), n, relationships, config.epochs(), false,
                result.epochLosses(), result.millis());
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
