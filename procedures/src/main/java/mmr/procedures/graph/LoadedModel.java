package mmr.procedures.graph;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;

import mmr.model.sage.GraphSage;
import mmr.model.sage.SageWeightsCodec;

/**
 * A stored model version, decoded and ready for the forward pass. Decoding happens once per
 * version: instances are cached by the model node's element id, version and creation time, which
 * together identify an immutable version (a retraining creates a new node).
 *
 * <p>The weights are read with a Cypher query, not through {@link Node#getProperty}: Neo4j 5's
 * record store decodes every later array read of a transaction's shared property cursor over that
 * cursor's whole buffer, and the buffer grows to the largest array read — one read of a 512 KB
 * weight matrix made each 2 KB feature read of the transaction 150× slower. A query's cursors
 * are released when it ends.
 *
 * @param key identifies this version for good: element id, version and creation time
 */
public record LoadedModel(String name, long version, String elementId, GraphSage sage, long randomSeed,
                          long featureDimension, boolean multiLabel, String encoder, String key) {
    private static final Map<String, LoadedModel> CACHE = new ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 32;

    /**
     * The decoded model stored at {@code node}; a model in a format this plugin cannot read is refused
     * when it would be decoded (its format is part of the cache key), naming {@code procedure}.
     */
    public static LoadedModel of(String procedure, Transaction tx, Node node) {
        String key = node.getElementId() + "|" + node.getProperty("version", 0L) + "|" + node.getProperty("createdAt", "")
                + "|" + ModelStore.formatVersion(node);
        LoadedModel cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        ModelStore.requireReadable(procedure, node);
        Map<String, Object> props;
        try (Result r = tx.execute("MATCH (m:MmrModel) WHERE elementId(m) = $id RETURN properties(m) AS p",
                Map.of("id", node.getElementId()))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) r.next().get("p");
            props = p;
        }
        LoadedModel model = new LoadedModel((String) props.get("name"), (Long) props.get("version"), node.getElementId(),
                new GraphSage(SageWeightsCodec.fromProperties(props)), (Long) props.getOrDefault("randomSeed", 42L),
                (Long) props.get("featureDimension"), Boolean.TRUE.equals(props.get("multiLabel")),
                (String) props.get("encoder"), key);
        if (CACHE.size() >= CACHE_LIMIT) {
            CACHE.clear();
        }
        CACHE.put(key, model);
        return model;
    }
}
