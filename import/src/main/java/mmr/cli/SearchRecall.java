package mmr.cli;

import static mmr.procedures.search.QueryNode.ATTACH_CANDIDATES;
import static mmr.procedures.search.Searcher.RANK_CANDIDATES;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.neo4j.graphdb.GraphDatabaseService;

import mmr.model.vector.Vectors;

/**
 * {@code mmr bench search}'s recall: mmr.search's ranking (vector index + exact re-rank) and its
 * visual attachment against exact brute force over every image of the database.
 */
final class SearchRecall {
    private SearchRecall() {}

    /** recall@10 of mmr.search's indexed lookups against exact brute force over every image. */
    static void measure(PrintWriter out, GraphDatabaseService db, List<String> ids, SplittableRandom rnd, int recallQueries) {
        Map<Long, float[]> embeddings = new HashMap<>();
        Map<Long, float[]> features = new HashMap<>();
        db.executeTransactionally("MATCH (i:Image) RETURN id(i) AS id, i.embedding AS e, i.features AS f", Map.of(), r -> {
            r.forEachRemaining(m -> {
                embeddings.put((Long) m.get("id"), Vectors.normaliseInPlace(Vectors.toFloats(m.get("e")).clone()));
                features.put((Long) m.get("id"), Vectors.normaliseInPlace(Vectors.toFloats(m.get("f")).clone()));
            });
            return null;
        });
        double searchRecall = 0;
        double attachRecall = 0;
        int attachQueries = 0;
        for (int q = 0; q < recallQueries; q++) {
            String id = ids.get(rnd.nextInt(ids.size()));
            Map<String, Object> row = db.executeTransactionally("MATCH (i:Image {id: $id}) CALL mmr.attach({node: i}) "
                    + "YIELD images, embedding RETURN id(i) AS self, [l IN images | id(l.image)] AS attached, embedding",
                    Map.of("id", id), r -> r.next());
            long self = (Long) row.get("self");
            float[] e = Vectors.normaliseInPlace(toFloats((List<?>) row.get("embedding")));
            List<Long> got = db.executeTransactionally("MATCH (i:Image {id: $id}) CALL mmr.search({node: i}, {k: 10}) "
                    + "YIELD image RETURN id(image) AS id", Map.of("id", id), r -> r.stream().map(m -> (Long) m.get("id")).toList());
            searchRecall += overlap(got, exactTop(embeddings, e, 10, self, -2));
            List<?> attached = (List<?>) row.get("attached");
            List<Long> exact = exactTop(features, features.get(self), BenchSearch.DEFAULTS.neighbors(), self, BenchSearch.DEFAULTS.similarityCutoff());
            if (!exact.isEmpty()) {
                attachQueries++;
                Set<Object> a = new HashSet<>(attached);
                attachRecall += exact.stream().filter(a::contains).count() / (double) exact.size();
            }
        }
        out.printf(Locale.ROOT, "recall@10 of mmr.search (index + exact re-rank) vs exact brute force: %.4f over %d queries%n",
                searchRecall / recallQueries, recallQueries);
        out.printf(Locale.ROOT, "recall of the visual attachment (top %d, cosine >= %.2f) vs exact: %.4f over %d queries%n",
                BenchSearch.DEFAULTS.neighbors(), BenchSearch.DEFAULTS.similarityCutoff(), attachQueries == 0 ? Double.NaN : attachRecall / attachQueries, attachQueries);
    }

    private static List<Long> exactTop(Map<Long, float[]> vectors, float[] q, int k, long exclude, double cutoff) {
        List<Map.Entry<Long, Double>> all = new ArrayList<>();
        for (var v : vectors.entrySet()) {
            if (v.getKey() == exclude) {
                continue;
            }
            double s = 0;
            float[] x = v.getValue();
            for (int i = 0; i < x.length; i++) {
                s += x[i] * q[i];
            }
            if (s >= cutoff) {
                all.add(Map.entry(v.getKey(), s));
            }
        }
        all.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
        return all.subList(0, Math.min(k, all.size())).stream().map(Map.Entry::getKey).toList();
    }

    private static double overlap(List<Long> got, List<Long> exact) {
        Set<Long> g = new HashSet<>(got);
        return exact.isEmpty() ? 1 : exact.stream().filter(g::contains).count() / (double) exact.size();
    }

    private static float[] toFloats(List<?> l) {
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) l.get(i)).floatValue();
        }
        return f;
    }
}
