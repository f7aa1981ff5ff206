package mmr.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;

import mmr.model.vector.Vectors;
import mmr.procedures.knn.IndexNeighbours;

/**
 * {@code mmr bench search}'s recall: mmr.search's ranking (vector index + exact re-rank) and its
 * visual attachment against exact brute force over every image of the database. The exact side is
 * one streaming pass over all images for all queries at once, so memory stays O(queries × k)
 * whatever the catalog's size.
 */
final class SearchRecall {
    private SearchRecall() {}

    /** One query's answers and the vectors its exact top lists are computed from. */
    private record Query(long self, float[] embedding, float[] features, List<Long> searched, List<Long> attached,
                         List<Long> similar, PriorityQueue<Scored> exactSearch, PriorityQueue<Scored> exactAttach) {}

    private record Scored(long id, double score) {}

    /** recall@10 of mmr.search's indexed lookups against exact brute force over every image. */
    static void measure(PrintWriter out, GraphDatabaseService db, List<String> ids, SplittableRandom rnd, int recallQueries) {
        int attachK = BenchSearch.DEFAULTS.neighbors();
        double cutoff = BenchSearch.DEFAULTS.similarityCutoff();
        List<Query> queries = new ArrayList<>();
        for (int q = 0; q < recallQueries; q++) {
            String id = ids.get(rnd.nextInt(ids.size()));
            Map<String, Object> row = db.executeTransactionally("MATCH (i:Image {id: $id}) CALL mmr.attach({node: i}) "
                    + "YIELD images, embedding RETURN id(i) AS self, i.features AS f, [l IN images | id(l.image)] AS attached, embedding, "
                    + "[(i)-[:SIMILAR]-(o) | id(o)] AS similar",
                    Map.of("id", id), r -> r.next());
            List<Long> got = db.executeTransactionally("MATCH (i:Image {id: $id}) CALL mmr.search({node: i}, {k: 10}) "
                    + "YIELD image RETURN id(image) AS id", Map.of("id", id), r -> r.stream().map(m -> (Long) m.get("id")).toList());
            @SuppressWarnings("unchecked")
            List<Long> attached = (List<Long>) (List<?>) row.get("attached");
            @SuppressWarnings("unchecked")
            List<Long> similar = (List<Long>) (List<?>) row.get("similar");
            queries.add(new Query((Long) row.get("self"), Vectors.normaliseInPlace(Vectors.toFloats(row.get("embedding")).clone()),
                    Vectors.normaliseInPlace(Vectors.toFloats(row.get("f")).clone()), got, attached, similar,
                    new PriorityQueue<>((a, b) -> Double.compare(a.score(), b.score())),
                    new PriorityQueue<>((a, b) -> Double.compare(a.score(), b.score()))));
        }
        db.executeTransactionally("MATCH (i:Image) WHERE i.embedding IS NOT NULL RETURN id(i) AS id, i.embedding AS e, i.features AS f",
                Map.of(), r -> {
                    r.forEachRemaining(m -> {
                        long id = (Long) m.get("id");
                        float[] e = Vectors.normaliseInPlace(Vectors.toFloats(m.get("e")).clone());
                        float[] f = Vectors.normaliseInPlace(Vectors.toFloats(m.get("f")).clone());
                        for (Query q : queries) {
                            if (id == q.self()) {
                                continue;
                            }
                            offer(q.exactSearch(), new Scored(id, dot(e, q.embedding())), 10);
                            double s = dot(f, q.features());
                            if (s >= cutoff) {
                                offer(q.exactAttach(), new Scored(id, s), attachK);
                            }
                        }
                    });
                    return null;
                });
        double searchRecall = 0;
        double attachRecall = 0;
        double knnRecall = 0;
        int attachQueries = 0;
        for (Query q : queries) {
            searchRecall += overlap(q.searched(), q.exactSearch());
            if (!q.exactAttach().isEmpty()) {
                attachQueries++;
                attachRecall += overlap(q.attached(), q.exactAttach());
                knnRecall += overlap(q.similar(), q.exactAttach());
            }
        }
        out.printf(Locale.ROOT, "recall@10 of mmr.search (index + exact re-rank) vs exact brute force: %.4f over %d queries%n",
                searchRecall / recallQueries, recallQueries);
        out.printf(Locale.ROOT, "recall of the visual attachment (top %d, cosine >= %.2f) vs exact: %.4f over %d queries%n",
                attachK, cutoff, attachQueries == 0 ? Double.NaN : attachRecall / attachQueries, attachQueries);
        // mmr.knn's SIMILAR edges are meant to be the same top k above the same cutoff (its defaults)
        out.printf(Locale.ROOT, "recall of the SIMILAR edges (mmr.knn) vs the same exact top %d: %.4f over %d queries%n",
                attachK, attachQueries == 0 ? Double.NaN : knnRecall / attachQueries, attachQueries);
    }

