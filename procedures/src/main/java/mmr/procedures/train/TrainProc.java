package mmr.procedures.train;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

import mmr.model.progress.Progress;
import mmr.model.sage.GraphSage;
import mmr.model.sage.TrainedSage;
import mmr.model.tag.VoteWeight;
import mmr.model.tag.VoterCount;
import mmr.model.vector.Vectors;
import mmr.procedures.gds.GdsAdapter;
import mmr.procedures.graph.CatalogGraph;
import mmr.procedures.graph.LoadedModel;
import mmr.procedures.graph.ModelStore;
import mmr.procedures.graph.SageStates;
import mmr.procedures.graph.Schema;
import mmr.procedures.graph.TagCarriers;
import mmr.procedures.graph.VectorIndexes;
import mmr.procedures.progress.RunningTasks;
import mmr.procedures.search.QueryNode;

/** {@code mmr.train} and {@code mmr.model.info}: GraphSAGE embeddings for the catalog graph. */
public class TrainProc {
    /** One training at a time per database server: GDS training takes all the memory it can get. */
    static final ReentrantLock TRAINING = new ReentrantLock();
    private static volatile String runningSince;

    @Context
    public Transaction tx;

    @Context
    public GraphDatabaseService db;

    @Context
    public Log log;

    // SCHEMA: training also keeps the vector indexes in step, in transactions of their own.
    @Procedure(name = "mmr.train", mode = Mode.SCHEMA)
    @Description("Trains GraphSAGE over Image and Tag nodes and their SIMILAR and TAGGED edges — trainer 'djl' (default: "
            + "images embedded as unseen queries are pulled toward their own tags) or 'gds' (GDS's unsupervised GraphSAGE) — "
            + "writes every node's `embedding` and first-layer state (`sageState`) and projected features (`sageInput`), and stores the model as a new current (:MmrModel) version.")
    public Stream<TrainResult> train(@Name(value = "config", defaultValue = "{}") Map<String, Object> rawConfig) {
        TrainConfig config = TrainConfig.parse(rawConfig);
        config.warnings().forEach(w -> log.warn(w));
        if (!TRAINING.tryLock()) {
            throw new IllegalStateException(TrainConfig.PROCEDURE + ": another training is running (since " + runningSince
                    + "); wait for it to finish");
        }
        Progress progress = RunningTasks.start(db.databaseName(), TrainConfig.PROCEDURE);
        try {
            runningSince = ZonedDateTime.now().toString();
            return Stream.of(trainLocked(config, progress));
        } finally {
            RunningTasks.finish(db.databaseName(), TrainConfig.PROCEDURE, progress);
            runningSince = null;
            TRAINING.unlock();
        }
    }

