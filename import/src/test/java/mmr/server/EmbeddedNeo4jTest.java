package mmr.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import mmr.cli.Main;
import mmr.model.tag.TagNames;
import mmr.procedures.testing.EmojiFixture;

/** The runner's database: Bolt, Neo4j Browser over HTTP, GDS and mmr procedures, persistence. */
class EmbeddedNeo4jTest {
    @TempDir
    Path home;

    @Test
    void servesBoltAndBrowserWithGdsAndMmrProcedures() throws Exception {
        int bolt = freePort();
        int http = freePort();
        try (EmbeddedNeo4j neo4j = EmbeddedNeo4j.start(home, bolt, http)) {
            HttpResponse<String> page = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/browser/")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Neo4j Browser");

            try (Driver driver = GraphDatabase.driver("bolt://127.0.0.1:" + bolt, AuthTokens.none());
                 Session session = driver.session()) {
                assertThat(session.run("RETURN gds.version() AS v").single().get("v").asString()).startsWith("2.13");
                assertThat(session.run("CALL mmr.catalog.info() YIELD images RETURN images").single().get("images").asLong()).isZero();
                session.run("CREATE (:Image {id: 'kept'})").consume();
            }
        }
        try (EmbeddedNeo4j again = EmbeddedNeo4j.start(home, EmbeddedNeo4j.OFF, EmbeddedNeo4j.OFF)) {
            long kept = again.db().executeTransactionally("MATCH (i:Image {id: 'kept'}) RETURN count(i) AS n",
                    Map.of(), r -> (Long) r.next().get("n"));
            assertThat(kept).as("the database persists between runs").isEqualTo(1);
            // Vector indexes are written with large Lucene buffers (one segment, not dozens): Neo4j's defaults are 1 and 16 MB.
            org.neo4j.configuration.Config config = ((org.neo4j.kernel.internal.GraphDatabaseAPI) again.db())
                    .getDependencyResolver().resolveDependency(org.neo4j.configuration.Config.class);
            assertThat(config.get(org.neo4j.kernel.api.impl.index.LuceneSettings.vector_population_ram_buffer_size))
                    .isBetween(64.0, 1024.0);
            assertThat(config.get(org.neo4j.kernel.api.impl.index.LuceneSettings.lucene_standard_ram_buffer_size))
                    .isBetween(64.0, 1024.0);
            // `file` sources are confined to <home>/import, not the home with its logs and store files.
            assertThat(config.get(org.neo4j.configuration.GraphDatabaseSettings.load_csv_file_url_root))
                    .isEqualTo(home.toAbsolutePath().normalize().resolve("import"));
            // a second start on a folder in use names the reason, not only "Error starting Neo4j database server"
            assertThatThrownBy(() -> EmbeddedNeo4j.start(home, EmbeddedNeo4j.OFF, EmbeddedNeo4j.OFF))
                    .hasMessage("the database in " + home.toAbsolutePath().normalize() + " is in use by another process (another mmr "
                            + "serve, import or a Neo4j server on the same folder); stop it, or use another folder");
        }
    }

    @Test
    void serveSaysWhatAnUntaggedCatalogLacksInsteadOfFailingInTraining() throws Exception {
        Path fixture = EmojiFixture.manifest();
        Path untagged = home.resolve("untagged/manifest.jsonl");
        Files.createDirectories(untagged.getParent());
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(fixture)) {
            ObjectNode row = (ObjectNode) new ObjectMapper().readTree(line);
            row.remove("tags");
            row.put("path", fixture.getParent().resolve(row.get("path").asText()).toString());
            lines.add(row.toString());
        }
        Files.write(untagged, lines);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "serve", "--home", home.resolve("untagged-db").toString(),
                "--bolt-port", "" + freePort(), "--http-port", "" + freePort(), "--manifest", untagged.toString(), "--exit-after-build");
        assertThat(code).isEqualTo(Main.EXIT_USAGE);
        assertThat(out.toString()).contains("Imported 120 image(s)").doesNotContain("Training GraphSAGE");
        assertThat(err.toString()).contains("mmr: the catalog's 120 images have no tags, and mmr's model is trained on images' tags: "
                + "give the images their \"tags\" in the manifest and build again with --rebuild");
    }

    @Test
    void serveBuildsTheGraphOnFirstRunAndReusesItAfter() throws Exception {
        Path fixture = EmojiFixture.manifest();
        String[] args = {"serve", "--home", home.resolve("neo4j").toString(), "--bolt-port", "" + freePort(),
                "--http-port", "" + freePort(), "--manifest", fixture.toString(), "--exit-after-build"};
        StringWriter out = new StringWriter();
        assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), args)).isZero();
        assertThat(out.toString()).contains("Imported 120 image(s)")
                .containsPattern("Trained model default version 1 on \\d+ nodes")
                .containsPattern("Graph: 120 images, \\d+ tags, \\d+ TAGGED, \\d+ SIMILAR edges; encoder fused:descriptor:512:0.5:"
                        + "tfjs-mobilenet_v2_mid-expanded_conv_16_project_batchnorm_fusedbatchnormv3-128:448:0.5/960/")
                .contains("/browser/");
        StringWriter second = new StringWriter();
        assertThat(Main.run(new PrintWriter(second, true), new PrintWriter(new StringWriter(), true), args)).isZero();
        assertThat(second.toString()).contains("Using the existing graph").doesNotContain("Imported")
                .contains("Using model 'default' version 1");
        // the closing examples use the catalog's own first image and the one of its tags most images carry
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(fixture)) {
            records.add(new ObjectMapper().readTree(line));
        }
        JsonNode first = records.stream().min(Comparator.comparing(r -> r.get("id").asText()))
                .orElseThrow();
        Map<String, Long> carriers = new HashMap<>();
        records.forEach(r -> r.get("tags").forEach(t -> carriers.merge(TagNames.normalise(t.asText()), 1L, Long::sum)));
        String commonest = StreamSupport.stream(first.get("tags").spliterator(), false)
                .map(t -> TagNames.normalise(t.asText()))
                .min(Comparator.<String, Long>comparing(carriers::get).reversed().thenComparing(t -> t)).orElseThrow();
        assertThat(second.toString()).contains("CALL mmr.search({id: '" + first.get("id").asText() + "'}")
                .contains("CALL mmr.search({tags: ['" + commonest + "']})");

        // another manifest against this database: refused with the choices, nothing served
        Path other = home.resolve("other").resolve("manifest.jsonl");
        Files.createDirectories(other.getParent());
        Files.copy(fixture, other);
        String[] otherArgs = args.clone();
        otherArgs[8] = other.toString();
        StringWriter third = new StringWriter();
        StringWriter thirdErr = new StringWriter();
        assertThat(Main.run(new PrintWriter(third, true), new PrintWriter(thirdErr, true), otherArgs)).isEqualTo(Main.EXIT_USAGE);
        assertThat(thirdErr.toString()).contains("was built from " + fixture.toAbsolutePath().normalize() + ", not from "
                + other.toAbsolutePath().normalize()).contains("--rebuild").contains("another --home");
        assertThat(third.toString()).doesNotContain("Graph:");
    }

    /**
     * The portable model after a real restart: GDS's model catalog is empty, yet the stored model
     * reproduces every embedding GDS wrote at training (sample sizes above every degree, so
     * neighbour sampling cannot differ).
     */
    @Test
    void storedModelReproducesTrainingEmbeddingsAfterARestartAndServesReadOnly() throws Exception {
        Path fixture = EmojiFixture.manifest();
        Path db = home.resolve("neo4j");
        assertThat(Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true),
                "import", "--db-dir", db.toString(), "--manifest", fixture.toString(), "--tag-init", "centroid", "--quiet")).isZero();
        Map<String, float[]> trained = new HashMap<>();
        try (EmbeddedNeo4j neo4j = EmbeddedNeo4j.start(db, EmbeddedNeo4j.OFF, EmbeddedNeo4j.OFF)) {
            long maxDegree = neo4j.db().executeTransactionally("MATCH (n) WHERE n:Image OR n:Tag "
                    + "RETURN max(COUNT { (n)-[:SIMILAR|TAGGED]-() }) AS d", Map.of(), r -> (Long) r.next().get("d"));
            assertThat(maxDegree).isLessThan(300);
            neo4j.db().executeTransactionally("CALL mmr.train({trainer: 'gds', sampleSizes: [300, 300], epochs: 1, maxIterations: 3})",
                    Map.of(), r -> r.resultAsString());
            neo4j.db().executeTransactionally("MATCH (n) WHERE n:Image OR n:Tag RETURN elementId(n) AS id, n.embedding AS e",
                    Map.of(), r -> {
                        r.forEachRemaining(row -> trained.put((String) row.get("id"), (float[]) row.get("e")));
                        return null;
                    });
        }
        assertThat(trained).hasSizeGreaterThan(120);
        try (EmbeddedNeo4j again = EmbeddedNeo4j.start(db, EmbeddedNeo4j.OFF, EmbeddedNeo4j.OFF)) {
            long gdsModels = again.db().executeTransactionally("CALL gds.model.list() YIELD modelInfo RETURN count(*) AS n",
                    Map.of(), r -> (Long) r.next().get("n"));
            assertThat(gdsModels).as("GDS keeps no model across a restart").isZero();
            again.db().executeTransactionally("MATCH (n) WHERE n:Image OR n:Tag WITH collect(n) AS ns CALL mmr.embed(ns) "
                    + "YIELD nodes RETURN nodes", Map.of(), r -> r.resultAsString());
            again.db().executeTransactionally("MATCH (n) WHERE n:Image OR n:Tag RETURN elementId(n) AS id, n.embedding AS e",
                    Map.of(), r -> {
                        r.forEachRemaining(row -> {
                            float[] before = trained.get((String) row.get("id"));
                            float[] after = (float[]) row.get("e");
                            assertThat(mmr.model.vector.Vectors.cosine(before, after)).as("node %s", row.get("id"))
                                    .isGreaterThanOrEqualTo(0.99999);
                            for (int i = 0; i < after.length; i++) {
                                assertThat(after[i]).isCloseTo(before[i], org.assertj.core.api.Assertions.within(1e-5f));
                            }
                        });
                        return null;
                    });
        }
        // Search on a read-only database: it answers, and a write there is refused.
        try (EmbeddedNeo4j readOnly = EmbeddedNeo4j.start(db, EmbeddedNeo4j.OFF, EmbeddedNeo4j.OFF, true)) {
            readOnly.db().executeTransactionally("CALL db.awaitIndexes(300)");
            long hits = readOnly.db().executeTransactionally("CALL mmr.search({id: 'google:1f42c', tags: ['sea']}, {k: 5}) "
                    + "YIELD image RETURN count(image) AS n", Map.of(), r -> (Long) r.next().get("n"));
            assertThat(hits).isEqualTo(5);
            long tags = readOnly.db().executeTransactionally("CALL mmr.predictTags({id: 'google:1f42c'}, {k: 3}) "
                    + "YIELD name RETURN count(name) AS n", Map.of(), r -> (Long) r.next().get("n"));
            assertThat(tags).isEqualTo(3);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> readOnly.db().executeTransactionally("CREATE (:Probe)"))
                    .hasMessageContaining("read-only");
        }
    }

    @Test
    void aBusyPortIsNamed() throws Exception {
        try (ServerSocket busy = new ServerSocket(0)) {
            StringWriter err = new StringWriter();
            int code = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                    "serve", "--home", home.toString(), "--bolt-port", "" + busy.getLocalPort(), "--exit-after-build");
            assertThat(code).isEqualTo(Main.EXIT_USAGE);
            assertThat(err.toString()).contains("port " + busy.getLocalPort() + " on localhost is in use")
                    .contains("choose another with --bolt-port");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
