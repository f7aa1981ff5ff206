package mmr.procedures.web;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;

import mmr.model.encode.EncoderGrammar;
import mmr.model.encode.EncoderIdentity;
import mmr.model.tag.TagNames;
import mmr.model.tag.VoteWeight;
import mmr.model.text.Bounded;
import mmr.procedures.config.ConfigMap;
import mmr.procedures.graph.CatalogGraph;
import mmr.procedures.graph.ModelStore;
import mmr.procedures.graph.Schema;
import mmr.procedures.search.Query;
import mmr.procedures.search.QueryNode;
import mmr.procedures.search.SearchConfig;
import mmr.procedures.search.Searcher;

/**
 * What the explorer page asks of the graph, inside one (read-only) transaction: the catalog grid,
 * tag autocomplete, and search through the same {@link Searcher} as {@code mmr.search} — one
 * implementation of search — with each result's "why": the query tags it carries and the query's
 * attached images it is, or is a visual neighbour of.
 */
final class Explorer {
    static final String PROCEDURE = "mmr.search";
    /** Query keys the page may send: catalog image, uploaded bytes (base64), their features, tags. */
    static final List<String> QUERY_KEYS = List.of("id", "base64", "features", "tags");
    static final List<String> REQUEST_KEYS = List.of("query", "config", "predict", "uploaded");
    static final int MAX_PAGE_SIZE = 200;
    static final int MAX_PAGE = 100_000;
    static final int MAX_SUGGESTIONS = 50;
    static final int PREDICTED_TAGS = 8;
    /** Tags shown per result card (the shared ones always among them). */
    static final int RESULT_TAGS = 12;

    private final Transaction tx;
    private final Log log;

    private Path modelsRoot;

    /** Where the catalog's TorchScript model is found, for uploaded images (server.mmr.models_root). */
    Explorer withModelsRoot(Path root) {
        this.modelsRoot = root;
        return this;
    }

    Explorer(Transaction tx, Log log) {
        this.tx = tx;
        this.log = log;
    }

