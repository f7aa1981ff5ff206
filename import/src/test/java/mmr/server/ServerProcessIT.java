package mmr.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;
import org.neo4j.driver.exceptions.AuthenticationException;
import org.neo4j.driver.exceptions.ClientException;

import mmr.cli.Main;
import mmr.ingest.graph.SchemaFile;

/**
 * Issue 22: the plugin jar installed the way a user installs it, in a Neo4j 5.26 server running as its
 * own JVM — authentication on, the install guide's neo4j.conf lines, import/kNN/train over Bolt with the
 * CLI, search through the driver, the explorer behind auth, restart, dump and load into a second home
 * without GDS, a stored model from another format, and the uninstall script. On failure the server's
 * logs are in the message.
 */
class ServerProcessIT {
    private static final String PASSWORD = "mmr-secret-1";
    private static final Path FIXTURE = Path.of("../procedures/src/test/resources/fixture/emoji").toAbsolutePath().normalize();
    private static final Path WEBP = Path.of("../model/src/test/resources/images/circle-lossy.webp").toAbsolutePath().normalize();
    private static final Path CMYK_JPEG = Path.of("../model/src/test/resources/images/drawing-cmyk.jpg").toAbsolutePath().normalize();
    private static final Path TINY_TFJS = Path.of("../model/src/test/resources/tfjs/tiny").toAbsolutePath().normalize();
    private static final String QUERY_ID = "google:1fabd";

