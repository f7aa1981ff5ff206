package mmr.procedures.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import mmr.model.sage.SageTrainer;
import mmr.model.sage.TagSpace;
import mmr.model.tag.VoteWeight;
import mmr.procedures.config.ConfigLists;
import mmr.procedures.config.ConfigMap;
import mmr.procedures.gds.GdsAdapter;
import mmr.procedures.graph.Schema;

/**
 * Settings of {@code mmr.train}: GraphSAGE with the mean aggregator over Image and Tag nodes and their
 * SIMILAR and TAGGED edges (the paper: samples 25/10, two layers). The djl trainer's own settings are
 * one {@link SageTrainer.Config} ({@code djlTrainer}, null for GDS's trainer), plus what it trains on
 * ({@code inputs}, {@code ridgeLambda}: the tag space); GDS's are the fields only it reads.
 *
 * @param writeBatchSize 0: every embedding and state in the caller's transaction (atomic); N: N nodes per
 *                       transaction, the new model version current when the caller's commits
 * @param warnings deprecated keys that were accepted, for the procedure to log
 */
public record TrainConfig(String modelName, int embeddingDimension, List<Integer> sampleSizes, String activation,
                          int epochs, int maxIterations, int batchSize, double learningRate, int searchDepth,
                          int negativeSampleWeight, double tolerance, long randomSeed, int concurrency,
                          int projectedFeatureDimension, double batchSamplingRatio, String trainer, String inputs,
                          double ridgeLambda, SageTrainer.Config djlTrainer, int writeBatchSize, double predictVoteWeight,
                          List<String> warnings) {
    public static final String GDS = "gds";
    public static final String DJL = "djl";
    public static final String PROCEDURE = "mmr.train";
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    public static final List<String> KEYS = List.of("modelName", "embeddingDimension", "sampleSizes", "activation", "epochs",
            "maxIterations", "batchSize", "learningRate", "searchDepth", "negativeSampleWeight", "tolerance",
            "randomSeed", "concurrency", "projectedFeatureDimension", "batchSamplingRatio", "trainer", "temperature",
            "keywordShare", "weightDecay", "inputs", "ridgeLambda", "validationShare", "patience", "neighborInit",
            "keywordLossWeight", "queriesPerEpoch", "imageLossWeight", "writeBatchSize", "predictVoteWeight");
    /** Keys renamed for one spelling ("neighbor", as in search's 'neighbors'): the old name is accepted with a warning. */
    static final Map<String, String> RENAMED = Map.of("neighbourInit", "neighborInit");
    /** Keys only GDS's trainer reads, and keys only mmr's (djl) trainer reads: the other trainer refuses them. */
    static final List<String> GDS_ONLY = List.of("activation", "maxIterations", "searchDepth", "negativeSampleWeight",
            "tolerance", "concurrency", "projectedFeatureDimension", "batchSamplingRatio");
    static final List<String> DJL_ONLY = List.of("temperature", "keywordShare", "weightDecay", "inputs", "ridgeLambda",
            "validationShare", "patience", "neighborInit", "keywordLossWeight", "queriesPerEpoch", "imageLossWeight");
    /** djl inputs: the closed-form tag space (needs centroid tag features), or the raw features. */
    public static final String TAG_SPACE = "tagSpace";
    public static final String FEATURES = "features";

    public static TrainConfig parse(Map<String, Object> given) {
        List<String> warnings = new ArrayList<>();
        Map<String, Object> raw = ConfigMap.renamed(PROCEDURE, given, RENAMED, warnings);
        ConfigMap c = ConfigMap.of(PROCEDURE, raw, KEYS);
        Object name = raw == null ? null : raw.get("modelName");
        ConfigMap.read(PROCEDURE, "modelName", "string", Schema.DEFAULT_NAME, null, null, null);
        String modelName = Schema.DEFAULT_NAME;
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
        int epochs = c.integer("epochs", djl ? DJL_EPOCHS : 5, djl ? 0 : 1, 1000);
        int batchSize = c.integer("batchSize", djl ? DJL_BATCH : 100, 1, 100_000);
        double learningRate = c.number("learningRate", djl ? DJL_LEARNING_RATE : 0.1, Double.MIN_VALUE, 10);
        long randomSeed = c.longValue("randomSeed", 42, Long.MIN_VALUE, Long.MAX_VALUE);
        String inputs = c.choice("inputs", TAG_SPACE, List.of(TAG_SPACE, FEATURES));
        double temperature = c.number("temperature", DJL_TEMPERATURE, 1e-3, 10);
        double keywordShare = c.number("keywordShare", DJL_KEYWORD_SHARE, 0, 1);
        double weightDecay = c.number("weightDecay", DJL_WEIGHT_DECAY, 0, 1);
        double ridgeLambda = numberOrAuto(raw, "ridgeLambda", DJL_RIDGE_LAMBDA, RIDGE_LAMBDA_MIN, RIDGE_LAMBDA_MAX);
        double validationShare = c.number("validationShare", DJL_VALIDATION_SHARE, 0, 0.5);
        // 'auto' is not the default: its choice was measured noisy (docs/evaluation.md, "How much the votes count").
        double predictVoteWeight = numberOrAuto(raw, "predictVoteWeight", VoteWeight.DEFAULT, 0, 1);
        int patience = c.integer("patience", DJL_PATIENCE, 0, 1000);
        List<Double> neighborInit = ConfigLists.numbers(PROCEDURE, "neighborInit", raw == null ? null : raw.get("neighborInit"),
                DJL_NEIGHBOR_INIT, 2, 0, 10);
        double keywordLossWeight = c.number("keywordLossWeight", DJL_KEYWORD_LOSS_WEIGHT, 0, 1);
        int queriesPerEpoch = c.integer("queriesPerEpoch", DJL_QUERIES_PER_EPOCH, 1, 100_000_000);
        double imageLossWeight = c.number("imageLossWeight", DJL_IMAGE_LOSS_WEIGHT, 0, 10);
        if (Double.isNaN(predictVoteWeight) && (!djl || validationShare == 0)) {
            throw new IllegalArgumentException(PROCEDURE + ": 'predictVoteWeight' 'auto' is chosen on the images trainer 'djl' "
                    + "holds out (validationShare above 0); got trainer '" + trainer + "' with validationShare " + validationShare
                    + "; give a number from 0 to 1 instead");
        }
        SageTrainer.Config djlConfig = !djl ? null : new SageTrainer.Config(embeddingDimension, sampleSizes, epochs, batchSize,
                learningRate, temperature, keywordShare, weightDecay, randomSeed, inputs.equals(TAG_SPACE), validationShare, patience,
                neighborInit.stream().mapToDouble(Double::doubleValue).toArray(), keywordLossWeight, queriesPerEpoch,
                imageLossWeight);
        return new TrainConfig(
                modelName,
                embeddingDimension,
                sampleSizes,
                c.choice("activation", "relu", List.of("sigmoid", "relu")),
                epochs,
                c.integer("maxIterations", 10, 1, 100_000),
                batchSize,
                learningRate,
                c.integer("searchDepth", 5, 1, 100),
                c.integer("negativeSampleWeight", 20, 1, 1000),
                c.number("tolerance", 1e-4, 0, 1),
                randomSeed,
                c.integer("concurrency", 1, 1, 64),
                c.integer("projectedFeatureDimension", embeddingDimension, 1, 4096),
                c.number("batchSamplingRatio", 0, 0, 1),
                trainer,
                inputs,
                ridgeLambda,
                djlConfig,
                c.integer("writeBatchSize", 0, 0, 1_000_000),
                predictVoteWeight,
                List.copyOf(warnings));
    }

    /** Whether mmr.train chooses the vote weight of mmr.predictTags on held-out images ('auto'). */
    public boolean choosesVoteWeight() {
        return Double.isNaN(predictVoteWeight);
    }

    /** The trainer used when none is named (chosen by mmr eval; docs/evaluation.md). */
    public static final String DEFAULT_TRAINER = DJL;
    static final int DJL_EPOCHS = 20;
    static final int DJL_BATCH = 256;
    static final double DJL_LEARNING_RATE = 0.0001;
    static final double DJL_TEMPERATURE = 0.1;
    static final double DJL_KEYWORD_SHARE = 0.3;
    static final double DJL_WEIGHT_DECAY = 1e-5;
    /** The tag space's penalty when none is given; 'auto' measured worse on emoji (docs/evaluation.md, "The ridge's penalty"). */
    static final double DJL_RIDGE_LAMBDA = 1;
    static final double RIDGE_LAMBDA_MIN = 1e-6;
    static final double RIDGE_LAMBDA_MAX = 1e6;
    static final String AUTO = "auto";
    static final double DJL_VALIDATION_SHARE = 0.05;
    static final int DJL_PATIENCE = 3;
    static final List<Double> DJL_NEIGHBOR_INIT = List.of(0.25, 0.0);
    static final double DJL_KEYWORD_LOSS_WEIGHT = 0.5;
    /** Weight of the image loss (docs/evaluation.md: measured, not adopted). */
    static final double DJL_IMAGE_LOSS_WEIGHT = 0;
    static final int DJL_QUERIES_PER_EPOCH = 5_000;

    /**
     * The number given for {@code key}, {@code fallback} when none, or NaN for 'auto' — chosen on held-out
     * catalog images ({@link TagSpace#AUTO} for ridgeLambda; {@link #choosesVoteWeight()}).
     */
    private static double numberOrAuto(Map<String, Object> raw, String key, double fallback, double min, double max) {
        ConfigMap.read(PROCEDURE, key, "number or 'auto'", fallback, min, max, null);
        Object v = raw == null ? null : raw.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof String s && s.strip().equalsIgnoreCase(AUTO)) {
            return Double.NaN;
        }
        if (!(v instanceof Number n) || Double.isNaN(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
            throw new IllegalArgumentException(PROCEDURE + ": '" + key + "' must be 'auto' or a number from "
                    + min + " to " + max + ", got " + ConfigMap.describe(v));
        }
        return n.doubleValue();
    }

    public boolean djl() {
        return trainer.equals(DJL);
    }

    /** What the GDS trainer is asked: the effective settings GDS reads (batchSamplingRatio 0: GDS's own default). */
    public GdsAdapter.GraphSageParameters gdsParameters() {
        Map<String, Object> train = new HashMap<>(toMap());
        train.remove("activation");
        train.remove("trainer");
        train.remove("projectedFeatureDimension");
        train.remove("writeBatchSize");
        train.remove("predictVoteWeight");
        if (batchSamplingRatio == 0) {
            train.remove("batchSamplingRatio");   // GDS's default: batchSize × concurrency / nodes
        }
        return new GdsAdapter.GraphSageParameters(modelName, train, activation, concurrency, projectedFeatureDimension);
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
        m.put("writeBatchSize", (long) writeBatchSize);
        if (djl()) {
            GDS_ONLY.forEach(m::remove);
            m.put("temperature", djlTrainer.temperature());
            m.put("keywordShare", djlTrainer.keywordShare());
            m.put("weightDecay", djlTrainer.weightDecay());
            m.put("inputs", inputs);
            m.put("ridgeLambda", Double.isNaN(ridgeLambda) ? AUTO : ridgeLambda);
            m.put("validationShare", djlTrainer.validationShare());
            m.put("patience", (long) djlTrainer.patience());
            m.put("neighborInit", Arrays.stream(djlTrainer.neighbourInit()).boxed().toList());
            m.put("keywordLossWeight", djlTrainer.keywordLossWeight());
            m.put("queriesPerEpoch", (long) djlTrainer.queriesPerEpoch());
            m.put("imageLossWeight", djlTrainer.imageLossWeight());
        }
        m.put("predictVoteWeight", choosesVoteWeight() ? AUTO : predictVoteWeight);
        return m;
    }
}