    /** The catalog's encoder as a spec a user would type; its identity when mmr cannot read it. */
    static String encoderSpec(Object identity) {
        if (!(identity instanceof String text)) {
            return null;
        }
        try {
            return EncoderGrammar.describe(EncoderGrammar.ofIdentity(EncoderIdentity.parse(text)));
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    /** The catalog, its model and the page's limits. */
    Map<String, Object> info() {
        Map<String, Object> out = new LinkedHashMap<>();
        Node catalog = new CatalogGraph(tx).catalogNode();
        Object encoder = catalog == null ? null : catalog.getProperty("encoder", null);
        out.put("encoder", encoder);
        out.put("encoderSpec", encoderSpec(encoder));
        out.put("images", count("MATCH (:" + Schema.IMAGE + ") RETURN count(*) AS n"));
        out.put("tags", count("MATCH (:" + Schema.TAG + ") RETURN count(*) AS n"));
        Node model = new ModelStore(tx).current(Schema.DEFAULT_NAME);
        if (model != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", model.getProperty(Schema.NAME, Schema.DEFAULT_NAME));
            m.put("version", model.getProperty("version", null));
            m.put("trainer", model.getProperty("trainer", null));
            out.put("model", m);
        } else {
            out.put("model", null);
        }
        out.put("maxUploadBytes", ExplorerResource.MAX_UPLOAD_BYTES);
        out.put("maxTags", Query.MAX_TAGS);
        return out;
    }

    private long count(String cypher) {
        try (Result r = tx.execute(cypher)) {
            return ((Number) r.next().get("n")).longValue();
        }
    }

    /**
     * One page of catalog images, by id; with a filter, the images carrying a tag that starts with
     * it (normalised like import).
     */
    Map<String, Object> images(String filter, String page, String size) {
        int p = intParam("page", page, 0, 0, MAX_PAGE);
        int n = intParam("size", size, 48, 1, MAX_PAGE_SIZE);
        String f = filter == null ? "" : filter;
        if (f.length() > TagNames.MAX_LENGTH) {
            throw new IllegalArgumentException("'q' has " + f.length() + " characters (" + Bounded.quote(f)
                    + "); a keyword filter has at most " + TagNames.MAX_LENGTH);
        }
        f = f.isBlank() ? "" : TagNames.normalise(f);
        String match = f.isEmpty()
                ? "MATCH (i:" + Schema.IMAGE + ") WHERE i.id IS NOT NULL "
                : "MATCH (t:" + Schema.TAG + ") WHERE t.name STARTS WITH $f MATCH (t)<-[:" + Schema.TAGGED + "]-(i:" + Schema.IMAGE + ") WITH DISTINCT i ";
        long total;
        try (Result r = tx.execute(match + "RETURN count(i) AS n", Map.of("f", f))) {
            total = ((Number) r.next().get("n")).longValue();
        }
        List<Map<String, Object>> items = new ArrayList<>();
        try (Result r = tx.execute(match + "RETURN i ORDER BY i.id SKIP $skip LIMIT $limit",
                Map.of("f", f, "skip", (long) p * n, "limit", n))) {
            while (r.hasNext()) {
                Node i = (Node) r.next().get("i");
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", i.getProperty("id"));
                m.put("tags", tagNames(i, RESULT_TAGS));
                items.add(m);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("filter", f);
        out.put("page", p);
        out.put("size", n);
        out.put("total", total);
        out.put("items", items);
        return out;
    }

    /** Tag names starting with the prefix (normalised), the most used first. */
    List<Map<String, Object>> tags(String prefix, String limit) {
        int n = intParam("limit", limit, 10, 1, MAX_SUGGESTIONS);
        String f = prefix == null ? "" : prefix;
        if (f.length() > TagNames.MAX_LENGTH) {
            throw new IllegalArgumentException("'prefix' has " + f.length() + " characters (" + Bounded.quote(f)
                    + "); a tag has at most " + TagNames.MAX_LENGTH);
        }
        f = f.isBlank() ? "" : TagNames.normalise(f);
        List<Map<String, Object>> out = new ArrayList<>();
        try (Result r = tx.execute("MATCH (t:" + Schema.TAG + ") WHERE t.name STARTS WITH $f "
                + "RETURN t.name AS name, COUNT { (t)<-[:" + Schema.TAGGED + "]-(:" + Schema.IMAGE + ") } AS images ORDER BY images DESC, name LIMIT $n",
                Map.of("f", f, "n", n))) {
            r.forEachRemaining(row -> out.add(new LinkedHashMap<>(row)));
        }
        return out;
    }

    /** A search request: {query, config, predict, uploaded}. */
    Map<String, Object> search(Map<String, Object> request) {
        long t0 = System.nanoTime();
        ConfigMap body = ConfigMap.of("the explorer's search request", request, REQUEST_KEYS);
        Map<String, Object> query = map(request.get("query"), "query");
        Map<String, Object> config = map(request.get("config"), "config");
        Set<String> unsupported = new TreeSet<>(query.keySet());
        unsupported.removeAll(QUERY_KEYS);
        if (!unsupported.isEmpty()) {
            throw new IllegalArgumentException("the explorer takes the query keys " + String.join(", ", QUERY_KEYS) + "; got "
                    + Bounded.join(unsupported) + " (mmr.search in Cypher takes the others)");
        }
        boolean predict = body.bool("predict", false);
        boolean uploaded = body.bool("uploaded", false);
        Query q = Query.parse(PROCEDURE, query, false);
        SearchConfig c = SearchConfig.parse(PROCEDURE, config);
        Searcher searcher = new Searcher(PROCEDURE, tx, log, null, modelsRoot);
        Searcher.Ranked ranked = searcher.searchExplained(q, c);
        QueryNode.Attachment a = ranked.attachment();

        List<Map<String, Object>> attachedImages = new ArrayList<>();
        for (QueryNode.ImageLink l : a.images()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", l.image().getProperty("id", null));
            m.put("similarity", l.similarity());
            attachedImages.add(m);
        }
        Set<String> queryTags = new TreeSet<>();
        a.tags().forEach(t -> queryTags.add((String) t.getProperty("name", "")));

        List<Map<String, Object>> results = new ArrayList<>();
        for (Searcher.Hit h : ranked.hits()) {
            Node n = h.node();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", n.getProperty("id", null));
            m.put("rank", h.rank());
            m.put("score", h.score());
            m.put("visualScore", h.visualScore());
            m.put("conceptScore", h.conceptScore());
            m.put("rankedBy", h.rankedBy());
            m.put("hops", h.hops());
            List<String> all = tagNames(n, Integer.MAX_VALUE);
            List<String> shared = h.why().queryTags();
            List<String> shown = new ArrayList<>(shared);
            for (String t : all) {
                if (shown.size() >= Math.max(RESULT_TAGS, shared.size())) {
                    break;
                }
                if (!queryTags.contains(t)) {
                    shown.add(t);
                }
            }
            m.put("tags", shown);
            m.put("tagCount", all.size());
            m.put("sharedTags", shared);
            m.put("attached", h.why().attached());
            m.put("via", h.why().attachedNeighbours());
            results.add(m);
        }

        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("queryImage", a.queryImage() == null ? null : a.queryImage().getProperty("id", null));
        attachment.put("images", attachedImages);
        attachment.put("tags", new ArrayList<>(queryTags));
        attachment.put("ignoredTags", a.ignoredTags());
        out.put("attachment", attachment);
        out.put("results", results);
        if (predict && q.hasImage()) {
            Query imageOnly = q.imageOnly();
            SearchConfig pc = c.withK(PREDICTED_TAGS);
            List<Map<String, Object>> predicted = new ArrayList<>();
            // As mmr.predictTags: the model's count of voters unless the request names its neighbours, and its vote weight.
            SearchConfig.Prediction prediction = new SearchConfig.Prediction(pc, VoteWeight.DEFAULT,
                    !config.containsKey("neighbors"), true, SearchConfig.DEFAULT_VOTERS);
            for (Searcher.Hit h : searcher.predictTags(imageOnly, prediction)) {
                predicted.add(Map.of("name", h.node().getProperty("name", ""), "score", h.score()));
            }
            out.put("predictedTags", predicted);
        }
        out.put("model", Map.of("name", a.model().name(), "version", a.model().version()));
        out.put("cypher", SearchCypher.render(query, config, uploaded));
        out.put("millis", (System.nanoTime() - t0) / 1e6);
        return out;
    }

    private static List<String> tagNames(Node image, int max) {
        List<String> names = new ArrayList<>();
        for (Relationship r : image.getRelationships(Direction.OUTGOING, Schema.TAGGED_TYPE)) {
            names.add((String) r.getEndNode().getProperty("name", ""));
        }
        names.sort(null);
        return names.size() > max ? names.subList(0, max) : names;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object v, String key) {
        if (v == null) {
            if (key.equals("config")) {
                return Map.of();
            }
            throw new IllegalArgumentException("the search request has no '" + key + "'; send {query: {id | base64 | "
                    + "features, tags}, config: {k, visualWeight, connect, ...}}");
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("'" + key + "' must be a map, got " + ConfigMap.describe(v));
        }
        return (Map<String, Object>) m;
    }

    static int intParam(String name, String value, int defaultValue, int min, int max) {
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            long v = Long.parseLong(value.trim());
            if (v >= min && v <= max) {
                return (int) v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("'" + name + "' must be an integer from " + min + " to " + max + ", got "
                + Bounded.quote(value));
    }
}
