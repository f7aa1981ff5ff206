package mmr.procedures.graph;

import java.util.LinkedHashMap;
import java.util.Map;

import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;

import mmr.model.sage.GraphSage;
import mmr.model.sage.SageWeightsCodec;
import mmr.model.tag.VoteWeight;
import mmr.model.tag.VoterCount;

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
 * @param key           identifies this version for good: element id, version and creation time
 * @param predictVoters visual neighbours that vote a new image's tags, chosen when it was trained
 *                      ({@link VoterCount#DEFAULT} for versions trained before the choice)
 * @param predictVoteWeight how much a new image's predicted tags follow its neighbours' votes rather than
 *                      the model, as given to or chosen by its training ({@link VoteWeight#DEFAULT} for versions
 *                      stored before it was kept)
 */
public record LoadedModel(String name, long version, String elementId, GraphSage sage, long randomSeed,
                          long featureDimension, boolean multiLabel, String encoder, String key, int predictVoters,
                          double predictVoteWeight) {
    /** The model node's property holding {@link #predictVoters()}. */
    public static final String PREDICT_VOTERS = "predictVoters";
    /** The model node's property holding {@link #predictVoteWeight()}. */
    public static final String PREDICT_VOTE_WEIGHT = "predictVoteWeight";

    /**
     * Decoded models kept per JVM, least recently used dropped first: a server with many stored
     * versions (each database's, each retraining's) holds at most this much of them.
     */
    public static final long CACHE_BYTES = 256L << 20;
    private static final Map<String, LoadedModel> CACHE = new LinkedHashMap<>(16, 0.75f, true);
    private static long cachedBytes;
    private static long budget = CACHE_BYTES;

    /** What identifies a stored model version for good (see {@link #key()}), read from its node without decoding it. */
    public static String keyOf(Node node) {
        return node.getElementId() + "|" + node.getProperty("version", 0L) + "|" + node.getProperty("createdAt", "")
                + "|" + ModelStore.formatVersion(node);
    }

    /**
     * The decoded model stored at {@code node}; a model in a format this plugin cannot read is refused
     * when it would be decoded (its format is part of the cache key), naming {@code procedure}.
     */
    public static LoadedModel of(String procedure, Transaction tx, Node node) {
        String key = keyOf(node);
        synchronized (CACHE) {
            LoadedModel cached = CACHE.get(key);
            if (cached != null) {
                return cached;
            }
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
                (String) props.get("encoder"), key,
                predictVoters(props), predictVoteWeight(props));
        synchronized (CACHE) {
            LoadedModel raced = CACHE.get(key);
            if (raced != null) {
                return raced;
            }
            CACHE.put(key, model);
            cachedBytes += model.sage().decodedBytes();
            evictBeyondBudget();
        }
        return model;
    }

    /** {@link #predictVoters()} from a model node's properties: {@link VoterCount#DEFAULT} for a version trained before the choice. */
    public static int predictVoters(Map<String, Object> props) {
        return ((Number) props.getOrDefault(PREDICT_VOTERS, (long) VoterCount.DEFAULT)).intValue();
    }

    /** {@link #predictVoteWeight()} from a model node's properties: {@link VoteWeight#DEFAULT} for a version stored before it was kept. */
    public static double predictVoteWeight(Map<String, Object> props) {
        return ((Number) props.getOrDefault(PREDICT_VOTE_WEIGHT, VoteWeight.DEFAULT)).doubleValue();
    }

    /**
     * Drops a version decoded before its node was complete (mmr.train embeds with the new version
     * before it stores the vote weight chosen with those embeddings), so the next use reads it again.
     */
    public static void forget(String key) {
        synchronized (CACHE) {
            LoadedModel dropped = CACHE.remove(key);
            if (dropped != null) {
                cachedBytes -= dropped.sage().decodedBytes();
            }
        }
    }

    /** Drops the least recently used versions until the rest fit the budget, keeping at least the newest. */
    private static void evictBeyondBudget() {
        var eldest = CACHE.entrySet().iterator();
        while (cachedBytes > budget && CACHE.size() > 1) {
            cachedBytes -= eldest.next().getValue().sage().decodedBytes();
            eldest.remove();
        }
    }

    /** Sets the cache's budget (a test shrinks it to see eviction); returns the previous one. */
    static long budget(long bytes) {
        synchronized (CACHE) {
            long was = budget;
            budget = bytes;
            evictBeyondBudget();
            return was;
        }
    }

    /** Bytes of the decoded models cached now (at most {@link #CACHE_BYTES}, or one model larger than that). */
    public static long cachedBytes() {
        synchronized (CACHE) {
            return cachedBytes;
        }
    }
}
