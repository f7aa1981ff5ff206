package mmr.procedures.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import mmr.procedures.config.ConfigLists;
import mmr.procedures.config.ConfigMap;

/**
 * Settings of {@code mmr.train}: unsupervised GraphSAGE with the mean aggregator over Image and Tag
 * nodes and their SIMILAR and TAGGED edges (the paper: samples 25/10, two layers).
 */
public record TrainConfig(String modelName, int embeddingDimension, List<Integer> sampleSizes, String activation,
                          int epochs, int maxIterations, int batchSize, double learningRate, int searchDepth,
                          int negativeSampleWeight, double tolerance, long randomSeed, int concurrency,
                          int projectedFeatureDimension, double batchSamplingRatio, String trainer, double temperature,
                          double keywordShare, double weightDecay, String inputs, double ridgeLambda,
                          double validationShare, int patience, List<Double> neighbourInit, double keywordLossWeight,
                          int queriesPerEpoch) {
    public static final String GDS = "gds";
    public static final String DJL = "djl";
    public static final String PROCEDURE = "mmr.train";
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    static final List<String> KEYS = List.of("modelName", "embeddingDimension", "sampleSizes", "activation", "epochs",
            "maxIterations", "batchSize", "learningRate", "searchDepth", "negativeSampleWeight", "tolerance",
            "randomSeed", "concurrency", "projectedFeatureDimension", "batchSamplingRatio", "trainer", "temperature",
            "keywordShare", "weightDecay", "inputs", "ridgeLambda", "validationShare", "patience", "neighbourInit",
            "keywordLossWeight", "queriesPerEpoch");
    /** Keys only GDS's trainer reads, and keys only mmr's (djl) trainer reads: the other trainer refuses them. */
    static final List<String> GDS_ONLY = List.of("activation", "maxIterations", "searchDepth", "negativeSampleWeight",
            "tolerance", "concurrency", "projectedFeatureDimension", "batchSamplingRatio");
    static final List<String> DJL_ONLY = List.of("temperature", "keywordShare", "weightDecay", "inputs", "ridgeLambda",
            "validationShare", "patience", "neighbourInit", "keywordLossWeight", "queriesPerEpoch");
    /** djl inputs: the closed-form tag space (needs centroid tag features), or the raw features. */
    public static final String TAG_SPACE = "tagSpace";
    public static final String FEATURES = "features";

    public static TrainConfig parse(Map<String, Object> raw) {
        ConfigMap c = ConfigMap.of(PROCEDURE, raw, KEYS);
        Object name = raw == null ? null : raw.get("modelName");
        String modelName = "default";
        if (name != null) {
            if (!(name instanceof String s) || !NAME.matcher(s).matches()) {
                throw new IllegalArgumentException(PROCEDURE + ": 'modelName' must start with a letter and contain only "
                        + "letters, digits, '_' and '-' (at most 64 characters), got " + ConfigMap.describe(name));
            }
            modelName = s;
        }
        int embeddingDimension = c.integer("embeddingDimension", 128, 1, 4096);
        String trainer = c.choice("trainer", DEFAULT_TRAINER, List.of(GDS, DJL));
        boolean djl = trainer.equals(DJL);
        for (String key : djl ? GDS_ONLY : DJL_ONLY) {
            if (c.has(key)) {
                throw new IllegalArgumentException(PROCEDURE + ": '" + key + "' applies to trainer '" + (djl ? GDS : DJL)
                        + "' only, not to '" + trainer + "'");
            }
        }
        List<Integer> sampleSizes = ConfigLists.integers(PROCEDURE, "sampleSizes", raw == null ? null : raw.get("sampleSizes"),
                List.of(25, 10), 3, 1, 1000);
        if (djl && sampleSizes.size() != 2) {
            throw new IllegalArgumentException(PROCEDURE + ": trainer 'djl' trains two layers; 'sampleSizes' must have two "
                    + "entries, got " + sampleSizes);
        }
        return new TrainConfig(
                modelName,
                embeddingDimension,
                sampleSizes,
                c.choice("activation", "relu", List.of("sigmoid", "relu")),
                c.integer("epochs", djl ? DJL_EPOCHS : 5, djl ? 0 : 1, 1000),
                c.integer("maxIterations", 10, 1, 100_000),
                c.integer("batchSize", djl ? DJL_BATCH : 100, 1, 100_000),
                c.number("learningRate", djl ? DJL_LEARNING_RATE : 0.1, Double.MIN_VALUE, 10),
                c.integer("searchDepth", 5, 1, 100),
                c.integer("negativeSampleWeight", 20, 1, 1000),
                c.number("tolerance", 1e-4, 0, 1),
                c.longValue("randomSeed", 42, Long.MIN_VALUE, Long.MAX_VALUE),
                c.integer("concurrency", 1, 1, 64),
                c.integer("projectedFeatureDimension", embeddingDimension, 1, 4096),
                c.number("batchSamplingRatio", 0, 0, 1),
                trainer,
                c.number("temperature", DJL_TEMPERATURE, 1e-3, 10),
                c.number("keywordShare", DJL_KEYWORD_SHARE, 0, 1),
                c.number("weightDecay", DJL_WEIGHT_DECAY, 0, 1),
                c.choice("inputs", TAG_SPACE, List.of(TAG_SPACE, FEATURES)),
                c.number("ridgeLambda", DJL_RIDGE_LAMBDA, 1e-6, 1e6),
                c.number("validationShare", DJL_VALIDATION_SHARE, 0, 0.5),
                c.integer("patience", DJL_PATIENCE, 0, 1000),
                ConfigLists.numbers(PROCEDURE, "neighbourInit", raw == null ? null : raw.get("neighbourInit"),
                        DJL_NEIGHBOUR_INIT, 2, 0, 10),
                c.number("keywordLossWeight", DJL_KEYWORD_LOSS_WEIGHT, 0, 1),
                c.integer("queriesPerEpoch", DJL_QUERIES_PER_EPOCH, 1, 100_000_000));
    }

    /** The trainer used when none is named (chosen by mmr eval; docs/evaluation.md). */
    public static final String DEFAULT_TRAINER = DJL;
    static final int DJL_EPOCHS = 20;
    static final int DJL_BATCH = 256;
    static final double DJL_LEARNING_RATE = 0.0001;
    static final double DJL_TEMPERATURE = 0.1;
    static final double DJL_KEYWORD_SHARE = 0.3;
    static final double DJL_WEIGHT_DECAY = 1e-5;
    static final double DJL_RIDGE_LAMBDA = 1;
    static final double DJL_VALIDATION_SHARE = 0.05;
    static final int DJL_PATIENCE = 3;
    static final List<Double> DJL_NEIGHBOUR_INIT = List.of(0.25, 0.0);
    static final double DJL_KEYWORD_LOSS_WEIGHT = 0.5;
    static final int DJL_QUERIES_PER_EPOCH = 5_000;

    public boolean djl() {
        return trainer.equals(DJL);
    }

    /** The effective settings, as returned to the caller and stored with the model. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trainer", trainer);
        m.put("modelName", modelName);
        m.put("embeddingDimension", (long) embeddingDimension);
        m.put("sampleSizes", sampleSizes.stream().map(Integer::longValue).toList());
        m.put("activation", activation);
        m.put("epochs", (long) epochs);
        m.put("maxIterations", (long) maxIterations);
        m.put("batchSize", (long) batchSize);
        m.put("learningRate", learningRate);
        m.put("searchDepth", (long) searchDepth);
        m.put("negativeSampleWeight", (long) negativeSampleWeight);
        m.put("tolerance", tolerance);
        m.put("randomSeed", randomSeed);
        m.put("concurrency", (long) concurrency);
        m.put("projectedFeatureDimension", (long) projectedFeatureDimension);
        m.put("batchSamplingRatio", batchSamplingRatio);
        if (djl()) {
            GDS_ONLY.forEach(m::remove);
            m.put("temperature", temperature);
            m.put("keywordShare", keywordShare);
            m.put("weightDecay", weightDecay);
            m.put("inputs", inputs);
            m.put("ridgeLambda", ridgeLambda);
            m.put("validationShare", validationShare);
            m.put("patience", (long) patience);
            m.put("neighbourInit", neighbourInit);
            m.put("keywordLossWeight", keywordLossWeight);
            m.put("queriesPerEpoch", (long) queriesPerEpoch);
        }
        return m;
    }
}
