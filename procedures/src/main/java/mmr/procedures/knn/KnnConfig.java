package mmr.procedures.knn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mmr.procedures.config.ConfigMap;
import mmr.procedures.gds.GdsAdapter;

/**
 * Settings of {@code mmr.knn}: the paper's K=5 visual neighbours with cosine ≥ 0.65, found by one of
 * three methods. {@code vectorIndex} asks Neo4j's HNSW index over {@code Image.features} for each
 * image's {@code candidates} nearest; {@code gds} runs GDS kNN (NN-descent), whose recall falls as
 * the catalog grows (docs/benchmarks.md), and which alone reads the GDS keys (sampleRate,
 * deltaThreshold, maxIterations, randomSeed). {@code similarityCutoff} is a plain cosine in [-1, 1].
 * {@code writeBatchSize} 0 replaces all edges in the caller's transaction (atomic); N &gt; 0 rewrites
 * N images per transaction, bounding memory for very large catalogs. {@code refine} rounds of
 * NN-descent's local join then improve the lists with exact cosines; {@code descent} starts them from
 * random-projection trees instead of an index (its lists are rough: more rounds by default).
 */
public record KnnConfig(String method, int topK, double similarityCutoff, int candidates, Long randomSeed, int concurrency,
                        double sampleRate, double deltaThreshold, int maxIterations, int writeBatchSize, int refine) {
    public static final String PROCEDURE = "mmr.knn";
    public static final String VECTOR_INDEX = "vectorIndex";
    public static final String GDS = "gds";
    public static final String DESCENT = "descent";
    public static final List<String> METHODS = List.of(VECTOR_INDEX, GDS, DESCENT);
    public static final List<String> KEYS = List.of("method", "topK", "similarityCutoff", "candidates", "randomSeed", "concurrency",
            "sampleRate", "deltaThreshold", "maxIterations", "writeBatchSize", "refine");
    private static final List<String> GDS_KEYS = List.of("randomSeed", "sampleRate", "deltaThreshold", "maxIterations");
    /** Candidates asked of the index per image, as a multiple of topK + 1 (the image itself comes back too). */
    static final int CANDIDATE_FACTOR = 4;

    /** Rounds of refinement by the lists' own neighbourhoods after either method (0: none). */
    static final int DEFAULT_REFINE = 2;
    /** Rounds after method descent's rough first lists (at least one). */
    static final int DEFAULT_DESCENT_ROUNDS = 6;

    /** The seed when none is given and concurrency is 1. */
    static final long DEFAULT_SEED = 42;

    public static KnnConfig parse(Map<String, Object> raw) {
        ConfigMap c = ConfigMap.of(PROCEDURE, raw, KEYS);
        String method = c.choice("method", VECTOR_INDEX, METHODS);
        if (!method.equals(GDS)) {
            for (String key : GDS_KEYS) {
                if (c.has(key)) {
                    throw new IllegalArgumentException(PROCEDURE + ": '" + key + "' applies to method 'gds' only; "
                            + "drop it or add method: 'gds'");
                }
            }
        }
        int topK = c.integer("topK", 5, 1, 100);
        int concurrency = c.integer("concurrency", 1, 1, 64);
        Long seed;
        if (c.has("randomSeed")) {
            seed = c.longValue("randomSeed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
            if (concurrency > 1) {
                throw new IllegalArgumentException(PROCEDURE + ": 'randomSeed' gives a deterministic result only with"
                        + " 'concurrency' 1, got concurrency " + concurrency + "; drop randomSeed or set concurrency to 1");
            }
        } else {
            // Deterministic by default; asking for parallelism trades that away explicitly.
            seed = concurrency == 1 ? DEFAULT_SEED : null;
            ConfigMap.read(PROCEDURE, "randomSeed", "integer", DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE, null);
        }
        double cutoff = c.number("similarityCutoff", 0.65, -1.0, 1.0);
        int candidates = c.integer("candidates", CANDIDATE_FACTOR * (topK + 1), topK + 1, 10_000);
        return new KnnConfig(method, topK, cutoff, candidates,
                method.equals(GDS) ? seed : null,
                concurrency,
                c.number("sampleRate", 0.5, 0.0001, 1.0),
                c.number("deltaThreshold", 0.001, 0.0, 1.0),
                c.integer("maxIterations", 100, 1, 10_000),
                c.integer("writeBatchSize", 0, 0, 1_000_000),
                c.integer("refine", method.equals(DESCENT) ? DEFAULT_DESCENT_ROUNDS : DEFAULT_REFINE, method.equals(DESCENT) ? 1 : 0, 10));
    }

    /** The settings the first pass runs with when refining: no cutoff (full lists link more images; the result is cut after). */
    KnnConfig firstPass() {
        return refine == 0 ? this : new KnnConfig(method, topK, -1.0, candidates, randomSeed, concurrency, sampleRate, deltaThreshold,
                maxIterations, writeBatchSize, refine);
    }

    /** What GDS kNN is asked; the cutoff on GDS's (1 + cosine) / 2 scale. */
    public GdsAdapter.KnnParameters gdsParameters() {
        return new GdsAdapter.KnnParameters(topK, (similarityCutoff + 1) / 2, concurrency, sampleRate, deltaThreshold, maxIterations,
                randomSeed);
    }

    /** The effective settings, as returned to the caller. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method);
        m.put("topK", (long) topK);
        m.put("similarityCutoff", similarityCutoff);
        if (method.equals(VECTOR_INDEX)) {
            m.put("candidates", (long) candidates);
        }
        m.put("concurrency", (long) concurrency);
        if (method.equals(GDS)) {
            m.put("randomSeed", randomSeed);
            m.put("sampleRate", sampleRate);
            m.put("deltaThreshold", deltaThreshold);
            m.put("maxIterations", (long) maxIterations);
        }
        m.put("writeBatchSize", (long) writeBatchSize);
        m.put("refine", (long) refine);
        return m;
    }
}
