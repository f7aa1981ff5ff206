package mmr.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mmr.eval.Holdout.Item;
import mmr.ingest.graph.EmbeddedCypher;

/**
 * The evaluation's one way into mmr: its procedures run on the evaluation database, every config
 * and query passed as Cypher parameters, every ranking returned as catalog positions.
 */
final class EvalSearch {
    /** Results scored per ranking. */
    static final int RANKED = 50;

    /**
     * Other attachments of the query node than the default's — at most 5 visual neighbours with cosine
     * ≥ 0.65 — as ablation rows: the {@code neighbourVotes} baseline polls the nearest 5 or 10 whatever
     * their cosine.
     */
    static final Map<String, Map<String, Object>> ATTACHMENTS = attachments();

    private static Map<String, Map<String, Object>> attachments() {
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        rows.put("neighbors 10", Map.of("neighbors", 10L));
        rows.put("similarityCutoff 0", Map.of("similarityCutoff", 0.0));
        rows.put("similarityCutoff 0, neighbors 10", Map.of("similarityCutoff", 0.0, "neighbors", 10L));
        return rows;
    }

    /** A ranking as catalog positions, and how many of its first 10 were reached along the graph. */
    record Ranking(int[] positions, int reachedInTop10) {}

    private final EmbeddedCypher cypher;
    private final List<Item> catalog;
    private final Map<String, Integer> index = new HashMap<>();

    EvalSearch(EmbeddedCypher cypher, List<Item> catalog) {
        this.cypher = cypher;
        this.catalog = catalog;
        for (int i = 0; i < catalog.size(); i++) {
            index.put(catalog.get(i).id(), i);
        }
    }

    /** An mmr.search query map: image bytes and/or tags. */
    static Map<String, Object> query(byte[] bytes, List<String> tags) {
        Map<String, Object> query = new HashMap<>();
        if (bytes != null) {
            query.put("bytes", bytes);
        }
        if (!tags.isEmpty()) {
            query.put("tags", tags);
        }
        return query;
    }

    int[] search(byte[] bytes, List<String> tags, String connect, double w) {
        return search(bytes, tags, connect, w, 0);
    }

    int[] search(byte[] bytes, List<String> tags, String connect, double w, int feedbackNeighbors) {
        return search(bytes, tags, connect, w, feedbackNeighbors, RANKED);
    }

    /**
     * mmr.search at a connect mode and slider position, distance pinned to cosine: the image-side
     * rows are what 'auto' gives them; the keyword-only ones are the ablation of the default before
     * issue 13 (and the input of rerank(mmr)).
     */
    int[] search(byte[] bytes, List<String> tags, String connect, double w, int feedbackNeighbors, int k) {
        return search(bytes, tags, connect, w, feedbackNeighbors, k, Map.of());
    }

    /** {@link #search} with more settings ({@code extra}, e.g. the ablation's {@code concept}). */
    int[] search(byte[] bytes, List<String> tags, String connect, double w, int feedbackNeighbors, int k, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.putAll(Map.of("k", (long) k, "connect", connect, "visualWeight", w, "feedbackNeighbors", (long) feedbackNeighbors,
                "distance", "cosine"));
        return ranking(query(bytes, tags), config).positions();
    }

    /** mmr.search by a catalog image's id (it is not returned), at a connect mode and slider position, distance cosine. */
    int[] searchById(String id, String connect, double w, int feedbackNeighbors) {
        return ranking(Map.of("id", id), Map.of("k", (long) RANKED, "connect", connect, "visualWeight", w, "distance", "cosine",
                "feedbackNeighbors", (long) feedbackNeighbors)).positions();
    }