    /**
     * The share of the exact top {@code k} above {@code cutoff} (by features) that the stored SIMILAR
     * edges of {@code queries} sampled images hold: one streaming pass over every image.
     */
    static double similarRecall(GraphDatabaseService db, List<String> ids, SplittableRandom rnd, int queries, int k, double cutoff) {
        List<Long> self = new ArrayList<>();
        List<float[]> features = new ArrayList<>();
        List<List<Long>> similar = new ArrayList<>();
        for (int q = 0; q < queries; q++) {
            Map<String, Object> row = db.executeTransactionally("MATCH (i:Image {id: $id}) "
                    + "RETURN id(i) AS self, i.features AS f, [(i)-[:SIMILAR]->(o) | id(o)] AS similar",
                    Map.of("id", ids.get(rnd.nextInt(ids.size()))), r -> r.next());
            self.add((Long) row.get("self"));
            features.add(Vectors.normaliseInPlace(Vectors.toFloats(row.get("f")).clone()));
            @SuppressWarnings("unchecked")
            List<Long> s = (List<Long>) (List<?>) row.get("similar");
            similar.add(s);
        }
        List<PriorityQueue<Scored>> exact = exactTop(db, self, features, k, cutoff);
        double recall = 0;
        int counted = 0;
        for (int q = 0; q < queries; q++) {
            if (!exact.get(q).isEmpty()) {
                counted++;
                recall += overlap(similar.get(q), exact.get(q));
            }
        }
        return counted == 0 ? Double.NaN : recall / counted;
    }

    /**
     * Per number of candidates asked of the features index: the share of each sampled image's exact top
     * {@code k} above {@code cutoff} that the index's answer holds (self dropped, as mmr.knn does), and
     * the median milliseconds of one lookup — mmr.knn's own ({@link IndexNeighbours#neighbours}); one
     * streaming pass over every image for the exact side.
     */
    static Map<String, Object> candidateRecall(GraphDatabaseService db, List<String> ids, SplittableRandom rnd, int queries, int k,
                                               double cutoff, List<Integer> candidates) {
        List<Long> self = new ArrayList<>();
        List<float[]> features = new ArrayList<>();
        List<List<List<Long>>> found = new ArrayList<>();           // per query, per candidates value
        long[][] nanos = new long[candidates.size()][queries];
        for (int q = 0; q < queries; q++) {
            Map<String, Object> row = db.executeTransactionally("MATCH (i:Image {id: $id}) RETURN id(i) AS self, i.features AS f",
                    Map.of("id", ids.get(rnd.nextInt(ids.size()))), r -> r.next());
            long me = (Long) row.get("self");
            self.add(me);
            features.add(Vectors.normaliseInPlace(Vectors.toFloats(row.get("f")).clone()));
            List<List<Long>> perC = new ArrayList<>();
            try (Transaction tx = db.beginTx()) {
                for (int c = 0; c < candidates.size(); c++) {
                    long t0 = System.nanoTime();
                    List<Long> top = IndexNeighbours.neighbours(tx, me, candidates.get(c), cutoff, k).stream()
                            .map(near -> near.node().getId()).toList();
                    nanos[c][q] = System.nanoTime() - t0;
                    perC.add(top);
                }
            }
            found.add(perC);
        }
        List<PriorityQueue<Scored>> exact = exactTop(db, self, features, k, cutoff);
        Map<String, Object> result = new java.util.LinkedHashMap<>();
        for (int c = 0; c < candidates.size(); c++) {
            double recall = 0;
            int counted = 0;
            for (int q = 0; q < queries; q++) {
                if (!exact.get(q).isEmpty()) {
                    counted++;
                    recall += overlap(found.get(q).get(c), exact.get(q));
                }
            }
            long[] sorted = nanos[c].clone();
            java.util.Arrays.sort(sorted);
            result.put(String.valueOf(candidates.get(c)), Map.of("recall", Math.round(recall / counted * 1000) / 1000.0,
                    "p50Millis", Math.round(sorted[queries / 2] / 1e4) / 100.0));
        }
        return result;
    }

    /** Per query image, its exact top {@code k} other images by features cosine at or above {@code cutoff}. */
    private static List<PriorityQueue<Scored>> exactTop(GraphDatabaseService db, List<Long> self, List<float[]> features, int k,
                                                        double cutoff) {
        List<PriorityQueue<Scored>> exact = new ArrayList<>();
        for (int q = 0; q < self.size(); q++) {
            exact.add(new PriorityQueue<>((a, b) -> Double.compare(a.score(), b.score())));
        }
        db.executeTransactionally("MATCH (i:Image) RETURN id(i) AS id, i.features AS f", Map.of(), r -> {
            r.forEachRemaining(m -> {
                long id = (Long) m.get("id");
                float[] f = Vectors.normaliseInPlace(Vectors.toFloats(m.get("f")).clone());
                for (int q = 0; q < self.size(); q++) {
                    double s = id == self.get(q) ? Double.NEGATIVE_INFINITY : dot(f, features.get(q));
                    if (s >= cutoff) {
                        offer(exact.get(q), new Scored(id, s), k);
                    }
                }
            });
            return null;
        });
        return exact;
    }

    private static void offer(PriorityQueue<Scored> top, Scored s, int k) {
        if (top.size() < k) {
            top.add(s);
        } else if (s.score() > top.peek().score()) {
            top.poll();
            top.add(s);
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double overlap(List<Long> got, PriorityQueue<Scored> exact) {
        Set<Long> g = new HashSet<>(got);
        return exact.isEmpty() ? 1 : exact.stream().filter(s -> g.contains(s.id())).count() / (double) exact.size();
    }
}
