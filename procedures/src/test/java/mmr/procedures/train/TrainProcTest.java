package mmr.procedures.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.graphdb.Transaction;
import org.neo4j.harness.Neo4j;

import mmr.model.sage.GraphSage;
import mmr.model.vector.Vectors;
import mmr.procedures.graph.LoadedModel;
import mmr.procedures.graph.ModelStore;
import mmr.procedures.graph.SageStates;
import mmr.procedures.testing.HarnessTest;
import mmr.procedures.testing.InMemorySageGraph;
import mmr.procedures.testing.TestDatabases;

class TrainProcTest extends HarnessTest {
    private static final String SMALL = "{trainer: 'gds', embeddingDimension: 8, epochs: 2, maxIterations: 5}";

    @BeforeEach
    void catalog() {
        db.executeTransactionally("MATCH (n) DETACH DELETE n");
        Random rnd = new Random(3);
        List<Map<String, Object>> images = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            images.add(Map.of("id", "i" + i, "features", random(rnd, 6)));
        }
        List<Map<String, Object>> tags = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            tags.add(Map.of("name", "t" + t, "features", random(rnd, 6)));
        }
        db.executeTransactionally("CREATE (:MmrCatalog {name: 'default', encoder: 'test/6/1', featureDimension: 6, tagFeatureInit: 'random'})");
        db.executeTransactionally("UNWIND $rows AS r CREATE (:Image {id: r.id, features: r.features})", Map.of("rows", images));
        db.executeTransactionally("UNWIND $rows AS r CREATE (:Tag {name: r.name, features: r.features})", Map.of("rows", tags));
        db.executeTransactionally("MATCH (a:Image), (b:Image) WHERE toInteger(substring(a.id, 1)) + 1 = toInteger(substring(b.id, 1)) "
                + "OR toInteger(substring(a.id, 1)) + 5 = toInteger(substring(b.id, 1)) CREATE (a)-[:SIMILAR {score: 0.8}]->(b)");
        db.executeTransactionally("MATCH (i:Image), (t:Tag) WHERE toInteger(substring(i.id, 1)) % 8 = toInteger(substring(t.name, 1)) "
                + "CREATE (i)-[:TAGGED]->(t)");
    }

    private Map<String, Object> single(String cypher) {
        return db.executeTransactionally(cypher, Map.of(), r -> r.next());
    }

    private long count(String cypher) {
        return db.executeTransactionally(cypher, Map.of(), r -> (Long) r.next().values().iterator().next());
    }

    @Test
    void trainsWritesEmbeddingsAndStoresAModelThatRunsWithoutGds() {
        Map<String, Object> r = single("CALL mmr.train(" + SMALL + ")");
        assertThat(r).containsEntry("modelName", "default").containsEntry("version", 1L).containsEntry("nodes", 38L)
                .containsEntry("multiLabel", false);
        assertThat((Long) r.get("epochs")).isBetween(1L, 2L);
        assertThat((List<?>) r.get("epochLosses")).hasSize(((Long) r.get("epochs")).intValue());
        assertThat(count("MATCH (n) WHERE (n:Image OR n:Tag) AND size(n.embedding) = 8 RETURN count(n)")).isEqualTo(38);
        assertThat(count("CALL gds.model.list() YIELD modelName RETURN count(modelName)")).as("GDS catalog left empty").isZero();
        assertThat(count("SHOW VECTOR INDEXES YIELD name WHERE name IN ['mmr_image_features', 'mmr_image_embedding', "
                + "'mmr_tag_embedding'] RETURN count(name)")).isEqualTo(3);

        // The stored model alone reproduces the written (= GDS) embeddings: GDS's catalog is empty now.
        assertStoredModelReproducesWrittenEmbeddings();

        single("CALL mmr.train(" + SMALL.replace("}", ", writeBatchSize: 7}") + ")");   // states computed per batch
        assertStoredModelReproducesWrittenEmbeddings();
    }

    @Test
    void djlTrainerOnRawFeaturesWritesEmbeddingsTheStoredModelReproduces() {
        Map<String, Object> r = single("CALL mmr.train({inputs: 'features', embeddingDimension: 8, epochs: 4, batchSize: 4, "
                + "validationShare: 0})");
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) r.get("config");
        assertThat(config).containsEntry("trainer", "djl").doesNotContainKey("maxIterations");
        List<?> losses = (List<?>) r.get("epochLosses");
        assertThat(losses).hasSize(4);
        assertThat(count("MATCH (n) WHERE (n:Image OR n:Tag) AND size(n.embedding) = 8 AND n.sageState IS NOT NULL "
                + "RETURN count(n)")).isEqualTo(38);
        Object aggregator = db.executeTransactionally("MATCH (m:MmrModel {current: true}) RETURN m.aggregator AS a", Map.of(),
                res -> res.next().get("a"));
        assertThat(aggregator).isEqualTo("concat");
        assertStoredModelReproducesWrittenEmbeddings();
    }

    @Test
    void djlTrainerReadsACentroidCatalogThroughItsTagSpace() {
        db.executeTransactionally("MATCH (c:MmrCatalog) SET c.tagFeatureInit = 'centroid'");
        db.executeTransactionally("MATCH (t:Tag)<-[:TAGGED]-(i:Image) WITH t, collect(i.features) AS fs "
                + "SET t.features = [d IN range(0, 5) | reduce(s = 0.0, f IN fs | s + f[d]) / size(fs)]");
        // a feedback edge: the forward pass aggregates over it, though training does not learn from it
        db.executeTransactionally("MATCH (a:Image {id: 'i0'}), (b:Image {id: 'i17'}) CREATE (a)-[:LIKED_WITH {count: 2}]->(b)");
        Map<String, Object> r = single("CALL mmr.train({embeddingDimension: 8, epochs: 4, batchSize: 4, validationShare: 0.2})");
        assertThat(r).containsEntry("multiLabel", true);
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) r.get("config");
        assertThat(config).containsEntry("inputs", "tagSpace").containsEntry("validationShare", 0.2);
        assertThat((List<?>) r.get("epochLosses")).hasSizeBetween(1, 4);   // early stopping may end it sooner
        List<?> projections = db.executeTransactionally("MATCH (m:MmrModel {current: true}) RETURN [k IN keys(m) "
                + "WHERE k STARTS WITH 'projection'] AS p", Map.of(), res -> (List<?>) res.next().get("p"));
        assertThat(projections).isNotEmpty();
        assertThat(count("MATCH (n) WHERE (n:Image OR n:Tag) AND size(n.embedding) = 8 RETURN count(n)")).isEqualTo(38);
        assertStoredModelReproducesWrittenEmbeddings();
        assertTrainedStatesEqualAPassOverTheDatabase();

        Map<String, Object> closedForm = single("CALL mmr.train({embeddingDimension: 8, epochs: 0})");
        assertThat((List<?>) closedForm.get("epochLosses")).isEmpty();
        assertStoredModelReproducesWrittenEmbeddings();

        // Written in transactions of 5 nodes (38 nodes: 8 of them): the same embeddings and states as one transaction.
        Map<String, Object> batched = single("CALL mmr.train({embeddingDimension: 8, epochs: 0, writeBatchSize: 5})");
        assertThat((Long) batched.get("version")).isEqualTo((Long) closedForm.get("version") + 1);
        assertThat(count("MATCH (n) WHERE (n:Image OR n:Tag) AND size(n.embedding) = 8 RETURN count(n)")).isEqualTo(38);
        assertStoredModelReproducesWrittenEmbeddings();
        assertTrainedStatesEqualAPassOverTheDatabase();
    }

    @Test
    void theTagSpaceNeedsCentroidTagFeatures() {
        assertError("CALL mmr.train({embeddingDimension: 8})", "mmr.train: inputs 'tagSpace' reads each tag through its "
                + "centroid features, but this catalog's tag features are 'random'; re-import with --tag-init centroid, "
                + "or train with {inputs: 'features'}");
        assertThat(count("MATCH (n) WHERE n.embedding IS NOT NULL RETURN count(n)")).isZero();
    }

    /**
     * The trainer embeds every node in memory (on several threads); what it writes — embedding,
     * first-layer state, projected input — equals what mmr.embed computes over the database.
     */
    private void assertTrainedStatesEqualAPassOverTheDatabase() {
        String read = "MATCH (n) WHERE n:Image OR n:Tag RETURN id(n) AS id, n.embedding AS e, n.sageState AS s, n.sageInput AS x";
        Map<Long, List<float[]>> trained = new java.util.HashMap<>();
        db.executeTransactionally(read, Map.of(), r -> {
            r.forEachRemaining(row -> trained.put((Long) row.get("id"), List.of(Vectors.toFloats(row.get("e")),
                    SageStates.floats(row.get("s")), SageStates.floats(row.get("x")))));
            return null;
        });
        assertThat(trained.values()).allSatisfy(v -> assertThat(v.get(2)).hasSize(8));
        single("MATCH (n) WHERE n:Image OR n:Tag WITH collect(n) AS ns CALL mmr.embed(ns) YIELD nodes RETURN nodes");
        db.executeTransactionally(read, Map.of(), r -> {
            r.forEachRemaining(row -> {
                List<float[]> before = trained.get((Long) row.get("id"));
                assertThat(Vectors.toFloats(row.get("e"))).containsExactly(before.get(0), within(1e-5f));
                assertThat(SageStates.floats(row.get("s"))).containsExactly(before.get(1), within(1e-5f));
                assertThat(SageStates.floats(row.get("x"))).containsExactly(before.get(2), within(1e-5f));
            });
            return null;
        });
    }

    private long currentVersion() {
        try (Transaction tx = db.beginTx()) {
            return (Long) new ModelStore(tx).current("default").getProperty("version");
        }
    }

    /** The current stored model alone, through mmr's forward pass, gives every written embedding. */
    private void assertStoredModelReproducesWrittenEmbeddings() {
        InMemorySageGraph graph = new InMemorySageGraph(db);
        GraphSage sage = db.executeTransactionally("MATCH (m:MmrModel {current: true}) RETURN m", Map.of(),
                res -> new GraphSage(ModelStore.weights((Node) res.next().get("m"))));
        for (long id : graph.nodes()) {
            float[] stored = Vectors.toFloats(db.executeTransactionally("MATCH (n) WHERE id(n) = $id RETURN n.embedding AS e",
                    Map.of("id", id), res -> res.next().get("e")));
            assertThat(sage.embed(graph, id)).containsExactly(stored, within(1e-5f));
        }
    }

    @Test
    void djlTrainerNeedsNoGds() {
        try (Neo4j bare = TestDatabases.builder(false).build()) {
            GraphDatabaseService plain = bare.defaultDatabaseService();
            plain.executeTransactionally("CREATE (:MmrCatalog {name: 'default', encoder: 'test/2/1', featureDimension: 2, "
                    + "tagFeatureInit: 'centroid'})");
            plain.executeTransactionally("UNWIND range(0, 5) AS i CREATE (n:Image {id: 'i' + i, features: [toFloat(i % 2), "
                    + "1.0 - i % 2]}) WITH n, i MERGE (t:Tag {name: 'side' + (i % 2)}) ON CREATE SET t.features = n.features "
                    + "CREATE (n)-[:TAGGED]->(t)");
            plain.executeTransactionally("MATCH (a:Image), (b:Image) WHERE a.id < b.id AND a.features = b.features "
                    + "CREATE (a)-[:SIMILAR {score: 1.0}]->(b)");
            Map<String, Object> r = plain.executeTransactionally("CALL mmr.train({embeddingDimension: 4, epochs: 2})", Map.of(),
                    res -> res.next());
            assertThat(r.get("version")).isEqualTo(1L);
        }
    }

    /** The vote weight mmr.predictTags uses by default: given, or chosen on the images the trainer held out. */
    @Test
    void theVoteWeightIsStoredAsGivenOrChosen() {
        single("CALL mmr.train({inputs: 'features', embeddingDimension: 8, epochs: 1, predictVoteWeight: 0.25})");
        assertThat(single("CALL mmr.model.info() YIELD current, predictVoteWeight WHERE current RETURN predictVoteWeight")
                .get("predictVoteWeight")).isEqualTo(0.25);
        single("CALL mmr.train({inputs: 'features', embeddingDimension: 8, epochs: 1, validationShare: 0.5, predictVoteWeight: 'auto'})");
        assertThat(single("CALL mmr.model.info() YIELD current, predictVoteWeight WHERE current RETURN predictVoteWeight")
                .get("predictVoteWeight")).isIn(0.0, 0.25, 0.5, 0.75, 1.0);
        // with 'auto' the result's effective config holds the weight chosen, as the stored version does
        Map<?, ?> effective = (Map<?, ?>) single("CALL mmr.train({inputs: 'features', embeddingDimension: 8, epochs: 1, "
                + "predictVoteWeight: 'auto'})").get("config");
        assertThat(effective.get("predictVoteWeight")).isIn(0.0, 0.25, 0.5, 0.75, 1.0)
                .isEqualTo(single("CALL mmr.model.info() YIELD current, predictVoteWeight WHERE current RETURN predictVoteWeight")
                        .get("predictVoteWeight"));
        // by default the votes alone
        single("CALL mmr.train({inputs: 'features', embeddingDimension: 8, epochs: 1})");
        assertThat(single("CALL mmr.model.info() YIELD current, predictVoteWeight WHERE current RETURN predictVoteWeight")
                .get("predictVoteWeight")).isEqualTo(1.0);
        // a catalog with only a few tagged images holds out one or none: trained all the same, a weight chosen or the votes alone
        db.executeTransactionally("MATCH (i:Image)-[r:TAGGED]->() WHERE NOT i.id IN ['i1', 'i2', 'i3'] DELETE r");
        single("CALL mmr.train({inputs: 'features', embeddingDimension: 8, epochs: 1, predictVoteWeight: 'auto'})");
        assertThat(single("CALL mmr.model.info() YIELD current, predictVoteWeight WHERE current RETURN predictVoteWeight")
                .get("predictVoteWeight")).isIn(0.0, 0.25, 0.5, 0.75, 1.0);
    }

    @Test
    void retrainingPublishesANewCurrentVersion() {
        single("CALL mmr.train({inputs: 'features', embeddingDimension: 8, epochs: 1})");   // the djl trainer
        assertThat(currentVersion()).isEqualTo(1L);
        Map<String, Object> second = single("CALL mmr.train({trainer: 'gds', embeddingDimension: 8, epochs: 1, maxIterations: 3, randomSeed: 7})");
        assertThat(second.get("version")).isEqualTo(2L);
        // the lookup remembers the last current version found, and notices when another one becomes current
        assertThat(currentVersion()).isEqualTo(2L);
        try (Transaction tx = db.beginTx()) {
            tx.findNodes(Label.label("MmrModel")).forEachRemaining(n -> n.setProperty("current", n.getProperty("version").equals(1L)));
            assertThat(new ModelStore(tx).current("default").getProperty("version")).isEqualTo(1L);
            tx.rollback();
        }
        assertThat(currentVersion()).isEqualTo(2L);
        List<Map<String, Object>> infos = db.executeTransactionally("CALL mmr.model.info()", Map.of(), res -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            res.forEachRemaining(rows::add);
            return rows;
        });
        assertThat(infos).extracting(m -> m.get("version") + ":" + m.get("current")).containsExactly("2:true", "1:false");
        assertThat(infos).extracting(m -> m.get("trainer")).containsExactly("gds", "djl");
        assertThat(infos.get(0)).containsEntry("encoder", "test/6/1").containsEntry("embeddingDimension", 8L)
                .containsEntry("activation", "relu").containsEntry("sampleSizes", List.of(25L, 10L))
                .containsEntry("formatVersion", ModelStore.FORMAT_VERSION);
        // both trainers choose the count of tag voters on the graph (a test graph: too small to prefer one but by chance)
        assertThat(infos).extracting(m -> m.get("predictVoters")).allSatisfy(v -> assertThat(v).isIn(3L, 5L, 7L, 10L));
        // and how much the votes count against the model: the votes alone unless asked otherwise
        assertThat(infos).extracting(m -> m.get("predictVoteWeight")).containsOnly(1.0);
        // what a version takes decoded is reported without decoding it, and is what decoding it takes
        for (Map<String, Object> info : infos) {
            long decoded;
            try (org.neo4j.graphdb.Transaction tx = db.beginTx()) {
                decoded = LoadedModel.of("test", tx, tx.findNode(org.neo4j.graphdb.Label.label("MmrModel"), "version", info.get("version")))
                        .sage().decodedBytes();
            }
            assertThat((Long) info.get("parameters")).isPositive();
            assertThat(info.get("decodedBytes")).isEqualTo(decoded);
        }
    }

    /** A model stored in another format is refused by name, with the way out, before any weight is read. */
    @Test
    void aModelInAFormatThisPluginCannotReadIsRefusedWithTheWayOut() {
        single("CALL mmr.train(" + SMALL + ")");
        db.executeTransactionally("MATCH (m:MmrModel) SET m.formatVersion = 2");
        assertError("MATCH (n:Image {id: 'i1'}) CALL mmr.embed([n]) YIELD nodes RETURN nodes",
                "model 'default' version 1 is stored in format 2, which this mmr plugin (format 1) cannot read; install the mmr "
                        + "release that stored it, or retrain with CALL mmr.train() to store a new version in format 1");
        // a model stored before the format was recorded is format 1 and still read
        db.executeTransactionally("MATCH (m:MmrModel) REMOVE m.formatVersion");
        assertThat(single("MATCH (n:Image {id: 'i1'}) CALL mmr.embed([n]) YIELD nodes RETURN nodes").get("nodes")).isEqualTo(1L);
    }

    @Test
    void badConfigIsRefusedBeforeAnythingIsWritten() {
        assertError("CALL mmr.train({epoch: 3})", "Unknown config key 'epoch' for mmr.train; known keys: activation, batchSamplingRatio, batchSize, concurrency");
        assertError("CALL mmr.train({relationshipWeighted: true})", "Unknown config key 'relationshipWeighted' for mmr.train");
        assertError("CALL mmr.train({trainer: 'gds', batchSamplingRatio: 1.5})", "mmr.train: 'batchSamplingRatio' must be a number from 0.0 to 1.0, got 1.5");
        assertError("CALL mmr.train({embeddingDimension: 0})", "mmr.train: 'embeddingDimension' must be an integer from 1 to 4096, got 0 (Integer)");
        assertError("CALL mmr.train({sampleSizes: []})", "mmr.train: 'sampleSizes' must be a list of 1 to 3 integers from 1 to 1000, got [] (List)");
        assertError("CALL mmr.train({sampleSizes: [25, -1]})", "mmr.train: 'sampleSizes' must be a list of 1 to 3 integers from 1 to 1000, got [25, -1] (List)");
        assertError("CALL mmr.train({learningRate: 0})", "mmr.train: 'learningRate' must be a number from");
        assertError("CALL mmr.train({modelName: 'my model!'})", "mmr.train: 'modelName' must start with a letter and contain only letters, digits, '_' and '-' (at most 64 characters), got 'my model!' (String)");
        assertError("CALL mmr.train({trainer: 'keras'})", "mmr.train: 'trainer' must be one of 'gds', 'djl', got 'keras' (String)");
        assertError("CALL mmr.train({maxIterations: 3})", "mmr.train: 'maxIterations' applies to trainer 'gds' only, not to 'djl'");
        assertError("CALL mmr.train({trainer: 'gds', temperature: 0.1})", "mmr.train: 'temperature' applies to trainer 'djl' only, not to 'gds'");
        assertError("CALL mmr.train({sampleSizes: [25, 10, 5]})", "mmr.train: trainer 'djl' trains two layers; 'sampleSizes' must have two entries, got [25, 10, 5]");
        assertError("CALL mmr.train({temperature: 0})", "mmr.train: 'temperature' must be a number from");
        assertError("CALL mmr.train({trainer: 'gds', inputs: 'features'})", "mmr.train: 'inputs' applies to trainer 'djl' only, not to 'gds'");
        assertError("CALL mmr.train({inputs: 'pixels'})", "mmr.train: 'inputs' must be one of 'tagSpace', 'features', got 'pixels' (String)");
        assertError("CALL mmr.train({validationShare: 0.9})", "mmr.train: 'validationShare' must be a number from 0.0 to 0.5, got 0.9");
        assertError("CALL mmr.train({writeBatchSize: -1})", "mmr.train: 'writeBatchSize' must be an integer from 0 to 1000000, got -1 (Integer)");
        assertError("CALL mmr.train({ridgeLambda: 0})", "mmr.train: 'ridgeLambda' must be 'auto' or a number from 1.0E-6 to 1000000.0, got 0 (Integer)");
        assertError("CALL mmr.train({ridgeLambda: 'big'})", "mmr.train: 'ridgeLambda' must be 'auto' or a number from 1.0E-6 to 1000000.0, got 'big' (String)");
        assertError("CALL mmr.train({predictVoteWeight: 2})", "mmr.train: 'predictVoteWeight' must be 'auto' or a number from 0.0 to 1.0, got 2 (Integer)");
        assertError("CALL mmr.train({trainer: 'gds', predictVoteWeight: 'auto'})", "mmr.train: 'predictVoteWeight' 'auto' is chosen on "
                + "the images trainer 'djl' holds out (validationShare above 0); got trainer 'gds' with validationShare 0.05; give a number from 0 to 1 instead");
        assertError("CALL mmr.train({validationShare: 0, predictVoteWeight: 'auto'})", "got trainer 'djl' with validationShare 0.0");
        assertError("CALL mmr.train({queriesPerEpoch: 0})", "mmr.train: 'queriesPerEpoch' must be an integer from 1 to 100000000, got 0");
        assertError("CALL mmr.train({neighborInit: [0.5]})", "mmr.train: 'neighborInit' must be a list of 2 numbers from 0.0 to 10.0, got [0.5] (List)");
        // the old spelling is still read (with a warning in the log), and names the new one when wrong
        assertError("CALL mmr.train({neighbourInit: [0.5]})", "mmr.train: 'neighborInit' must be a list of 2 numbers");
        assertError("CALL mmr.train({neighbourInit: [0.5, 0], neighborInit: [0.5, 0]})",
                "mmr.train: 'neighbourInit' is the old name of 'neighborInit'; give only 'neighborInit'");
        assertError("CALL mmr.train({trainer: 'gds', keywordLossWeight: 0.5})", "mmr.train: 'keywordLossWeight' applies to trainer 'djl' only, not to 'gds'");
        assertError("CALL mmr.train({trainer: 'gds', epochs: 0})", "mmr.train: 'epochs' must be an integer from 1 to 1000, got 0");
        assertError("CALL mmr.train({trainer: 'gds', activation: 'tanh'})", "mmr.train: 'activation' must be one of 'sigmoid', 'relu', got 'tanh' (String)");
        assertNothingWritten();
    }

    @Test
    void badGraphsAreRefusedBeforeAnythingIsWritten() {
        db.executeTransactionally("MATCH (t:Tag {name: 't0'}) REMOVE t.features");
        assertError("CALL mmr.train(" + SMALL + ")", "mmr.train: 1 Tag node(s) have no 'features'");
        db.executeTransactionally("MATCH (t:Tag {name: 't0'}) SET t.features = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]");
        db.executeTransactionally("MATCH (i:Image {id: 'i3'}) SET i.features = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0/0.0]");
        assertError("CALL mmr.train(" + SMALL + ")", "mmr.train: Image 'i3' has NaN at features[5]; only finite numbers can be trained on");
        db.executeTransactionally("MATCH (i:Image {id: 'i3'}) SET i.features = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]");
        db.executeTransactionally("MATCH ()-[r:SIMILAR|TAGGED]->() DELETE r");
        assertError("CALL mmr.train(" + SMALL + ")", "mmr.train: the graph has no SIMILAR or TAGGED edges");
        db.executeTransactionally("MATCH (i:Image {id: 'i4'}) SET i.features = [1.0, 2.0]");
        assertError("CALL mmr.train(" + SMALL + ")", "mmr.train: Image features have mixed dimensions");
        db.executeTransactionally("MATCH (n) DETACH DELETE n");
        assertError("CALL mmr.train(" + SMALL + ")", "mmr.train: the graph has no Image nodes; import a catalog first");
        assertNothingWritten();
    }

    @Test
    void aSecondTrainingWhileOneRunsIsRefused() throws Exception {
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread running = new Thread(() -> {
            TrainProc.TRAINING.lock();          // stands for a training in progress on another connection
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                TrainProc.TRAINING.unlock();
            }
        });
        running.start();
        held.await();
        try {
            assertError("CALL mmr.train(" + SMALL + ")", "mmr.train: another training is running");
            assertNothingWritten();
        } finally {
            release.countDown();
            running.join();
        }
        assertThat(single("CALL mmr.train(" + SMALL + ")").get("version")).isEqualTo(1L);
    }

    @Test
    void withoutGdsTheErrorSaysSoAndNothingIsWritten() {
        try (Neo4j bare = TestDatabases.builder(false).build()) {
            GraphDatabaseService plain = bare.defaultDatabaseService();
            plain.executeTransactionally("CREATE (:MmrCatalog {name: 'default', encoder: 'test/2/1', featureDimension: 2})"
                    + "-[:X]->(:Image {id: 'a', features: [1.0, 0.0]})-[:SIMILAR {score: 1.0}]->(:Image {id: 'b', features: [0.0, 1.0]})");
            assertThatThrownBy(() -> plain.executeTransactionally("CALL mmr.train({trainer: 'gds'})"))
                    .hasMessageContaining("Graph Data Science (GDS 2.13.x) is not installed on this server");
            long indexes = plain.executeTransactionally("SHOW VECTOR INDEXES YIELD name RETURN count(name) AS n", Map.of(),
                    res -> (Long) res.next().get("n"));
            assertThat(indexes).isZero();
        }
    }

    @Test
    void embedReproducesTrainedEmbeddingsAndEmbedsNewNodesWithoutGds() {
        single("CALL mmr.train(" + SMALL + ")");
        Map<Long, float[]> trained = new java.util.HashMap<>();
        db.executeTransactionally("MATCH (n) WHERE n:Image OR n:Tag RETURN id(n) AS id, n.embedding AS e", Map.of(), r -> {
            r.forEachRemaining(row -> trained.put((Long) row.get("id"), Vectors.toFloats(row.get("e"))));
            return null;
        });
        // Re-embedding through Neo4j reads with the stored model gives GDS's embeddings back.
        db.executeTransactionally("MATCH (n) WHERE n:Image OR n:Tag REMOVE n.embedding");
        Map<String, Object> r = single("MATCH (n) WHERE n:Image OR n:Tag WITH collect(n) AS nodes CALL mmr.embed(nodes) YIELD nodes AS embedded, version RETURN embedded, version");
        assertThat(r).containsEntry("embedded", 38L).containsEntry("version", 1L);
        db.executeTransactionally("MATCH (n) WHERE n:Image OR n:Tag RETURN id(n) AS id, n.embedding AS e", Map.of(), res -> {
            res.forEachRemaining(row -> assertThat(Vectors.toFloats(row.get("e")))
                    .containsExactly(trained.get((Long) row.get("id")), within(1e-5f)));
            return null;
        });

        // A new image, linked after training, is embedded from its neighbourhood.
        db.executeTransactionally("MATCH (a:Image {id: 'i1'}), (b:Image {id: 'i2'}), (t:Tag {name: 't3'}) "
                + "CREATE (n:Image {id: 'new', features: [0.5, 0.1, -0.2, 0.3, 0.0, 1.0]}), (n)-[:SIMILAR {score: 0.9}]->(a), "
                + "(n)-[:SIMILAR {score: 0.8}]->(b), (n)-[:TAGGED]->(t)");
        single("MATCH (n:Image {id: 'new'}) CALL mmr.embed([n]) YIELD nodes RETURN nodes");
        InMemorySageGraph graph = new InMemorySageGraph(db);
        GraphSage sage = db.executeTransactionally("MATCH (m:MmrModel {current: true}) RETURN m", Map.of(),
                res -> new GraphSage(ModelStore.weights((Node) res.next().get("m"))));
        long newId = count("MATCH (n:Image {id: 'new'}) RETURN id(n)");
        float[] stored = Vectors.toFloats(db.executeTransactionally("MATCH (n:Image {id: 'new'}) RETURN n.embedding AS e",
                Map.of(), res -> res.next().get("e")));
        assertThat(stored).hasSize(8).containsExactly(sage.embed(graph, newId), within(1e-6f));
    }

    @Test
    void embedRefusesWhatItCannotEmbed() {
        assertError("MATCH (n:Image {id: 'i1'}) CALL mmr.embed([n]) YIELD nodes RETURN nodes",
                "mmr.embed: there is no trained model 'default'; run CALL mmr.train() first");
        single("CALL mmr.train(" + SMALL + ")");
        assertError("MATCH (n:Image {id: 'i1'}) CALL mmr.embed([n], {modle: 'x'}) YIELD nodes RETURN nodes",
                "Unknown config key 'modle' for mmr.embed; known keys: model");
        assertError("MATCH (n:Image {id: 'i1'}) CALL mmr.embed([n], {model: 3}) YIELD nodes RETURN nodes",
                "mmr.embed: 'model' must be a non-empty string, got 3 (Integer)");
        assertError("MATCH (n:Image {id: 'i1'}) CALL mmr.embed([n], {model: 'other'}) YIELD nodes RETURN nodes",
                "mmr.embed: there is no trained model 'other'; run CALL mmr.train() first");
        assertError("MATCH (c:MmrCatalog) CALL mmr.embed([c]) YIELD nodes RETURN nodes", "is neither an Image nor a Tag");
        db.executeTransactionally("CREATE (:Image {id: 'bare'}), (:Image {id: 'short', features: [1.0, 2.0]})");
        assertError("MATCH (n:Image {id: 'bare'}) CALL mmr.embed([n]) YIELD nodes RETURN nodes", "mmr.embed: Image 'bare' has no 'features'");
        assertError("MATCH (n:Image {id: 'short'}) CALL mmr.embed([n]) YIELD nodes RETURN nodes",
                "mmr.embed: Image 'short' has 2-d features but model 'default' was trained on 6-d features");
    }

    private void assertNothingWritten() {
        assertThat(count("MATCH (n) WHERE n.embedding IS NOT NULL RETURN count(n)")).isZero();
        assertThat(count("MATCH (m:MmrModel) RETURN count(m)")).isZero();
    }

    private void assertError(String cypher, String message) {
        assertThatThrownBy(() -> db.executeTransactionally(cypher, Map.of(), r -> r.resultAsString()))
                .isInstanceOf(QueryExecutionException.class).hasMessageContaining(message);
    }

    private static float[] random(Random rnd, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