    /** An image-only mmr.search's top {@code k} (connect, w 1, distance cosine) with each result's score. */
    Scored scored(byte[] bytes, String connect, int k) {
        List<Integer> hits = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        cypher.read("CALL mmr.search($q, $c) YIELD image, score RETURN image.id AS id, score",
                Map.of("q", query(bytes, List.of()), "c", Map.of("k", (long) k, "connect", connect, "visualWeight", 1.0, "distance", "cosine")),
                row -> {
                    hits.add(index.get((String) row.get("id")));
                    scores.add(((Number) row.get("score")).doubleValue());
                });
        return new Scored(hits.stream().mapToInt(Integer::intValue).toArray(), scores.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Catalog positions, best first, and their scores. */
    record Scored(int[] positions, double[] scores) {}

    /** mmr.search with the default config (connect both, the default weight, distance 'auto') and {@code extra}, k RANKED unless given. */
    Ranking searchDefault(byte[] bytes, List<String> tags, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.putIfAbsent("k", (long) RANKED);
        return ranking(query(bytes, tags), config);
    }

    /** A keyword that dropout removed from the graph finds nothing, as a hard filter would. */
    private Ranking ranking(Map<String, Object> query, Map<String, Object> config) {
        List<Integer> hits = new ArrayList<>();
        int[] reached = {0};
        try {
            cypher.read("CALL mmr.search($q, $c) YIELD image, rankedBy RETURN image.id AS id, rankedBy",
                    Map.of("q", query, "c", config), row -> {
                        if (hits.size() < 10 && "geodesic".equals(row.get("rankedBy"))) {
                            reached[0]++;
                        }
                        hits.add(index.get((String) row.get("id")));
                    });
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("is in the graph")) {
                throw e;
            }
        }
        return new Ranking(hits.stream().mapToInt(Integer::intValue).toArray(), reached[0]);
    }

    /**
     * {@code mmr.rerank} of a ranking (initial score: 1 − position / length, so every input is taken
     * by its order alone); the first {@link #RANKED} of the new order; the call's time into {@code millis}.
     */
    int[] rerank(int[] ranking, Map<String, Object> config, List<Double> millis) {
        if (ranking == null || ranking.length == 0) {
            return ranking;
        }
        List<Map<String, Object>> candidates = new ArrayList<>();
        for (int i = 0; i < ranking.length; i++) {
            candidates.add(Map.of("image", catalog.get(ranking[i]).id(), "score", 1 - (double) i / ranking.length));
        }
        List<Integer> out = new ArrayList<>();
        long t0 = System.nanoTime();
        cypher.read("CALL mmr.rerank($c, $cfg) YIELD image RETURN image.id AS id", Map.of("c", candidates, "cfg", config),
                row -> out.add(index.get((String) row.get("id"))));
        millis.add((System.nanoTime() - t0) / 1e6);
        return out.stream().limit(RANKED).mapToInt(Integer::intValue).toArray();
    }

    /** What the current model predicts tags with: its count of voters (chosen when it was trained) and its vote weight. */
    record TagVoting(int voters, double voteWeight) {}

    /** The current model's {@link TagVoting}, as mmr.model.info lists it; null without a current model. */
    TagVoting tagVoting() {
        List<TagVoting> voting = new ArrayList<>();
        cypher.read("CALL mmr.model.info() YIELD current, predictVoters, predictVoteWeight WHERE current "
                + "RETURN predictVoters, predictVoteWeight", Map.of(), row -> voting.add(new TagVoting(
                ((Number) row.get("predictVoters")).intValue(), ((Number) row.get("predictVoteWeight")).doubleValue())));
        return voting.isEmpty() ? null : voting.get(0);
    }

    /** mmr.predictTags' top 5 for a new image attached by its visual neighbours; {@code settings} beside the defaults. */
    List<String> predictTags(byte[] bytes, Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(Map.of("k", 5, "connect", "images"));
        config.putAll(settings);
        List<String> names = new ArrayList<>();
        cypher.read("CALL mmr.predictTags({bytes: $b}, $c) YIELD name RETURN name",
                Map.of("b", bytes, "c", config), row -> names.add((String) row.get("name")));
        return names;
    }

    /** mmr.tag of one image: [TAGGED edges added, embeddings recomputed]. */
    long[] tag(String id, List<String> tags) {
        Map<String, Object> r = cypher.write("CALL mmr.tag($id, $tags) YIELD changed, reembedded "
                + "RETURN size(changed) AS edges, reembedded", Map.of("id", id, "tags", tags)).get(0);
        return new long[] {((Number) r.get("edges")).longValue(), ((Number) r.get("reembedded")).longValue()};
    }

    /** mmr.feedback: a user who searched with {@code bytes} liked {@code ids}. */
    void feedback(byte[] bytes, List<String> ids) {
        cypher.write("CALL mmr.feedback({bytes: $b}, $liked)", Map.of("b", bytes, "liked", ids));
    }

    /** mmr.train with {@code config}; its result row. */
    Map<String, Object> train(Map<String, Object> config) {
        return cypher.write("CALL mmr.train($config)", Map.of("config", config)).get(0);
    }
}