    private TrainResult trainLocked(TrainConfig config, Progress progress) {
        String p = TrainConfig.PROCEDURE;
        progress.phase("checking the graph", 0);
        CatalogGraph catalog = new CatalogGraph(tx);
        catalog.requireUniformFeatures(p);
        Map<String, Object> shape = single("MATCH (c:" + Schema.CATALOG + " {" + Schema.NAME + ": '" + Schema.DEFAULT_NAME + "'}) RETURN c.encoder AS encoder, "
                + "c.featureDimension AS dim, "
                + "COUNT { MATCH (t:" + Schema.TAG + ") } AS tags, COUNT { MATCH (t:" + Schema.TAG + ") WHERE t.features IS NULL } AS tagsWithoutFeatures, "
                + "COUNT { MATCH ()-[:" + Schema.SIMILAR + "]->() } AS similar, COUNT { MATCH ()-[:" + Schema.TAGGED + "]->() } AS tagged");
        if (shape == null) {
            throw new IllegalArgumentException(p + ": the graph has no (:MmrCatalog) record; import the catalog with mmr import");
        }
        long imageDim = (Long) shape.get("dim");
        if ((Long) shape.get("tagsWithoutFeatures") > 0) {
            throw new IllegalArgumentException(p + ": " + shape.get("tagsWithoutFeatures")
                    + " Tag node(s) have no 'features'; re-import the catalog (tag features are set on import)");
        }
        Map<String, Object> tagDims = single("MATCH (t:" + Schema.TAG + ") RETURN min(size(t.features)) AS min, max(size(t.features)) AS max");
        Long tagDim = (Long) tagDims.get("min");
        Long tagDimMax = (Long) tagDims.get("max");
        if (tagDim != null && !tagDim.equals(tagDimMax)) {
            throw new IllegalArgumentException(p + ": Tag features have mixed dimensions (" + tagDim + " to " + tagDimMax + ")");
        }
        if ((Long) shape.get("similar") + (Long) shape.get("tagged") == 0) {
            throw new IllegalArgumentException(p + ": the graph has no SIMILAR or TAGGED edges, so GraphSAGE has no "
                    + "neighbourhoods to learn from; run CALL mmr.knn() and import tags first");
        }
        requireFinite(p);

        List<String> labels = new ArrayList<>(List.of("Image"));
        if ((Long) shape.get("tags") > 0) {
            labels.add("Tag");
        }
        List<String> types = new ArrayList<>();
        if ((Long) shape.get("similar") > 0) {
            types.add("SIMILAR");
        }
        if ((Long) shape.get("tagged") > 0) {
            types.add("TAGGED");
        }
        boolean multiLabel = tagDim != null && tagDim != imageDim;
        if (config.djl() && multiLabel) {
            throw new IllegalArgumentException(p + ": trainer 'djl' needs Tag features of the Image features' dimension ("
                    + imageDim + "), got " + tagDim + "; re-import with tag features of that size, or use trainer 'gds'");
        }
        GdsAdapter gds = new GdsAdapter(tx);
        if (!config.djl()) {
            gds.requireGds();
        }

        VectorIndexes.ensure(db, Schema.IMAGE_FEATURES_INDEX, "Image", "features", imageDim);
        VectorIndexes.ensure(db, Schema.IMAGE_EMBEDDING_INDEX, "Image", "embedding", config.embeddingDimension());
        if (labels.contains("Tag")) {
            VectorIndexes.ensure(db, Schema.TAG_EMBEDDING_INDEX, "Tag", "embedding", config.embeddingDimension());
        }

        log.info("mmr.train: training GraphSAGE on %s with %s (%s)", labels, types, config.toMap());
        if (!config.djl()) {
            progress.phase("GDS GraphSAGE (its own progress: CALL gds.listProgress())", 0);
        }
        TrainedSage trained = config.djl() ? DjlTraining.train(tx, config, log, progress)
                : gds.trainGraphSage(config.gdsParameters(), labels, types, multiLabel);
        progress.phase("choosing how many neighbours vote tags", 0);
        long v0 = System.nanoTime();
        List<VoterSamples.LeftOut> leftOut = VoterSamples.read(tx, config.randomSeed());
        VoterCount.Choice voters = VoterSamples.chooseVoters(tx, leftOut);
        log.info("mmr.train: %d visual neighbours will vote a new image's tags (left-out precision@%d of %d tagged images, "
                        + "by count %s: %s) in %d ms", voters.voters(), VoterSamples.TOP, voters.samples(), voters.candidates(),
                Arrays.toString(Arrays.stream(voters.precision()).mapToObj(v -> String.format(Locale.ROOT, "%.3f", v)).toArray()),
                (System.nanoTime() - v0) / 1_000_000);
        long w0 = System.nanoTime();
        Map<String, Object> effective = config.toMap();
        if (!Double.isNaN(trained.ridgeLambda())) {
            effective.put("ridgeLambda", trained.ridgeLambda());   // the penalty fitted, also when 'auto' chose it
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("encoder", shape.get("encoder"));
        metadata.put("featureDimension", imageDim);
        metadata.put("multiLabel", trained.weights().multiLabel());
        metadata.put("randomSeed", config.randomSeed());
        metadata.put("epochLosses", trained.epochLosses().stream().mapToDouble(Double::doubleValue).toArray());
        metadata.put("config", effective.toString());
        metadata.put("trainer", config.trainer());
        metadata.put(LoadedModel.PREDICT_VOTERS, (long) voters.voters());
        metadata.put(LoadedModel.PREDICT_VOTE_WEIGHT, config.choosesVoteWeight() ? VoteWeight.DEFAULT : config.predictVoteWeight());
        // The new version becomes current when this transaction commits, whichever way the nodes are written.
        Node model = new ModelStore(tx).publish(config.modelName(), trained.weights(), metadata);
        LoadedModel loaded = LoadedModel.of(TrainConfig.PROCEDURE, tx, model);
        long[] ids = trained.embeddings().keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        progress.phase("writing embeddings and first-layer states", ids.length);
        long s0 = System.nanoTime();
        long states = inBatches(tx, ids, config.writeBatchSize(), (into, batch) -> writeNodes(into, trained, loaded, batch), progress::step);
        long c0 = System.nanoTime();
        long[] tags;
        try (var found = tx.findNodes(Schema.TAG_LABEL)) {
            tags = found.stream().mapToLong(Node::getId).toArray();
        }
        // Every large tag's nearest carriers, from the trained embeddings in memory.
        long lists = inBatches(tx, tags, config.writeBatchSize(), (into, batch) -> TagCarriers.write(into, loaded.key(), batch,
                trained.embeddings()::get, TagCarriers.MIN_DEGREE, TagCarriers.STORED), done -> { });
        long listsMillis = (System.nanoTime() - c0) / 1_000_000;
        long writeMillis = (System.nanoTime() - w0) / 1_000_000;
        if (config.choosesVoteWeight()) {
            progress.phase("choosing how much the votes count against the model", 0);
            long m0 = System.nanoTime();
            // The images the trainer held out are as new to the model's weights and its tag space as a user's;
            // their own tags are scored without them (VoterSamples.chooseVoteWeight).
            List<VoterSamples.LeftOut> unseen = VoterSamples.read(tx, trained.heldOutImages());
            VoteWeight.Choice voteWeight = VoterSamples.chooseVoteWeight(tx, unseen, voters.voters(),
                    new QueryNode(TrainConfig.PROCEDURE, tx, log, null, null), loaded, tags, trained.embeddings()::get);
            model.setProperty(LoadedModel.PREDICT_VOTE_WEIGHT, voteWeight.weight());
            effective.put("predictVoteWeight", voteWeight.weight());   // the weight chosen, as for ridgeLambda
            model.setProperty("config", effective.toString());
            LoadedModel.forget(loaded.key());   // decoded before the weight was stored
            log.info("mmr.train: a new image's predicted tags weigh its neighbours' votes %s against the model (precision@%d "
                            + "of %d images the trainer held out, embedded as new, by vote weight %s: %s) in %d ms",
                    voteWeight.weight(), VoterSamples.TOP, voteWeight.samples(), voteWeight.candidates(),
                    Arrays.toString(Arrays.stream(voteWeight.precision()).mapToObj(v -> String.format(Locale.ROOT, "%.3f", v)).toArray()),
                    (System.nanoTime() - m0) / 1_000_000);
        }
        log.info("mmr.train: model %s version %s stored; %d embeddings and %d first-layer states written in %d ms (%s); "
                        + "nearest carriers of %d tags in %d ms",
                config.modelName(), model.getProperty("version"), ids.length, states, (c0 - s0) / 1_000_000,
                config.writeBatchSize() == 0 ? "one transaction" : "batches of " + config.writeBatchSize(), lists, listsMillis);
        return new TrainResult(config.modelName(), (Long) model.getProperty("version"), trained.nodes(),
                trained.relationships(), trained.ranEpochs(), trained.epochLosses(), trained.didConverge(), trained.weights().multiLabel(),
                trained.trainMillis(), writeMillis, effective);
    }

    /** Writes a share of the nodes in a transaction given to it; returns what it counts. */
    private interface BatchWrite {
        long write(Transaction into, long[] batch);
    }

    /**
     * {@code write} over {@code ids}: all in {@code tx} when {@code batchSize} is 0, else in batches of that
     * many, each in a transaction of its own committed before the next; {@code done} hears how many are
     * written so far. Returns the sum of what {@code write} counted.
     */
    private long inBatches(Transaction tx, long[] ids, int batchSize, BatchWrite write, LongConsumer done) {
        if (batchSize == 0) {
            long n = write.write(tx, ids);
            done.accept(ids.length);
            return n;
        }
        long n = 0;
        for (int from = 0; from < ids.length; from += batchSize) {
            long[] batch = Arrays.copyOfRange(ids, from, Math.min(ids.length, from + batchSize));
            try (Transaction own = db.beginTx()) {
                n += write.write(own, batch);
                own.commit();
            }
            done.accept(from + batch.length);
        }
        return n;
    }

    /** Embeddings and first-layer states of {@code ids}, written in {@code into}; returns the states written. */
    private static long writeNodes(Transaction into, TrainedSage trained, LoadedModel loaded, long[] ids) {
        for (long id : ids) {
            into.getNodeById(id).setProperty(Schema.EMBEDDING, trained.embeddings().get(id));
        }
        if (trained.states() == null) {
            return SageStates.writeAll(into, loaded, ids);
        }
        Map<Long, float[]> states = new LinkedHashMap<>();
        Map<Long, float[]> inputs = trained.inputs() == null ? null : new HashMap<>();
        for (long id : ids) {
            if (trained.states().get(id) != null) {
                states.put(id, trained.states().get(id));
            }
            if (inputs != null && trained.inputs().get(id) != null) {
                inputs.put(id, trained.inputs().get(id));
            }
        }
        return SageStates.write(into, loaded, states, inputs);
    }

    private void requireFinite(String p) {
        try (Result r = tx.execute("MATCH (n) WHERE (n:" + Schema.IMAGE + " OR n:" + Schema.TAG + ") AND n.features IS NOT NULL "
                + "RETURN coalesce(n.id, n.name) AS key, labels(n)[0] AS label, n.features AS f")) {
            while (r.hasNext()) {
                Map<String, Object> row = r.next();
                float[] f = Vectors.toFloats(row.get("f"));
                int bad = Vectors.firstNonFinite(f);
                if (bad >= 0) {
                    throw new IllegalArgumentException(p + ": " + row.get("label") + " '" + row.get("key") + "' has "
                            + f[bad] + " at features[" + bad + "]; only finite numbers can be trained on");
                }
            }
        }
    }

    private Map<String, Object> single(String cypher) {
        try (Result r = tx.execute(cypher)) {
            return r.hasNext() ? r.next() : null;
        }
    }

    @Procedure(name = "mmr.model.info", mode = Mode.READ)
    @Description("Lists the stored GraphSAGE models and their versions, the current one first per name.")
    public Stream<ModelInfo> info() {
        List<ModelInfo> out = new ArrayList<>();
        for (Node n : new ModelStore(tx).all()) {
            Map<String, Object> voting = n.getProperties(LoadedModel.PREDICT_VOTERS, LoadedModel.PREDICT_VOTE_WEIGHT);
            out.add(new ModelInfo((String) n.getProperty("name"), (Long) n.getProperty("version"),
                    (Boolean) n.getProperty("current", false), String.valueOf(n.getProperty("createdAt", "")),
                    (String) n.getProperty("encoder", null), (Long) n.getProperty("embeddingDimension", null),
                    (String) n.getProperty("activation", null), toList((long[]) n.getProperty("sampleSizes", new long[0])),
                    (Boolean) n.getProperty("multiLabel", false), (String) n.getProperty("trainer", null),
                    ModelStore.formatVersion(n), parameters(n),
                    LoadedModel.predictVoters(voting), LoadedModel.predictVoteWeight(voting)));
        }
        return out.stream();
    }

    /** The stored weights' count, from each matrix's recorded shape (nothing decoded). */
    private static long parameters(Node model) {
        long n = 0;
        for (String key : model.getPropertyKeys()) {
            if (key.endsWith("_rows")) {
                Object cols = model.getProperty(key.substring(0, key.length() - "rows".length()) + "cols", 0L);
                n += ((Number) model.getProperty(key)).longValue() * ((Number) cols).longValue();
            }
        }
        return n;
    }

    private static List<Long> toList(long[] a) {
        List<Long> l = new ArrayList<>();
        for (long x : a) {
            l.add(x);
        }
        return l;
    }

    /** Outcome of one training. */
    public static final class TrainResult {
        @Description("Name of the trained model.")
        public final String modelName;
        @Description("Version number of the new, now current, model.")
        public final long version;
        @Description("Nodes in the training graph (Image and Tag).")
        public final long nodes;
        @Description("Relationships in the training graph (each undirected edge counted in both directions).")
        public final long relationships;
        @Description("Epochs run.")
        public final long epochs;
        @Description("Training loss after each epoch.")
        public final List<Double> epochLosses;
        @Description("Whether training converged before the epoch limit.")
        public final boolean didConverge;
        @Description("Whether per-label feature projections were used (Image and Tag features differ in dimension).")
        public final boolean multiLabel;
        @Description("Milliseconds of GDS training.")
        public final long trainMillis;
        @Description("Milliseconds writing embeddings and the model.")
        public final long writeMillis;
        @Description("The effective configuration.")
        public final Map<String, Object> config;

        public TrainResult(String modelName, long version, long nodes, long relationships, long epochs,
                           List<Double> epochLosses, boolean didConverge, boolean multiLabel, long trainMillis,
                           long writeMillis, Map<String, Object> config) {
            this.modelName = modelName;
            this.version = version;
            this.nodes = nodes;
            this.relationships = relationships;
            this.epochs = epochs;
            this.epochLosses = epochLosses;
            this.didConverge = didConverge;
            this.multiLabel = multiLabel;
            this.trainMillis = trainMillis;
            this.writeMillis = writeMillis;
            this.config = config;
        }
    }

    /** One stored model version. */
    public static final class ModelInfo {
        @Description("Model name.")
        public final String name;
        @Description("Version number; higher is newer.")
        public final long version;
        @Description("Whether this version is the one search and embedding use.")
        public final boolean current;
        @Description("When it was trained.")
        public final String createdAt;
        @Description("Encoder identity of the features it was trained on.")
        public final String encoder;
        @Description("Dimension of its embeddings.")
        public final Long embeddingDimension;
        @Description("Activation function.")
        public final String activation;
        @Description("Neighbour sample size per layer, first layer first.")
        public final List<Long> sampleSizes;
        @Description("Whether it uses per-label feature projections.")
        public final boolean multiLabel;
        @Description("Who trained it: 'djl' (mmr's trainer) or 'gds'; null for a model stored before mmr recorded it.")
        public final String trainer;
        @Description("The format its weights are stored in; this plugin reads format " + ModelStore.FORMAT_VERSION + ".")
        public final long formatVersion;
        @Description("Number of weights.")
        public final long parameters;
        @Description("Heap bytes this version takes when search decodes it (decoded versions are cached per server, least "
                + "recently used dropped beyond " + (LoadedModel.CACHE_BYTES >> 20) + " MB).")
        public final long decodedBytes;
        @Description("Visual neighbours that vote a new image's tags in mmr.predictTags, chosen when it was trained ("
                + VoterCount.DEFAULT + " for a version trained before the choice).")
        public final long predictVoters;
        @Description("How much mmr.predictTags weighs the neighbours' votes against the model's cosine (voteWeight) unless "
                + "told: as given to mmr.train, or chosen by it ('auto'); " + VoteWeight.DEFAULT + " for a version stored before it was kept.")
        public final double predictVoteWeight;

        public ModelInfo(String name, long version, boolean current, String createdAt, String encoder,
                         Long embeddingDimension, String activation, List<Long> sampleSizes, boolean multiLabel, String trainer,
                         long formatVersion, long parameters, long predictVoters, double predictVoteWeight) {
            this.name = name;
            this.version = version;
            this.current = current;
            this.createdAt = createdAt;
            this.encoder = encoder;
            this.embeddingDimension = embeddingDimension;
            this.activation = activation;
            this.sampleSizes = sampleSizes;
            this.multiLabel = multiLabel;
            this.predictVoters = predictVoters;
            this.predictVoteWeight = predictVoteWeight;
            this.trainer = trainer;
            this.formatVersion = formatVersion;
            this.parameters = parameters;
            this.decodedBytes = GraphSage.decodedBytes(parameters);
        }
    }
}