    @TempDir
    Path dir;
    private final List<ServerProcess> running = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (ServerProcess s : running) {
            s.close();
        }
    }

    @Test
    void installedAsTheGuideSaysItServesRestartsAndMovesByDumpAndLoad() throws Exception {
        Path lib = requiredPath("mmr.server.lib");
        Path plugin = requiredPath("mmr.plugin.jar");
        Path gds = requiredPath("mmr.gds.plugin");
        assertNoClassTwice(lib, gds);
        List<String> guideConf = InstallGuide.neo4jConf(Path.of("../docs/install.md"));

        ServerProcess.Home a = ServerProcess.Home.assemble(dir.resolve("a"), lib, List.of(plugin, gds), guideConf);
        copyTree(FIXTURE.resolve("img"), a.dir().resolve("mmr/images/img"));
        copyTree(TINY_TFJS, a.dir().resolve("mmr/models/tiny"));
        ServerProcess.admin(a, "dbms", "set-initial-password", PASSWORD);
        ServerProcess serverA = start(a);
        try {
            assertThatThrownBy(() -> {
                try (Driver wrong = GraphDatabase.driver(a.boltUri(), AuthTokens.basic("neo4j", "wrong-password"))) {
                    wrong.verifyConnectivity();
                }
            }).isInstanceOf(AuthenticationException.class);

            String encoder = "descriptor+tfjs:" + TINY_TFJS + "/gap";
            // a routing URI, as a cluster's clients use: a single Community server routes to itself
            String routing = a.boltUri().replace("bolt://", "neo4j://");
            cli("import", "--uri", routing, "--user", "neo4j", "--password", PASSWORD, "--manifest",
                    FIXTURE.resolve("manifest.jsonl").toString(), "--encoder", encoder, "--no-knn");
            cli("knn", "--uri", a.boltUri(), "--user", "neo4j", "--password", PASSWORD);
            cli("train", "--uri", routing, "--user", "neo4j", "--password", PASSWORD, "--epochs", "3");

            Map<String, Object> before;
            Map<String, Object> info;
            try (Driver driver = driver(a); Session s = driver.session()) {
                before = answers(s);
                try (Driver routed = GraphDatabase.driver(routing, AuthTokens.basic("neo4j", PASSWORD));
                     Session r = routed.session()) {
                    // a read transaction, which a cluster's driver routes to a secondary
                    Map<String, Object> routedAnswers = r.executeRead(tx -> answers(tx));
                    assertThat(routedAnswers).isEqualTo(before);
                }
                info = s.run("CALL mmr.model.info() YIELD name, version, trainer, formatVersion, encoder, embeddingDimension "
                        + "RETURN name, version, trainer, formatVersion, encoder, embeddingDimension").single().asMap();
                assertThat(info).containsEntry("trainer", "djl").containsEntry("formatVersion", 1L);
                assertThat(s.run("CALL mmr.search({bytes: $b}, {k: 3}) YIELD image RETURN count(*) AS n",
                        Map.of("b", Files.readAllBytes(FIXTURE.resolve("img/google/64/1fabd.png")))).single().get("n").asLong())
                        .isEqualTo(3);
                // WebP and CMYK JPEG: their readers, shaded into the plugin jar, are found by ImageIO's service
                // lookup in the server process (without the CMYK reader the JPEG would be refused)
                for (Path image : List.of(WEBP, CMYK_JPEG)) {
                    assertThat(s.run("CALL mmr.search({bytes: $b}, {k: 3}) YIELD image RETURN count(*) AS n",
                            Map.of("b", Files.readAllBytes(image))).single().get("n").asLong()).as(image.toString()).isEqualTo(3);
                }

                // Upgrade: a model stored before mmr recorded its format is read as format 1; a newer format is refused by name.
                s.run("MATCH (m:MmrModel) REMOVE m.formatVersion").consume();
                assertThat(answers(s)).isEqualTo(before);
                s.run("MATCH (m:MmrModel) SET m.formatVersion = 2").consume();
                assertThatThrownBy(() -> s.run("CALL mmr.search({id: $id})", Map.of("id", QUERY_ID)).consume())
                        .isInstanceOf(ClientException.class)
                        .hasMessageContaining("is stored in format 2, which this mmr plugin (format 1) cannot read")
                        .hasMessageContaining("CALL mmr.train()");
                s.run("MATCH (m:MmrModel) SET m.formatVersion = 1").consume();
            }

            HttpClient http = HttpClient.newHttpClient();
            assertThat(get(http, a, "/mmr/", null).statusCode()).isEqualTo(401);
            assertThat(get(http, a, "/mmr/api/info", null).statusCode()).isEqualTo(401);
            assertThat(get(http, a, "/mmr/api/thumb/" + QUERY_ID, null).statusCode()).isEqualTo(401);
            assertThat(get(http, a, "/mmr/", PASSWORD).statusCode()).isEqualTo(200);
            HttpResponse<byte[]> apiInfo = get(http, a, "/mmr/api/info", PASSWORD);
            assertThat(apiInfo.statusCode()).isEqualTo(200);
            assertThat(new String(apiInfo.body(), StandardCharsets.UTF_8)).contains("\"trainer\":\"djl\"");
            HttpResponse<byte[]> thumb = get(http, a, "/mmr/api/thumb/" + QUERY_ID, PASSWORD);
            assertThat(thumb.statusCode()).isEqualTo(200);
            assertThat(thumb.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("image/"));
            assertThat(get(http, a, "/mmr/api/thumb/nope:0", PASSWORD).statusCode()).isEqualTo(404);

            // Restart: SIGTERM, a clean stop, the same answers from the stored model, and the first image query's latency.
            assertThat(serverA.stop(60)).as("exit code after SIGTERM").isIn(0, 143);
            assertThat(Files.readString(a.dir().resolve("logs/console.log"))).contains("Stopped.");
            serverA = start(a);
            try (Driver driver = driver(a); Session s = driver.session()) {
                long t0 = System.nanoTime();
                s.run("CALL mmr.search({bytes: $b}, {k: 10})", Map.of("b", Files.readAllBytes(FIXTURE.resolve("img/twitter/64/1fabd.png"))))
                        .consume();
                System.out.printf("ServerProcessIT: first image query after a restart %.0f ms%n", (System.nanoTime() - t0) / 1e6);
                assertThat(answers(s)).as("the same ids and scores after a restart").isEqualTo(before);
            }

            // Dump, then load into a second home whose plugins/ holds mmr only (no GDS) and whose models_root is empty.
            assertThat(serverA.stop(60)).isIn(0, 143);
            Path dumps = Files.createDirectories(dir.resolve("dumps"));
            ServerProcess.admin(a, "database", "dump", "neo4j", "--to-path=" + dumps);
            ServerProcess.Home b = ServerProcess.Home.assemble(dir.resolve("b"), lib, List.of(plugin), guideConf);
            copyTree(FIXTURE.resolve("img"), b.dir().resolve("mmr/images/img"));
            Files.createDirectories(b.dir().resolve("mmr/models"));
            ServerProcess.admin(b, "database", "load", "neo4j", "--from-path=" + dumps, "--overwrite-destination=true");
            ServerProcess.admin(b, "dbms", "set-initial-password", PASSWORD);
            start(b);
            try (Driver driver = driver(b); Session s = driver.session()) {
                Map<String, Object> loaded = answers(s);
                assertSameAnswers(loaded, before);
                assertThat(s.run("CALL mmr.model.info() YIELD name, version, trainer, formatVersion, encoder, embeddingDimension "
                        + "RETURN name, version, trainer, formatVersion, encoder, embeddingDimension").single().asMap()).isEqualTo(info);
                assertThatThrownBy(() -> s.run("CALL mmr.search({bytes: $b})",
                        Map.of("b", Files.readAllBytes(FIXTURE.resolve("img/google/64/1fabd.png")))).consume())
                        .isInstanceOf(ClientException.class).hasMessageContaining("server.mmr.models_root");

                // Without GDS: everything on a trained graph works, kNN from the vector index and the djl trainer too;
                // GDS kNN and the gds trainer name what is missing.
                assertThat(s.run("CALL mmr.path($a, $b) YIELD found RETURN found",
                        Map.of("a", QUERY_ID, "b", "twitter:1fabd")).single().get("found").asBoolean()).isTrue();
                assertThat(s.run("CALL mmr.tag($id, ['wing test']) YIELD created RETURN created", Map.of("id", QUERY_ID))
                        .single().get("created").asList()).containsExactly("wing test");
                assertThat(s.run("CALL mmr.feedback({id: $id}, ['twitter:1fabd']) YIELD reembedded RETURN reembedded",
                        Map.of("id", QUERY_ID)).single().get("reembedded").asLong()).isPositive();
                assertThat(s.run("CALL mmr.knn() YIELD relationshipsWritten RETURN relationshipsWritten").single()
                        .get("relationshipsWritten").asLong()).isPositive();
                assertThatThrownBy(() -> s.run("CALL mmr.knn({method: 'gds'})").consume()).isInstanceOf(ClientException.class)
                        .hasMessageContaining("GDS").hasMessageContaining("plugins");
                assertThatThrownBy(() -> s.run("CALL mmr.train({trainer: 'gds'})").consume()).isInstanceOf(ClientException.class)
                        .hasMessageContaining("GDS").hasMessageContaining("plugins");
                assertThat(s.run("CALL mmr.train({epochs: 2}) YIELD version RETURN version").single().get("version").asLong())
                        .isEqualTo((Long) info.get("version") + 1);

                // Uninstall: the guide's script leaves the catalog (images, tags, their features) and nothing of mmr's own.
                for (String statement : SchemaFile.statements("/cypher/uninstall.cypher")) {
                    s.run(statement).consume();
                }
                assertThat(s.run("SHOW INDEXES YIELD name WHERE name STARTS WITH 'mmr_' AND name <> 'mmr_image_id' "
                        + "AND name <> 'mmr_tag_name' RETURN collect(name) AS names").single().get("names").asList()).isEmpty();
                assertThat(s.run("SHOW CONSTRAINTS YIELD name WHERE name STARTS WITH 'mmr_' RETURN collect(name) AS names")
                        .single().get("names").asList()).isEmpty();
                assertThat(s.run("MATCH (n) WHERE n:MmrModel OR n:MmrCatalog RETURN count(n) AS n").single().get("n").asLong()).isZero();
                assertThat(s.run("MATCH ()-[r:SIMILAR|LIKED_WITH|LIKED_FOR]->() RETURN count(r) AS n").single().get("n").asLong()).isZero();
                assertThat(s.run("MATCH (n) WHERE n.embedding IS NOT NULL OR n.sageState IS NOT NULL OR n.sageInput IS NOT NULL OR n.sageStateModel IS NOT NULL "
                        + "OR n.nearestCarriers IS NOT NULL OR n.nearestCarrierCosines IS NOT NULL OR n.nearestCarriersModel IS NOT NULL "
                        + "RETURN count(n) AS n").single().get("n").asLong()).isZero();
                assertThat(s.run("MATCH (i:Image) WHERE i.features IS NOT NULL RETURN count(i) AS n").single().get("n").asLong())
                        .isEqualTo(120);
            }
        } catch (AssertionError | RuntimeException e) {
            StringBuilder logs = new StringBuilder();
            for (ServerProcess s : running) {
                logs.append("\n=== server ").append(s.home().dir()).append(" ===\n").append(s.logs());
            }
            throw new AssertionError(e.getMessage() + logs, e);
        }
    }

    private ServerProcess start(ServerProcess.Home home) throws IOException, InterruptedException {
        ServerProcess s = ServerProcess.start(home, "1g", 120);
        running.add(s);
        return s;
    }

    private static Driver driver(ServerProcess.Home home) {
        return GraphDatabase.driver(home.boltUri(), AuthTokens.basic("neo4j", PASSWORD));
    }

    /** Ids and scores of an id query, a tag query and tag prediction. */
    private static Map<String, Object> answers(org.neo4j.driver.SimpleQueryRunner s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", s.run("CALL mmr.search({id: $id}, {k: 10}) YIELD image, score RETURN image.id AS id, score",
                Map.of("id", QUERY_ID)).list(r -> List.of(r.get("id").asString(), r.get("score").asDouble())));
        out.put("tags", s.run("CALL mmr.search({tags: ['birds']}, {k: 10}) YIELD image, score RETURN image.id AS id, score")
                .list(r -> List.of(r.get("id").asString(), r.get("score").asDouble())));
        out.put("predictTags", s.run("CALL mmr.predictTags({id: $id}, {k: 5}) YIELD name, score RETURN name, score",
                Map.of("id", QUERY_ID)).list(r -> List.of(r.get("name").asString(), r.get("score").asDouble())));
        out.put("explain", s.run("CALL mmr.explain({id: $id}, 'twitter:1fabd') YIELD kind RETURN count(*) AS n",
                Map.of("id", QUERY_ID)).single().get("n").asLong());
        return out;
    }

    /**
     * The same ids in the same order; scores equal up to float rounding. A load rebuilds the store and
     * its vector indexes, so relationships may be read in another order and the float sums over a
     * node's neighbours rounded differently: the model and embeddings are the same bits, the scores agree
     * to about 1e-7 (float32's precision), and 1e-6 allows ten ulps.
     */
    @SuppressWarnings("unchecked")
    private static void assertSameAnswers(Map<String, Object> got, Map<String, Object> expected) {
        assertThat(got.keySet()).isEqualTo(expected.keySet());
        for (String key : expected.keySet()) {
            if (!(expected.get(key) instanceof List<?> rows)) {
                assertThat(got.get(key)).as(key).isEqualTo(expected.get(key));
                continue;
            }
            List<List<Object>> g = (List<List<Object>>) got.get(key);
            assertThat(g).as(key).hasSameSizeAs(rows);
            for (int i = 0; i < rows.size(); i++) {
                List<Object> e = (List<Object>) rows.get(i);
                assertThat(g.get(i).get(0)).as(key + " #" + i).isEqualTo(e.get(0));
                assertThat((Double) g.get(i).get(1)).as(key + " #" + i).isCloseTo((Double) e.get(1), within(1e-6));
            }
        }
    }

    private static HttpResponse<byte[]> get(HttpClient http, ServerProcess.Home home, String path, String password)
            throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(home.httpUri() + path)).GET();
        if (password != null) {
            r.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("neo4j:" + password)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        assertThat(code).as("mmr " + String.join(" ", args) + "\n" + out + err).isZero();
    }

    private static Path requiredPath(String property) {
        String value = System.getProperty(property);
        if (value == null || !Files.exists(Path.of(value))) {
            throw new IllegalStateException("system property " + property + " = " + value + " does not name a built file; "
                    + "run `mvn verify` from the repository root (it builds the plugin jar, the server's lib/ and GDS's plugin jar)");
        }
        return Path.of(value).toAbsolutePath();
    }

    /** No class of the GDS plugin jar is also in the server's lib/ (a second copy would be loaded twice, or clash). */
    private static void assertNoClassTwice(Path lib, Path plugin) throws IOException {
        java.util.Set<String> libClasses = new java.util.HashSet<>();
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (ZipFile z = new ZipFile(jar.toFile())) {
                    z.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class") && !n.contains("module-info")
                            && !n.startsWith("META-INF/")).forEach(libClasses::add);
                }
            }
        }
        List<String> twice = new ArrayList<>();
        try (ZipFile z = new ZipFile(plugin.toFile())) {
            z.stream().map(e -> e.getName()).filter(libClasses::contains).limit(10).forEach(twice::add);
        }
        assertThat(twice).as("classes of " + plugin.getFileName() + " already in lib/").isEmpty();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.createDirectories(dest.getParent());
                    Files.copy(p, dest);
                }
            }
        }
    }
}
