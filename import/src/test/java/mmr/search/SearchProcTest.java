package mmr.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.harness.Neo4j;

import mmr.ingest.ImportOptions;
import mmr.ingest.Importer;
import mmr.ingest.graph.EmbeddedCypher;
import mmr.ingest.graph.GraphWriter;
import mmr.model.encode.DescriptorEncoder;
import mmr.model.tag.TagFeatures;
import mmr.model.image.TestImages;
import mmr.procedures.testing.TestDatabases;

/** mmr.search, mmr.predictTags and mmr.attach on the emoji fixture (120 images), trained once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressWarnings("unchecked")
class SearchProcTest {
    private Neo4j neo4j;
    private GraphDatabaseService db;
    private Path importDir;
    private Path fixtureDir;
    private static final String QUERY_ID = "google:1fabd";   // wing

    @BeforeAll
    void build() throws Exception {
        importDir = Files.createTempDirectory("mmr-search-import");
        neo4j = TestDatabases.builder(true).withConfig(GraphDatabaseSettings.load_csv_file_url_root, importDir).build();
        db = neo4j.defaultDatabaseService();
        Path manifest = Path.of(getClass().getResource("/fixture/emoji/manifest.jsonl").toURI());
        fixtureDir = manifest.getParent();
        ImportOptions defaults = ImportOptions.defaults(manifest);
        ImportOptions options = new ImportOptions(manifest, defaults.batchSize(), defaults.maxPixels(), TagFeatures.Init.CENTROID,
                null, true, Map.of(), false);
        try (DescriptorEncoder encoder = new DescriptorEncoder()) {
            new Importer(new GraphWriter(new EmbeddedCypher(db, "test")), encoder, options).run();
        }
        db.executeTransactionally("CALL mmr.train({epochs: 3})", Map.of(), r -> r.resultAsString());   // the default trainer: djl, tag space
        db.executeTransactionally("CALL db.awaitIndexes(300)");
        Files.copy(fixtureDir.resolve(path(QUERY_ID)), importDir.resolve("query.png"));
    }

    @AfterAll
    void stop() {
        neo4j.close();
    }

    private String path(String id) throws Exception {
        for (String line : Files.readAllLines(fixtureDir.resolve("manifest.jsonl"))) {
            if (line.contains("\"id\":\"" + id + "\"")) {
                return line.replaceAll(".*\"path\":\"([^\"]+)\".*", "$1");
            }
        }
        throw new IllegalStateException("no " + id + " in the fixture");
    }

    private List<Map<String, Object>> rows(String cypher, Map<String, Object> params) {
        return db.executeTransactionally(cypher, params, r -> {
            List<Map<String, Object>> out = new ArrayList<>();
            r.forEachRemaining(out::add);
            return out;
        });
    }

    private List<String> ids(Map<String, Object> query, Map<String, Object> config) {
        return rows("CALL mmr.search($q, $c) YIELD image RETURN image.id AS id", Map.of("q", query, "c", config))
                .stream().map(m -> (String) m.get("id")).toList();
    }

    @Test
    void searchReturnsKRankedImagesWithBothScores() {
        List<Map<String, Object>> r = rows("CALL mmr.search({id: $id}, {k: 7}) YIELD image, score, rank, visualScore, conceptScore "
                + "RETURN image.id AS id, score, rank, visualScore, conceptScore", Map.of("id", QUERY_ID));
        assertThat(r).hasSize(7);
        assertThat(r).extracting(m -> m.get("rank")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(r).extracting(m -> m.get("id")).doesNotContain(QUERY_ID).doesNotHaveDuplicates();
        for (int i = 1; i < r.size(); i++) {
            assertThat((Double) r.get(i).get("score")).isLessThanOrEqualTo((Double) r.get(i - 1).get("score"));
        }
        assertThat(r).allSatisfy(m -> {
            assertThat(m.get("visualScore")).isNotNull();
            assertThat(m.get("conceptScore")).isNotNull();
        });
        assertThat(ids(Map.of("id", QUERY_ID), Map.of("excludeQuery", false, "k", 3))).hasSize(3);
    }

    @Test
    void everyImageSourceOfTheSameImageGivesTheSameResults() throws Exception {
        byte[] png = Files.readAllBytes(fixtureDir.resolve(path(QUERY_ID)));
        List<String> byId = ids(Map.of("id", QUERY_ID, "tags", List.of("nature")), Map.of("excludeQuery", false));
        Node node = db.executeTransactionally("MATCH (i:Image {id: $id}) RETURN i", Map.of("id", QUERY_ID), r -> (Node) r.next().get("i"));
        float[] features = db.executeTransactionally("MATCH (i:Image {id: $id}) RETURN i.features AS f", Map.of("id", QUERY_ID),
                r -> (float[]) r.next().get("f"));
        List<Double> featureList = new ArrayList<>();
        for (float f : features) {
            featureList.add((double) f);
        }
        Map<String, Object> config = Map.of("excludeQuery", false);
        List<String> tags = List.of("nature");
        assertThat(rows("MATCH (i:Image {id: $id}) CALL mmr.search({node: i, tags: ['nature']}, {excludeQuery: false}) "
                + "YIELD image RETURN image.id AS id", Map.of("id", QUERY_ID)).stream().map(m -> m.get("id")).toList())
                .isEqualTo(byId);
        assertThat(node).isNotNull();
        // An image from outside the catalog is a new image: it attaches to its catalog copy, too (cosine 1).
        List<String> unseen = ids(Map.of("features", featureList, "tags", tags), config);
        assertThat(unseen).hasSize(10);
        assertThat(ids(Map.of("bytes", png, "tags", tags), config)).isEqualTo(unseen);
        assertThat(ids(Map.of("base64", Base64.getEncoder().encodeToString(png), "tags", tags), config)).isEqualTo(unseen);
        assertThat(ids(Map.of("base64", "data:image/png;base64," + Base64.getEncoder().encodeToString(png), "tags", tags), config))
                .isEqualTo(unseen);
        assertThat(ids(Map.of("file", "query.png", "tags", tags), config)).isEqualTo(unseen);
        Object attachedToCopy = rows("CALL mmr.attach({bytes: $png}) YIELD images RETURN [l IN images | l.id] AS ids",
                Map.of("png", png)).get(0).get("ids");
        assertThat(attachedToCopy).asList().contains(QUERY_ID);
    }

    @Test
    void theSliderMovesBetweenTheVisualAndTheConceptualRanking() {
        Map<String, Object> q = Map.of("id", QUERY_ID, "tags", List.of("flag", "animal"));
        List<Map<String, Object>> visual = rows("CALL mmr.search($q, {visualWeight: 1.0}) YIELD image, score, visualScore "
                + "RETURN image.id AS id, score, visualScore", Map.of("q", q));
        assertThat(visual).allSatisfy(m -> assertThat((Double) m.get("score")).isCloseTo((Double) m.get("visualScore"), within(1e-5)));
        List<Map<String, Object>> concept = rows("CALL mmr.search($q, {visualWeight: 0.0}) YIELD image, score, conceptScore "
                + "RETURN image.id AS id, score, conceptScore", Map.of("q", q));
        assertThat(concept).allSatisfy(m -> assertThat((Double) m.get("score")).isCloseTo((Double) m.get("conceptScore"), within(1e-5)));
        assertThat(visual.stream().map(m -> m.get("id")).toList()).isNotEqualTo(concept.stream().map(m -> m.get("id")).toList());
    }

    @Test
    @SuppressWarnings("unchecked")
    void keywordQueriesRankByTheTagsAlone() {
        List<Map<String, Object>> r = rows("CALL mmr.search({tags: ['Animal', '  FLAG ', 'no-such-tag-xyz']}, {k: 5}) "
                + "YIELD image, score, visualScore, conceptScore RETURN image.id AS id, score, visualScore, conceptScore", Map.of());
        assertThat(r).hasSize(5).allSatisfy(m -> {
            assertThat(m.get("visualScore")).isNull();
            assertThat((Double) m.get("score")).isCloseTo((Double) m.get("conceptScore"), within(1e-6));
        });
        Map<String, Object> a = rows("CALL mmr.attach({tags: ['Animal', '  FLAG ', 'no-such-tag-xyz']}) YIELD tags, ignoredTags, "
                + "imageEmbedding RETURN [t IN tags | t.name] AS names, ignoredTags, imageEmbedding", Map.of()).get(0);
        assertThat((List<Object>) a.get("names")).containsExactlyInAnyOrder("animal", "flag");
        assertThat((List<Object>) a.get("ignoredTags")).containsExactly("no-such-tag-xyz");
        assertThat(a.get("imageEmbedding")).isNull();
    }

    @Test
    void attachExplainsTheThreeConnectModes() {
        String q = "CALL mmr.attach({id: $id, tags: ['nature']}, {connect: $connect}) YIELD images, tags, imageEmbedding, "
                + "tagEmbedding, embedding RETURN size(images) AS images, size(tags) AS tags, imageEmbedding, embedding";
        Map<String, Object> both = rows(q, Map.of("id", QUERY_ID, "connect", "both")).get(0);
        Map<String, Object> images = rows(q, Map.of("id", QUERY_ID, "connect", "images")).get(0);
        Map<String, Object> tags = rows(q, Map.of("id", QUERY_ID, "connect", "tags")).get(0);
        assertThat((Long) both.get("images")).isBetween(1L, 5L);
        assertThat(both.get("tags")).isEqualTo(1L);
        assertThat(images.get("images")).isEqualTo(both.get("images"));
        assertThat(tags.get("images")).isEqualTo(0L);
        assertThat(both.get("imageEmbedding")).isNotEqualTo(images.get("imageEmbedding")).isNotEqualTo(tags.get("imageEmbedding"));
        assertThat((List<?>) both.get("embedding")).hasSize(128);
        List<Map<String, Object>> links = rows("CALL mmr.attach({id: $id}, {neighbors: 3, similarityCutoff: 0.9}) YIELD images "
                + "UNWIND images AS l RETURN l.id AS id, l.similarity AS s", Map.of("id", QUERY_ID));
        assertThat(links).hasSizeLessThanOrEqualTo(3).allSatisfy(m -> {
            assertThat((Double) m.get("s")).isGreaterThanOrEqualTo(0.9);
            assertThat(m.get("id")).isNotEqualTo(QUERY_ID);
        });
    }

    @Test
    void predictTagsReturnsRankedTags() {
        List<Map<String, Object>> r = rows("CALL mmr.predictTags({id: $id}, {k: 8}) YIELD tag, name, score, rank "
                + "RETURN name, score, rank, tag:Tag AS isTag", Map.of("id", QUERY_ID));
        assertThat(r).hasSize(8).allSatisfy(m -> assertThat(m.get("isTag")).isEqualTo(true));
        assertThat(r).extracting(m -> m.get("rank")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        // An existing image's own tags are what is predicted: they are not attached (without them, the same answer).
        try (org.neo4j.graphdb.Transaction tx = db.beginTx()) {
            tx.execute("MATCH (:Image {id: $id})-[t:TAGGED]->() DELETE t", Map.of("id", QUERY_ID)).resultAsString();
            List<Object> untagged = tx.execute("CALL mmr.predictTags({id: $id}, {k: 8}) YIELD name, score "
                    + "RETURN name, score", Map.of("id", QUERY_ID)).stream().map(m -> (Object) m).toList();
            assertThat(untagged).isEqualTo(r.stream().map(m -> (Object) Map.of("name", m.get("name"), "score", m.get("score"))).toList());
            tx.rollback();
        }
    }

    @Test
    void sameQuerySameRanking() {
        Map<String, Object> q = Map.of("id", QUERY_ID, "tags", List.of("symbol"));
        List<String> first = ids(q, Map.of("k", 20));
        for (int i = 0; i < 5; i++) {
            assertThat(ids(q, Map.of("k", 20))).isEqualTo(first);
        }
    }

    @Test
    void searchRunsInReadTransactionsAndThousandsOfQueriesChangeNothing() throws Exception {
        String before = checksum();
        byte[] png = Files.readAllBytes(fixtureDir.resolve(path(QUERY_ID)));
        List<String> ids = rows("MATCH (i:Image) RETURN i.id AS id ORDER BY id LIMIT 40", Map.of()).stream()
                .map(m -> (String) m.get("id")).toList();
        String[] connect = {"both", "images", "tags"};
        int n = 0;
        try (org.neo4j.driver.Driver driver = org.neo4j.driver.GraphDatabase.driver(neo4j.boltURI(), org.neo4j.driver.AuthTokens.none());
             org.neo4j.driver.Session session = driver.session()) {
            for (int i = 0; i < 1000; i++) {
                Map<String, Object> q = switch (i % 4) {
                    case 0 -> Map.of("id", ids.get(i % ids.size()));
                    case 1 -> Map.of("tags", List.of("flag", "country"));
                    case 2 -> Map.of("bytes", png, "tags", List.of("symbol"));
                    default -> Map.of("id", ids.get(i % ids.size()), "tags", List.of("food"));
                };
                Map<String, Object> c = Map.of("k", 1 + i % 15, "visualWeight", (i % 11) / 10.0, "connect", connect[i % 3]);
                String proc = i % 5 == 0 ? "mmr.predictTags" : i % 7 == 0 ? "mmr.attach" : "mmr.search";
                if (proc.equals("mmr.predictTags") && i % 4 == 1) {
                    proc = "mmr.search";
                }
                String cypher = "CALL " + proc + "($q, $c)";
                n += session.executeRead(tx -> tx.run(cypher, Map.of("q", q, "c", c)).list().size());
            }
        }
        assertThat(n).isGreaterThan(1000);
        assertThat(checksum()).isEqualTo(before);
    }

    @Test
    void concurrentClientsGetConsistentAnswers() throws Exception {
        List<String> expected = ids(Map.of("id", QUERY_ID), Map.of());
        List<String> keyword = ids(Map.of("tags", List.of("flag")), Map.of());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                runs.add(pool.submit(() -> {
                    int done = 0;
                    for (int i = 0; i < 40; i++) {
                        boolean image = (i + thread) % 2 == 0;
                        List<String> got = image ? ids(Map.of("id", QUERY_ID), Map.of()) : ids(Map.of("tags", List.of("flag")), Map.of());
                        assertThat(got).isEqualTo(image ? expected : keyword);
                        done++;
                    }
                    return done;
                }));
            }
            for (Future<Integer> f : runs) {
                assertThat(f.get(5, TimeUnit.MINUTES)).isEqualTo(40);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Search embeds the query node from the first-layer states stored with the embeddings: the same
     * E_image as a pass that computes every state from the graph (in a rolled-back transaction with
     * the stored states removed). States are as of the last mmr.train / mmr.embed, like embeddings:
     * after a change to a neighbour's neighbourhood the query embeds as before, and mmr.embed on the
     * changed nodes brings it in line with the graph again.
     */
    @Test
    void storedStatesMatchTheGraphAsOfTheirEmbedding() {
        String attach = "CALL mmr.attach({id: $id}) YIELD images, imageEmbedding RETURN images, imageEmbedding";
        String fresh = "MATCH (n) WHERE n.sageState IS NOT NULL REMOVE n.sageState WITH count(*) AS removed "
                + "CALL mmr.attach({id: $id}) YIELD imageEmbedding RETURN imageEmbedding";
        Map<String, Object> p = Map.of("id", QUERY_ID);
        Map<String, Object> before = rows(attach, p).get(0);
        assertVeryClose(before.get("imageEmbedding"), freshEmbedding(fresh, p));
        // States another model version wrote are not used (here: zeros stamped by an unknown version).
        assertVeryClose(before.get("imageEmbedding"), freshEmbedding("MATCH (n) WHERE n.sageState IS NOT NULL "
                + "SET n.sageState = [x IN n.sageState | 0.0], n.sageStateModel = 'another version' "
                + "WITH count(*) AS changed CALL mmr.attach({id: $id}) YIELD imageEmbedding RETURN imageEmbedding", p));
        // Change a neighbour's neighbourhood: the first attached image loses its TAGGED edges.
        String neighbour = (String) ((Map<?, ?>) ((List<?>) before.get("images")).get(0)).get("id");
        List<Object> names = rows("MATCH (i:Image {id: $id})-[r:TAGGED]->(t) WITH r, t.name AS name DELETE r RETURN name",
                Map.of("id", neighbour)).stream().map(m -> m.get("name")).toList();
        assertThat(names).isNotEmpty();
        String embedChanged = "MATCH (n) WHERE (n:Image AND n.id = $id) OR (n:Tag AND n.name IN $names) "
                + "WITH collect(n) AS ns CALL mmr.embed(ns) YIELD nodes RETURN nodes";
        Map<String, Object> changed = Map.of("id", neighbour, "names", names);
        try {
            assertVeryClose(rows(attach, p).get(0).get("imageEmbedding"), before.get("imageEmbedding"));
            Object graphNow = freshEmbedding(fresh, p);
            assertThat(maxDifference(graphNow, before.get("imageEmbedding"))).isGreaterThan(2e-5);   // the default model weighs the second hop lightly
            assertThat(rows(embedChanged, changed).get(0).get("nodes")).isEqualTo((long) names.size() + 1);
            assertVeryClose(rows(attach, p).get(0).get("imageEmbedding"), graphNow);
        } finally {
            rows("MATCH (i:Image {id: $id}) UNWIND $names AS name MATCH (t:Tag {name: name}) CREATE (i)-[:TAGGED]->(t)",
                    changed);
            rows(embedChanged, changed);
        }
        assertVeryClose(rows(attach, p).get(0).get("imageEmbedding"), before.get("imageEmbedding"));
    }

    private static double maxDifference(Object a, Object b) {
        List<?> x = (List<?>) a;
        List<?> y = (List<?>) b;
        double max = 0;
        for (int i = 0; i < x.size(); i++) {
            max = Math.max(max, Math.abs(((Number) x.get(i)).doubleValue() - ((Number) y.get(i)).doubleValue()));
        }
        return max;
    }

    private Object freshEmbedding(String cypher, Map<String, Object> params) {
        try (org.neo4j.graphdb.Transaction tx = db.beginTx()) {
            Object e = tx.execute(cypher, params).next().get("imageEmbedding");
            tx.rollback();
            return e;
        }
    }

    /** Stored states are the computed ones rounded to float: a tolerance far below a neighbourhood change's effect. */
    private static void assertVeryClose(Object a, Object b) {
        List<?> x = (List<?>) a;
        List<?> y = (List<?>) b;
        assertThat(x).hasSameSizeAs(y);
        for (int i = 0; i < x.size(); i++) {
            assertThat(((Number) x.get(i)).doubleValue()).isCloseTo(((Number) y.get(i)).doubleValue(), within(2e-6));
        }
    }

    private static void assertClose(Object a, Object b) {
        List<?> x = (List<?>) a;
        List<?> y = (List<?>) b;
        assertThat(x).hasSameSizeAs(y);
        for (int i = 0; i < x.size(); i++) {
            assertThat(((Number) x.get(i)).doubleValue()).isCloseTo(((Number) y.get(i)).doubleValue(), within(1e-5));
        }
    }

    /** The tutorial users read (cypher/examples.cypher) runs on the fixture, every statement with results. */
    @Test
    void tutorialQueriesRun() throws Exception {
        String text;
        try (var in = getClass().getResourceAsStream("/cypher/examples.cypher")) {
            text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        StringBuilder code = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.strip().startsWith("//")) {
                code.append(line).append('\n');
            }
        }
        List<String> statements = Arrays.stream(code.toString().split(";\\s*\n")).map(String::strip).filter(x -> !x.isEmpty()).toList();
        assertThat(statements).hasSizeGreaterThanOrEqualTo(10);
        String before = checksum();
        for (String statement : statements) {
            List<Map<String, Object>> r = rows(statement, Map.of());
            assertThat(r).as(statement).isNotEmpty();
        }
        assertThat(checksum()).isEqualTo(before);
    }

    /** Counts and a digest of every node's and relationship's labels/type and properties. */
    private String checksum() {
        return db.executeTransactionally("MATCH (n) OPTIONAL MATCH (n)-[r]->(m) "
                + "RETURN count(DISTINCT n) AS nodes, count(r) AS rels, "
                + "collect(DISTINCT [elementId(n), labels(n), properties(n)]) AS ns, collect([elementId(r), type(r), properties(r)]) AS rs",
                Map.of(), r -> {
                    Map<String, Object> row = r.next();
                    try {
                        MessageDigest md = MessageDigest.getInstance("SHA-256");
                        md.update(deep(row.get("ns")).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        md.update(deep(row.get("rs")).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        return row.get("nodes") + "/" + row.get("rels") + "/" + java.util.HexFormat.of().formatHex(md.digest());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    private static String deep(Object o) {
        if (o instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            l.forEach(x -> parts.add(deep(x)));
            java.util.Collections.sort(parts);
            return parts.toString();
        }
        if (o instanceof Map<?, ?> m) {
            java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
            m.forEach((k, v) -> sorted.put(String.valueOf(k), deep(v)));
            return sorted.toString();
        }
        if (o instanceof float[] f) {
            return Arrays.toString(f);
        }
        if (o instanceof double[] d) {
            return Arrays.toString(d);
        }
        if (o instanceof long[] l) {
            return Arrays.toString(l);
        }
        if (o instanceof String[] s) {
            return Arrays.toString(s);
        }
        return String.valueOf(o);
    }

    // ---------------------------------------------------------------- bad input

    private void assertError(String cypher, Map<String, Object> params, String... fragments) {
        String before = checksum();
        assertThatThrownBy(() -> rows(cypher, params)).isInstanceOf(QueryExecutionException.class)
                .satisfies(e -> {
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                });
        assertThat(checksum()).isEqualTo(before);
    }

    @Test
    void badQueriesAreNamed() throws Exception {
        String s = "CALL mmr.search($q, $c)";
        Map<String, Object> none = Map.of();
        assertError(s, Map.of("q", none, "c", none), "mmr.search: the query is empty");
        assertError(s, Map.of("q", Map.of("id", QUERY_ID, "features", List.of(1.0)), "c", none), "2 image sources", "[id, features]");
        assertError(s, Map.of("q", Map.of("url", "x"), "c", none), "unknown query key 'url'", "known keys");
        assertError(s, Map.of("q", Map.of("id", QUERY_ID), "c", Map.of("topK", 3)), "Unknown config key 'topK'");
        assertError(s, Map.of("q", Map.of("id", "nope:0"), "c", none), "there is no Image with id 'nope:0'");
        assertError(s, Map.of("q", Map.of("tags", List.of("zzz-unknown", "qqq-unknown")), "c", none),
                "none of the query's tags ['zzz-unknown', 'qqq-unknown'] is in the graph");
        assertError(s, Map.of("q", Map.of("tags", List.of(1, 2)), "c", none), "'tags' must be a list of strings");
        assertError("CALL mmr.predictTags({tags: ['cat']})", none, "mmr.predictTags: the query has no image");
    }

    @Test
    void badConfigValuesAreNamed() {
        String s = "CALL mmr.search({id: '" + QUERY_ID + "'}, $c)";
        assertError(s, Map.of("c", Map.of("k", 0)), "'k' must be an integer from 1 to 1000, got 0");
        assertError(s, Map.of("c", Map.of("k", 1001)), "'k' must be an integer from 1 to 1000, got 1001");
        assertError(s, Map.of("c", Map.of("k", 2.5)), "'k' must be an integer from 1 to 1000, got 2.5");
        assertError(s, Map.of("c", Map.of("visualWeight", -0.1)), "'visualWeight' must be a number from 0.0 to 1.0, got -0.1");
        assertError(s, Map.of("c", Map.of("visualWeight", 1.5)), "'visualWeight' must be a number from 0.0 to 1.0, got 1.5");
        assertError(s, Map.of("c", Map.of("visualWeight", Double.NaN)), "'visualWeight' must be a number from 0.0 to 1.0, got NaN");
        assertError(s, Map.of("c", Map.of("visualWeight", "half")), "'visualWeight' must be a number from 0.0 to 1.0, got 'half' (String)");
        assertError(s, Map.of("c", Map.of("connect", "edges")), "'connect' must be one of 'both', 'images', 'tags', got 'edges'");
        assertError(s, Map.of("c", Map.of("neighbors", 0)), "'neighbors' must be an integer from 1 to 100, got 0");
        assertError(s, Map.of("c", Map.of("neighbors", 101)), "'neighbors' must be an integer from 1 to 100, got 101");
        assertError(s, Map.of("c", Map.of("similarityCutoff", 1.5)), "'similarityCutoff' must be a number from -1.0 to 1.0, got 1.5");
        assertError(s, Map.of("c", Map.of("similarityCutoff", -2)), "'similarityCutoff' must be a number from -1.0 to 1.0, got -2");
        assertError(s, Map.of("c", Map.of("model", "nope")), "unknown model 'nope'; known models: [default]");
    }

    @Test
    void badImagesAreNamed() throws Exception {
        String s = "CALL mmr.search($q)";
        assertError(s, Map.of("q", Map.of("features", List.of(1.0, 2.0))), "'features' has 2 values", "descriptor/512/1 produces 512");
        List<Double> nan = new ArrayList<>(java.util.Collections.nCopies(512, 0.1));
        nan.set(7, Double.NaN);
        assertError(s, Map.of("q", Map.of("features", nan)), "'features' has NaN at index 7");
        assertError(s, Map.of("q", Map.of("bytes", "hello".getBytes())), "the query bytes is not an image in a supported format");
        byte[] png = Files.readAllBytes(fixtureDir.resolve(path(QUERY_ID)));
        assertError(s, Map.of("q", Map.of("bytes", Arrays.copyOf(png, png.length / 2))), "the query bytes");
        java.awt.image.BufferedImage rgb = new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB);
        rgb.createGraphics().drawImage(TestImages.square(64, java.awt.Color.RED), 0, 0, null);
        byte[] jpeg = TestImages.bytes(rgb, "jpeg");
        assertError(s, Map.of("q", Map.of("bytes", Arrays.copyOf(jpeg, jpeg.length / 3))), "the query bytes");
        assertError(s, Map.of("q", Map.of("base64", "!!!not base64!!!")), "'base64' is not valid base64");
        assertError(s, Map.of("q", Map.of("base64", "https://example.com/cat.png")), "mmr never fetches from the network");
        assertError(s, Map.of("q", Map.of("file", "https://example.com/cat.png")), "mmr never fetches from the network");
        assertError(s, Map.of("q", Map.of("file", "../secret.png")), "climbs out with '..'");
        assertError(s, Map.of("q", Map.of("file", "/etc/passwd")), "absolute path '/etc/passwd'");
        assertError(s, Map.of("q", Map.of("file", "missing.png")), "file 'missing.png' does not exist in the import directory");
        Path outside = Files.createTempFile("mmr-outside", ".png");
        Files.write(outside, png);
        Files.createSymbolicLink(importDir.resolve("link.png"), outside);
        assertError(s, Map.of("q", Map.of("file", "link.png")), "file 'link.png' links outside the import directory; refused");
    }

    /** Issue 10: hostile values get short, named errors — never the value in full, never Neo4j's internals. */
    @Test
    void hostileInputsGetBoundedNamedErrors() throws Exception {
        String s = "CALL mmr.search($q, $c)";
        Map<String, Object> none = Map.of();
        String mb = "x".repeat(1_000_000);
        String cut = "'" + "x".repeat(200) + "… (1000000 characters)'";
        assertExactError(s, Map.of("q", Map.of("tags", List.of(mb)), "c", none),
                "mmr.search: 'tags' holds a tag of 1000000 characters (" + cut + "); a tag has at most 200 characters");
        assertExactError(s, Map.of("q", Map.of("tags", java.util.Collections.nCopies(1001, "cat")), "c", none),
                "mmr.search: 'tags' holds 1001 tags; a query takes at most 1000");
        List<String> unknown = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "zz" + i).toList();
        assertExactError(s, Map.of("q", Map.of("tags", unknown), "c", none), "mmr.search: none of the query's tags ['zz0', "
                + "'zz1', 'zz2', 'zz3', 'zz4', 'zz5', 'zz6', 'zz7', 'zz8', 'zz9', … and 990 more] is in the graph; nothing is left to search with");
        assertExactError(s, Map.of("q", Map.of("id", QUERY_ID), "c", Map.of("model", mb)),
                "mmr.search: unknown model " + cut + "; known models: [default]");
        assertExactError(s, Map.of("q", Map.of("id", QUERY_ID), "c", Map.of("k".repeat(40_000), 1)),
                "Unknown config key '" + "k".repeat(200) + "… (40000 characters)' for mmr.search");
        assertExactError(s, Map.of("q", Map.of("id", mb), "c", none), "mmr.search: there is no Image with id " + cut);
        assertExactError(s, Map.of("q", Map.of("features", java.util.Collections.nCopies(512, 0.0)), "c", none),
                "mmr.search: 'features' are all zeros, which point in no direction; a query needs features with at least one non-zero value");
        byte[] transparent = TestImages.bytes(new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_ARGB), "png");
        assertExactError(s, Map.of("q", Map.of("bytes", transparent), "c", none), "mmr.search: the query bytes is blank: fully "
                + "transparent or one flat colour leaves no visual features to search with");
        assertExactError(s, Map.of("q", Map.of("file", "a\u0000b.png"), "c", none),
                "mmr.search: 'file' 'a\\u0000b.png' contains a NUL character, which no file name can hold");
        byte[] png = Files.readAllBytes(fixtureDir.resolve(path(QUERY_ID)));
        String b64 = java.util.Base64.getEncoder().encodeToString(png);
        assertExactError(s, Map.of("q", Map.of("base64", "data:text/plain;base64," + b64), "c", none),
                "mmr.search: 'base64' is a data URI of media type 'text/plain'; only image/* data URIs are accepted");
        assertExactError(s, Map.of("q", Map.of("base64", "data:image/png;base64,@@@"), "c", none),
                "mmr.search: 'base64' holds no base64 characters ('@@@'); expected A-Z, a-z, 0-9, '+', '/' and '=' padding");
        byte[] jpegBomb = mmr.model.image.CraftedImages.progressiveJpegRepeatingAScan(TestImages.circle(256, java.awt.Color.GRAY, 0, false), 1000);
        long t0 = System.nanoTime();
        assertExactError(s, Map.of("q", Map.of("bytes", jpegBomb), "c", none), "mmr.search: the query bytes is a 256x256 JPEG with "
                + mmr.model.image.ImageDecoderScans.of(jpegBomb) + " scans; each scan is another pass over every pixel, and at most "
                + "100 scans and 500000000 scan-pixels (scans x pixels) are decoded");
        assertExactError(s, Map.of("q", Map.of("bytes", mmr.model.image.CraftedImages.pngBomb(6324, 6324, 16)), "c", none),
                "mmr.search: the query bytes is a truncated or corrupt image");
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds for both bombs, with the checksums").isLessThan(10);
        Path outside = Files.createTempFile("mmr-outside", ".png");
        Files.write(outside, png);
        Files.createLink(importDir.resolve("hard.png"), outside);
        assertExactError(s, Map.of("q", Map.of("file", "hard.png"), "c", none), "mmr.search: file 'hard.png' has 2 hard links; "
                + "refused, since a hard link can reach a file outside the import directory (copy the image in)");
        try (org.neo4j.graphdb.Transaction tx = db.beginTx()) {
            String message = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> tx.execute(
                    "CREATE (n:Image {id: 'gone'}) DELETE n WITH n CALL mmr.search({node: n}) YIELD image RETURN image").hasNext())
                    .getMessage();
            assertThat(message).contains("mmr.search: 'node' is a node that has been deleted; pass an Image node that exists (or its 'id')");
            tx.rollback();
        }
    }

    /**
     * The procedure's message, whole (Neo4j prefixes "Failed to invoke procedure …: Caused by: …"), the
     * whole error short, and the store unchanged.
     */
    private void assertExactError(String cypher, Map<String, Object> params, String message) {
        String before = checksum();
        String got = org.junit.jupiter.api.Assertions.assertThrows(QueryExecutionException.class,
                () -> rows(cypher, params)).getMessage();
        assertThat(got).contains(message);
        assertThat(got.length()).as("message length").isLessThan(1500);
        assertThat(checksum()).isEqualTo(before);
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeader() {
        byte[] bomb = TestImages.pngHeaderOnly(100_000, 100_000);
        assertError("CALL mmr.search($q)", Map.of("q", Map.of("bytes", bomb)), "is 100000x100000 = 10000000000 pixels");
        // The procedure runs on this thread: everything it allocates is counted, garbage included.
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> rows("CALL mmr.search($q)", Map.of("q", Map.of("bytes", bomb)))).hasMessageContaining("pixels");
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated refusing a 10-gigapixel PNG").isLessThan(4L * 1024 * 1024);
    }

    // ---- interactive queries (issue 12): without, liked, disliked, text, explain

    private List<Map<String, Object>> search(Map<String, Object> query, Map<String, Object> config) {
        return rows("CALL mmr.search($q, $c) YIELD image, rank, why RETURN image.id AS id, rank, why, "
                + "[(image)-[:TAGGED]->(t) | t.name] AS tags", Map.of("q", query, "c", config));
    }

    private static double share(List<Map<String, Object>> rows, String tag) {
        return rows.stream().filter(r -> ((List<?>) r.get("tags")).contains(tag)).count() / (double) rows.size();
    }

    @Test
    void withoutSteersAwayFromATag() {
        Map<String, Object> conceptual = Map.of("k", 10, "visualWeight", 0.0);
        List<Map<String, Object>> plain = search(Map.of("tags", List.of("animal")), conceptual);
        List<Map<String, Object>> without = search(Map.of("tags", List.of("animal"), "without", List.of("face")), conceptual);
        assertThat(share(plain, "face")).isGreaterThan(0);
        assertThat(share(without, "face")).isLessThan(share(plain, "face"));
        assertThat(share(without, "animal")).isGreaterThanOrEqualTo(0.5);
        Map<String, Object> a = rows("CALL mmr.attach({id: $id, without: ['sea', 'no-such-tag']}) YIELD tags, withoutTags, ignoredTags "
                + "RETURN [t IN tags | t.name] AS tags, withoutTags, ignoredTags", Map.of("id", "google:1f42c")).get(0);
        assertThat((List<String>) a.get("tags")).contains("fish").doesNotContain("sea");
        assertThat((List<String>) a.get("withoutTags")).containsExactly("sea");
        assertThat((List<String>) a.get("ignoredTags")).containsExactly("no-such-tag");
    }

    @Test
    void likedImagesAreAttachedAndDislikedOnesPushedAwayAndHidden() {
        Map<String, Object> config = Map.of("k", 20);
        List<Object> plain = search(Map.of("id", QUERY_ID), config).stream().map(r -> r.get("id")).toList();
        Object top = plain.get(0);
        Object far = plain.get(plain.size() - 1);
        List<Object> liked = search(Map.of("id", QUERY_ID, "liked", List.of(far)), config).stream().map(r -> r.get("id")).toList();
        assertThat(liked.indexOf(far)).as("a liked image moves up").isLessThan(plain.indexOf(far));
        List<Object> disliked = search(Map.of("id", QUERY_ID, "disliked", List.of(top)), config).stream().map(r -> r.get("id")).toList();
        assertThat(disliked).hasSize(20).doesNotContain(top);
        Map<String, Object> a = rows("CALL mmr.attach({id: $id, liked: [$l], disliked: [$d]}) YIELD images, liked, disliked "
                + "RETURN [i IN images | i.id] AS images, liked, disliked", Map.of("id", QUERY_ID, "l", far, "d", top)).get(0);
        assertThat((List<Object>) a.get("images")).contains(far);
        assertThat((List<Object>) a.get("liked")).containsExactly(far);
        assertThat((List<Object>) a.get("disliked")).containsExactly(top);
        // liked images alone are a query: more like these
        assertThat(search(Map.of("liked", List.of(QUERY_ID, "twitter:1f42c")), Map.of("k", 5))).hasSize(5);
    }

    @Test
    void textBecomesTagsAndUnmatchedWordsAreReported() {
        Map<String, Object> a = rows("CALL mmr.attach({text: 'the Animals with fins and sparkles'}) "
                + "YIELD tags, textTags, unmatchedWords RETURN [t IN tags | t.name] AS tags, textTags, unmatchedWords", Map.of()).get(0);
        assertThat((List<String>) a.get("textTags")).containsExactly("animal", "fins");
        assertThat((List<String>) a.get("unmatchedWords")).containsExactly("sparkles");
        assertThat((List<String>) a.get("tags")).containsExactly("animal", "fins");
        assertThat(ids(Map.of("text", "animal fins"), Map.of("k", 5))).isEqualTo(ids(Map.of("tags", List.of("animal", "fins")), Map.of("k", 5)));
    }

    @Test
    void explainAddsWhyToEveryResult() {
        List<Map<String, Object>> plain = search(Map.of("id", QUERY_ID), Map.of("k", 5));
        assertThat(plain).allSatisfy(r -> assertThat(r.get("why")).isNull());
        List<Map<String, Object>> explained = search(Map.of("id", QUERY_ID), Map.of("k", 5, "explain", true));
        assertThat(explained).extracting(r -> r.get("id")).isEqualTo(plain.stream().map(r -> r.get("id")).toList());
        for (Map<String, Object> r : explained) {
            Map<String, Object> why = (Map<String, Object>) r.get("why");
            assertThat(why).containsKeys("queryTags", "attachedNeighbours", "attached", "visual", "conceptual");
            assertThat((List<String>) r.get("tags")).containsAll((List<String>) why.get("queryTags"));
        }
    }

    @Test
    void badInteractiveInputsAreNamed() {
        String s = "CALL mmr.search($q, $c)";
        Map<String, Object> none = Map.of();
        assertExactError(s, Map.of("q", Map.of("id", QUERY_ID, "liked", List.of("nope")), "c", none),
                "mmr.search: 'liked' names no Image with id 'nope'");
        assertExactError(s, Map.of("q", Map.of("id", QUERY_ID, "disliked", "google:1f42c"), "c", none),
                "mmr.search: 'disliked' must be a list of Image nodes or ids, got 'google:1f42c'");
        assertExactError(s, Map.of("q", Map.of("id", QUERY_ID, "liked", List.of(1L)), "c", none),
                "mmr.search: 'liked' must be a list of Image nodes or ids, but it holds 1");
        assertExactError(s, Map.of("q", Map.of("id", QUERY_ID, "liked", java.util.Collections.nCopies(101, QUERY_ID)), "c", none),
                "mmr.search: 'liked' holds 101 images; a query takes at most 100");
        assertExactError(s, Map.of("q", Map.of("text", 42L), "c", none), "mmr.search: 'text' must be a string, got 42");
        assertExactError(s, Map.of("q", Map.of("text", "x".repeat(1001)), "c", none),
                "mmr.search: 'text' has 1001 characters ('xxx");
        assertExactError(s, Map.of("q", Map.of("text", "sparkles glitter"), "c", none),
                "mmr.search: none of the query's tags [] or words of its text 'sparkles glitter' is in the graph");
        assertExactError(s, Map.of("q", Map.of("id", QUERY_ID, "without", List.of("y".repeat(201))), "c", none),
                "mmr.search: 'without' holds a tag of 201 characters");
        assertExactError(s, Map.of("q", Map.of("id", QUERY_ID), "c", Map.of("withoutWeight", -1)),
                "mmr.search: 'withoutWeight' must be a number from 0.0 to 10.0, got -1");
        assertExactError(s, Map.of("q", Map.of("id", QUERY_ID), "c", Map.of("dislikeWeight", "lots")),
                "mmr.search: 'dislikeWeight' must be a number from 0.0 to 10.0, got 'lots'");
    }

    @Test
    void explainSplitsTheScoreExactlyAndShowsPaths() {
        for (Map<String, Object> query : List.of(Map.<String, Object>of("id", QUERY_ID, "tags", List.of("sea", "animal")),
                Map.<String, Object>of("id", QUERY_ID, "without", List.of("fish"), "liked", List.of("twitter:1f40e"),
                        "disliked", List.of("google:1f40e")),
                Map.<String, Object>of("tags", List.of("animal", "nature")))) {
            String before = checksum();
            List<Map<String, Object>> top = rows("CALL mmr.search($q, {k: 3}) YIELD image, score RETURN image.id AS id, score",
                    Map.of("q", query));
            for (Map<String, Object> hit : top) {
                List<Map<String, Object>> story = rows("CALL mmr.explain($q, $id) YIELD rank, kind, node, contribution, attribution, "
                        + "path, hops, score, imageSide RETURN *", Map.of("q", query, "id", hit.get("id")));
                assertThat(story).isNotEmpty();
                double score = (Double) story.get(0).get("score");
                assertThat(score).as("as mmr.search scores it").isCloseTo((Double) hit.get("score"), within(1e-5));
                // the exact parts (one row per part, however many paths it has) and the image side sum to the score
                Map<Object, Double> exact = new java.util.HashMap<>();
                for (Map<String, Object> r : story) {
                    if ("exact".equals(r.get("attribution"))) {
                        exact.put(r.get("rank"), (Double) r.get("contribution"));
                    }
                    List<Map<String, Object>> path = (List<Map<String, Object>>) r.get("path");
                    if (path != null) {
                        assertThat(path.get(0)).containsEntry("label", "Query");
                        assertThat(path.get(path.size() - 1)).containsEntry("id", hit.get("id"));
                        assertThat((Long) r.get("hops")).isBetween(1L, 3L).isEqualTo(path.size() - 1L);
                    }
                }
                double sum = exact.values().stream().mapToDouble(Double::doubleValue).sum() + (Double) story.get(0).get("imageSide");
                assertThat(sum).as("parts of " + hit.get("id") + " for " + query).isCloseTo(score, within(1e-4));
            }
            assertThat(checksum()).isEqualTo(before);
        }
        List<Map<String, Object>> story = rows("CALL mmr.explain({id: $id}, 'twitter:1f42c') YIELD kind, attribution, path "
                + "RETURN *", Map.of("id", QUERY_ID));
        assertThat(story).anySatisfy(r -> assertThat(r).containsEntry("kind", "attachedImage").containsEntry("attribution", "leave-one-out"));
        assertThat(story).anySatisfy(r -> assertThat(r).containsEntry("kind", "queryTag"));
        assertExactError("CALL mmr.explain({id: $id}, 'nope:0')", Map.of("id", QUERY_ID), "mmr.explain: there is no Image with id 'nope:0'");
        assertExactError("MATCH (t:Tag {name: 'sea'}) CALL mmr.explain({id: $id}, t) YIELD rank RETURN rank", Map.of("id", QUERY_ID),
                "mmr.explain: 'image' must be an Image node or id, got a node labelled ['Tag']");
        assertExactError("CALL mmr.explain({id: $id}, 42)", Map.of("id", QUERY_ID), "mmr.explain: 'image' must be an Image node or id, got 42");
    }

    @Test
    void rerankPropagatesScoresOverTheCandidatesGraph() {
        String before = checksum();
        List<Map<String, Object>> candidates = rows("CALL mmr.search({tags: ['animal']}, {k: 20}) YIELD image, rank "
                + "RETURN image.id AS image, 1.0 / rank AS score", Map.of());
        List<Map<String, Object>> r = rows("CALL mmr.rerank($c) YIELD image, score, rank, initialRank "
                + "RETURN image.id AS id, score, rank, initialRank", Map.of("c", candidates));
        assertThat(r).hasSize(20);
        assertThat(r).extracting(m -> m.get("rank")).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
        assertThat(r).extracting(m -> m.get("initialRank")).containsExactlyInAnyOrderElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
        for (Map<String, Object> m : r) {   // initialRank is the candidate's place in the input (sorted by score)
            assertThat(candidates.get(((Long) m.get("initialRank")).intValue() - 1).get("image")).isEqualTo(m.get("id"));
        }
        assertThat(rows("CALL mmr.rerank($c) YIELD image RETURN image.id AS id", Map.of("c", candidates)))
                .extracting(m -> m.get("id")).isEqualTo(r.stream().map(m -> m.get("id")).toList());   // deterministic
        List<Object> unchanged = rows("CALL mmr.rerank($c, {steps: 0}) YIELD image RETURN image.id AS id", Map.of("c", candidates))
                .stream().map(m -> m.get("id")).toList();
        assertThat(unchanged).isEqualTo(candidates.stream().map(m -> m.get("image")).toList());
        assertThat(rows("CALL mmr.rerank($c, {edges: 'similar', vectors: 'embedding'}) YIELD image RETURN image", Map.of("c", candidates)))
                .hasSize(20);
        assertThat(rows("CALL mmr.rerank($c, {edges: 'tags'}) YIELD image RETURN image", Map.of("c", candidates))).hasSize(20);
        assertThat(checksum()).isEqualTo(before);

        String s = "CALL mmr.rerank($c, $cfg)";
        Map<String, Object> ok = Map.of("image", QUERY_ID, "score", 1.0);
        assertExactError(s, Map.of("c", List.of(), "cfg", Map.of()), "mmr.rerank: 'candidates' is empty; give 1 to 1000 maps {image: node or id, score: number}");
        assertExactError(s, Map.of("c", java.util.Collections.nCopies(1001, ok), "cfg", Map.of()), "mmr.rerank: 'candidates' holds 1001; one call takes at most 1000");
        assertExactError(s, Map.of("c", List.of(ok, ok), "cfg", Map.of()), "mmr.rerank: candidates 1 and 2 are the same image 'google:1fabd'; give each image once");
        assertExactError(s, Map.of("c", List.of(Map.of("image", "nope:0", "score", 1.0)), "cfg", Map.of()), "mmr.rerank: candidate 1 names no Image with id 'nope:0'");
        assertExactError(s, Map.of("c", List.of(Map.of("image", QUERY_ID, "score", Double.NaN)), "cfg", Map.of()), "mmr.rerank: candidate 1's 'score' must be a finite number, got NaN");
        assertExactError(s, Map.of("c", List.of(Map.of("image", QUERY_ID)), "cfg", Map.of()), "mmr.rerank: candidate 1's 'score' must be a finite number, got null");
        assertExactError(s, Map.of("c", List.of("x"), "cfg", Map.of()), "mmr.rerank: candidate 1 must be a map {image, score}, got 'x'");
        assertExactError(s, Map.of("c", List.of(ok), "cfg", Map.of("alpha", 1.0)), "mmr.rerank: 'alpha' must be a number from 0.0 to 0.99, got 1.0");
        assertExactError(s, Map.of("c", List.of(ok), "cfg", Map.of("edges", "all")), "mmr.rerank: 'edges' must be one of 'knn', 'similar', 'both', 'tags', got 'all'");
        assertExactError("MATCH (t:Tag {name: 'sea'}) CALL mmr.rerank([{image: t, score: 1}]) YIELD rank RETURN rank", Map.of(),
                "mmr.rerank: candidate 1's 'image' is not an Image node (labels ['Tag'])");
    }

    // ---------------------------------------------------------------- geodesic (paper 004)

    @Test
    void pathIsTheCheapestChainOfSmallSteps() {
        String before = checksum();
        Map<String, Object> r = rows("CALL mmr.path($a, $b) YIELD found, nodes, steps, cost, hops, message "
                + "RETURN found, [n IN nodes | coalesce(n.id, n.name)] AS names, steps, cost, hops, message",
                Map.of("a", QUERY_ID, "b", "twitter:1f0cf")).get(0);
        assertThat(r.get("found")).isEqualTo(true);
        assertThat(r.get("message")).isNull();
        List<String> names = (List<String>) r.get("names");
        List<Map<String, Object>> steps = (List<Map<String, Object>>) r.get("steps");
        assertThat(names.get(0)).isEqualTo(QUERY_ID);
        assertThat(names.get(names.size() - 1)).isEqualTo("twitter:1f0cf");
        assertThat(steps).hasSize(names.size() - 1);
        assertThat(((Number) r.get("hops")).intValue()).isEqualTo(steps.size());
        double sum = 0;
        for (int i = 0; i < steps.size(); i++) {
            Map<String, Object> step = steps.get(i);
            double cost = ((Number) step.get("cost")).doubleValue();
            assertThat(cost).isCloseTo(1 - ((Number) step.get("cosine")).doubleValue(), within(1e-9));
            assertThat(((Map<String, Object>) step.get("to")).values()).contains(names.get(i + 1));
            sum += cost;
        }
        assertThat((Double) r.get("cost")).isCloseTo(sum, within(1e-6));
        // no path of at most two hops is cheaper (checked independently, in Cypher)
        Double twoHops = (Double) rows("MATCH p = (a:Image {id: $a})-[:SIMILAR|TAGGED*1..2]-(b:Image {id: $b}) "
                + "RETURN min(reduce(c = 0.0, r IN relationships(p) | c + 2 - 2 * vector.similarity.cosine(startNode(r).embedding, "
                + "endNode(r).embedding))) AS c", Map.of("a", QUERY_ID, "b", "twitter:1f0cf")).get(0).get("c");
        if (twoHops != null) {   // Neo4j's cosine similarity is (1 + cos) / 2: 1 − cos = 2 − 2·sim
            assertThat((Double) r.get("cost")).isLessThanOrEqualTo(twoHops + 1e-6);
        }
        // through images only: no Tag on the path; tags gained and lost are named on image steps
        Map<String, Object> images = rows("CALL mmr.path($a, $b, {imagesOnly: true, maxHops: 20}) YIELD found, nodes, steps "
                + "RETURN found, [n IN nodes WHERE n:Tag] AS tags, steps", Map.of("a", QUERY_ID, "b", "twitter:1f0cf")).get(0);
        if (Boolean.TRUE.equals(images.get("found"))) {
            assertThat((List<?>) images.get("tags")).isEmpty();
            assertThat((List<Map<String, Object>>) images.get("steps")).allSatisfy(st -> assertThat(st.get("relationship")).isEqualTo("SIMILAR"));
        }
        // an image and a tag, on features
        Map<String, Object> toTag = rows("CALL mmr.path($a, {tag: 'animal'}, {vectors: 'features'}) YIELD found, nodes "
                + "RETURN found, last(nodes).name AS last", Map.of("a", QUERY_ID)).get(0);
        assertThat(toTag).containsEntry("found", true).containsEntry("last", "animal");
        assertThat(checksum()).isEqualTo(before);
    }

    @Test
    void pathSaysWhenThereIsNoneWithinTheBoundsAndNamesBadInput() {
        // the image least like the query image: no SIMILAR edge joins them
        String far = (String) rows("MATCH (a:Image {id: $a}), (b:Image) WHERE a <> b AND NOT (a)-[:SIMILAR]-(b) "
                + "RETURN b.id AS id ORDER BY vector.similarity.cosine(a.embedding, b.embedding), b.id LIMIT 1",
                Map.of("a", QUERY_ID)).get(0).get("id");
        Map<String, Object> none = rows("CALL mmr.path($a, $b, {maxHops: 1}) YIELD found, nodes, steps, cost, message "
                + "RETURN found, nodes, steps, cost, message", Map.of("a", QUERY_ID, "b", far)).get(0);
        assertThat(none.get("found")).isEqualTo(false);
        assertThat(none.get("nodes")).isNull();
        assertThat(none.get("cost")).isNull();
        assertThat((String) none.get("message")).startsWith("no path from Image 'google:1fabd' to Image '" + far + "' within 1 hop (");
        String s = "CALL mmr.path($a, $b, $c)";
        assertExactError(s, Map.of("a", QUERY_ID, "b", QUERY_ID, "c", Map.of()),
                "mmr.path: 'from' and 'to' are the same node Image 'google:1fabd'; give two different nodes");
        assertExactError(s, Map.of("a", "nope:0", "b", QUERY_ID, "c", Map.of()), "mmr.path: there is no Image with id 'nope:0'");
        assertExactError(s, Map.of("a", QUERY_ID, "b", Map.of("tag", "no-such-tag"), "c", Map.of()),
                "mmr.path: there is no Tag named 'no-such-tag'");
        assertExactError(s, Map.of("a", 42L, "b", QUERY_ID, "c", Map.of()),
                "mmr.path: 'from' got 42 (Integer); accepted: an Image or Tag node, an Image id, {image: id} or {tag: name}");
        assertExactError("MATCH (c:MmrCatalog) CALL mmr.path(c, $b) YIELD found RETURN found", Map.of("b", QUERY_ID),
                "mmr.path: 'from' is a node labelled ['MmrCatalog']; accepted:");
        assertExactError(s, Map.of("a", QUERY_ID, "b", Map.of("tag", "animal"), "c", Map.of("imagesOnly", true)),
                "mmr.path: 'to' is the Tag 'animal', but imagesOnly: true walks through images only");
        assertExactError(s, Map.of("a", QUERY_ID, "b", "twitter:1f0cf", "c", Map.of("maxHops", 21L)),
                "mmr.path: 'maxHops' must be an integer from 1 to 20, got 21");
        assertExactError(s, Map.of("a", QUERY_ID, "b", "twitter:1f0cf", "c", Map.of("maxExpanded", 0L)),
                "mmr.path: 'maxExpanded' must be an integer from 1 to 100000, got 0");
        assertExactError(s, Map.of("a", QUERY_ID, "b", "twitter:1f0cf", "c", Map.of("vectors", "pixels")),
                "mmr.path: 'vectors' must be one of 'embedding', 'features', got 'pixels'");
        assertExactError(s, Map.of("a", QUERY_ID, "b", far, "c", Map.of("maxExpanded", 2L, "maxHops", 20L)),
                "mmr.path: gave up after expanding 2 nodes (maxExpanded) without reaching Image '" + far + "' from Image "
                        + "'google:1fabd'; raise maxExpanded (at most 100000) or lower maxHops");
    }

    @Test
    void geodesicSearchRanksAlongTheGraphAndFallsBackToCosineBeyondItsBounds() {
        String before = checksum();
        List<Map<String, Object>> r = rows("CALL mmr.search({id: $id}, {distance: 'geodesic', k: 10}) "
                + "YIELD image, rank, rankedBy, geodesic, hops RETURN image.id AS id, rank, rankedBy, geodesic, hops",
                Map.of("id", QUERY_ID));
        assertThat(r).hasSize(10);
        assertThat(r).extracting(m -> m.get("id")).doesNotContain(QUERY_ID).doesNotHaveDuplicates();
        double last = 0;
        for (Map<String, Object> m : r) {
            assertThat(m.get("rankedBy")).isEqualTo("geodesic");
            double d = (Double) m.get("geodesic");
            assertThat(d).isGreaterThanOrEqualTo(last);
            assertThat((Long) m.get("hops")).isBetween(1L, 4L);
            last = d;
        }
        // one hop: only the attachments are reached; the rest come by cosine, after them, and say so
        List<Map<String, Object>> near = rows("CALL mmr.search({id: $id}, {distance: 'geodesic', k: 20, maxHops: 1, connect: 'images'}) "
                + "YIELD image, rankedBy, geodesic, hops RETURN image.id AS id, rankedBy, geodesic, hops", Map.of("id", QUERY_ID));
        assertThat(near).hasSize(20).extracting(m -> m.get("id")).doesNotHaveDuplicates();
        List<Object> attached = rows("CALL mmr.attach({id: $id}, {connect: 'images'}) YIELD images "
                + "UNWIND images AS i RETURN i.id AS id", Map.of("id", QUERY_ID)).stream().map(m -> m.get("id")).toList();
        List<Map<String, Object>> geo = near.stream().filter(m -> m.get("rankedBy").equals("geodesic")).toList();
        assertThat(geo).extracting(m -> m.get("id")).containsExactlyInAnyOrderElementsOf(attached);
        assertThat(near.subList(0, geo.size())).isEqualTo(geo);
        assertThat(near.subList(geo.size(), 20)).allSatisfy(m -> {
            assertThat(m.get("rankedBy")).isEqualTo("cosine");
            assertThat(m.get("geodesic")).isNull();
            assertThat(m.get("hops")).isNull();
        });
        // a keyword query walks from the tag: its first results carry it (two hops: query → tag → image)
        Map<String, Object> first = rows("CALL mmr.search({tags: ['animal']}, {distance: 'geodesic', k: 3}) YIELD image, hops "
                + "RETURN image, hops, exists((image)-[:TAGGED]->(:Tag {name: 'animal'})) AS carries LIMIT 1", Map.of()).get(0);
        assertThat(first).containsEntry("hops", 2L).containsEntry("carries", true);
        // by default ('auto') a query with an image ranks by cosine, and says so; one without, along the graph
        assertThat(rows("CALL mmr.search({id: $id}) YIELD rankedBy RETURN DISTINCT rankedBy", Map.of("id", QUERY_ID)))
                .containsExactly(Map.of("rankedBy", "cosine"));
        assertThat(rows("CALL mmr.search({tags: ['animal']}) YIELD rankedBy RETURN DISTINCT rankedBy", Map.of()))
                .containsExactly(Map.of("rankedBy", "geodesic"));
        assertThat(rows("CALL mmr.search({tags: ['animal']}, {distance: 'cosine'}) YIELD rankedBy RETURN DISTINCT rankedBy", Map.of()))
                .containsExactly(Map.of("rankedBy", "cosine"));
        assertThat(rows("CALL mmr.search({id: $id}, {distance: 'geodesic', imagesOnly: true}) YIELD hops RETURN hops",
                Map.of("id", QUERY_ID))).hasSize(10);
        assertThat(checksum()).isEqualTo(before);
        String s = "CALL mmr.search({id: $id}, $c)";
        assertExactError(s, Map.of("id", QUERY_ID, "c", Map.of("distance", "euclid")),
                "mmr.search: 'distance' must be one of 'auto', 'cosine', 'geodesic', got 'euclid'");
        assertExactError(s, Map.of("id", QUERY_ID, "c", Map.of("maxHops", 3L, "distance", "cosine")),
                "mmr.search: 'maxHops' applies to distance 'geodesic' or 'auto' only");
        assertExactError(s, Map.of("id", QUERY_ID, "c", Map.of("distance", "geodesic", "maxExpanded", 100_001L)),
                "mmr.search: 'maxExpanded' must be an integer from 1 to 100000, got 100001");
    }
}
