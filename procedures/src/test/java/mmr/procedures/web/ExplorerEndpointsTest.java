package mmr.procedures.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
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

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.harness.Neo4j;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.storageengine.api.TransactionIdStore;

import mmr.procedures.config.MmrSettings;
import mmr.procedures.testing.EmojiFixture;
import mmr.procedures.testing.TestDatabases;

/**
 * The explorer's JSON endpoints over HTTP on the emoji fixture, without a browser: what each
 * returns, every bad input's status and message, thumbnails only from the image root, and that
 * nothing is ever written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExplorerEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUERY_ID = "google:1f42c";   // dolphin
    private Neo4j neo4j;
    private GraphDatabaseService db;
    private Path fixtureDir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    void build() throws Exception {
        fixtureDir = EmojiFixture.dir();
        neo4j = TestDatabases.builder(true, true).withConfig(MmrSettings.images_root, fixtureDir).build();
        db = neo4j.defaultDatabaseService();
        EmojiFixture.load(db);
        db.executeTransactionally("CALL mmr.train({epochs: 3})", Map.of(), r -> r.resultAsString());
        db.executeTransactionally("CALL db.awaitIndexes(300)");
        // an image whose recorded file lies outside the image root: never served
        db.executeTransactionally("CREATE (:Image {id: 'escape', source: '../../../../etc/hostname'})");
    }

    @AfterAll
    void stop() {
        neo4j.close();
    }

    // ---- helpers

    private URI uri(String path) {
        return neo4j.httpURI().resolve(path);
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> post(String body, String contentType) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/mmr/api/search")).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * The status line and body of a POST that declares {@code contentLength} bytes and sends none: the
     * server must refuse it from the header alone. (Sending the 15 MB raced the server's early close:
     * on a loaded machine the client saw a reset instead of the 413.)
     */
    private String[] declareOnly(long contentLength) throws Exception {
        URI u = uri("/mmr/api/search");
        try (java.net.Socket socket = new java.net.Socket(u.getHost(), u.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST " + u.getPath() + " HTTP/1.1\r\nHost: " + u.getHost() + ":" + u.getPort()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + contentLength
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new String[] {response.substring(0, response.indexOf("\r\n")), response.substring(response.indexOf("\r\n\r\n") + 4)};
        }
    }

    private HttpResponse<byte[]> search(Object request) throws Exception {
        return post(JSON.writeValueAsString(request), "application/json");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(HttpResponse<byte[]> r) throws Exception {
        return JSON.readValue(r.body(), Map.class);
    }

    private static String error(HttpResponse<byte[]> r) throws Exception {
        return (String) json(r).get("error");
    }

    private long lastTransaction() {
        return ((GraphDatabaseAPI) db).getDependencyResolver().resolveDependency(TransactionIdStore.class).getLastCommittedTransactionId();
    }

    private String path(String id) throws Exception {
        for (String line : Files.readAllLines(fixtureDir.resolve("manifest.jsonl"))) {
            if (line.contains("\"id\":\"" + id + "\"")) {
                return line.replaceAll(".*\"path\":\"([^\"]+)\".*", "$1");
            }
        }
        throw new IllegalStateException("no " + id + " in the fixture");
    }

    // ---- the page

    @Test
    void thePageAndItsAssetsAreServedWithARestrictivePolicy() throws Exception {
        HttpResponse<byte[]> bare = get("/mmr");
        assertThat(bare.statusCode()).isEqualTo(301);
        assertThat(bare.headers().firstValue("Location")).hasValue("/mmr/");
        HttpResponse<byte[]> page = get("/mmr/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
        String html = new String(page.body(), StandardCharsets.UTF_8);
        assertThat(html).contains("assets/app.js", "assets/app.css").doesNotContain("http://", "https://", "<script>");
        for (String asset : List.of("app.js", "app.css", "favicon.svg", "mmr.grass")) {
            HttpResponse<byte[]> a = get("/mmr/assets/" + asset);
            assertThat(a.statusCode()).as(asset).isEqualTo(200);
            assertThat(a.headers().firstValue("Content-Security-Policy")).as(asset).hasValue(csp);
            // (the SVG namespace is a name, not a request)
            assertThat(new String(a.body(), StandardCharsets.UTF_8).replace("xmlns=\"http://www.w3.org/2000/svg\"", ""))
                    .as("no third-party requests in " + asset)
                    .doesNotContain("http://", "https://");
        }
        HttpResponse<byte[]> missing = get("/mmr/assets/secret.properties");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(error(missing)).isEqualTo("no asset 'secret.properties'; the page's assets are "
                + String.join(", ", mmr.procedures.web.ExplorerResource.assetNames()));
    }

    // ---- catalog and tags

    @Test
    void catalogPagesAndKeywordFilter() throws Exception {
        Map<String, Object> info = json(get("/mmr/api/info"));
        assertThat(info).containsEntry("images", 121).containsEntry("encoder", "descriptor/512/1")
                .containsEntry("encoderSpec", "descriptor");
        assertThat(Explorer.encoderSpec("fused:descriptor:512:0.5:tfjs-mobilenet_v2_mid-expanded_conv_16_project_batchnorm_"
                + "fusedbatchnormv3-128:448:0.5/960/1-cf0bedc4b43c")).isEqualTo("descriptor+tfjs:mobilenet_v2_mid@128");
        assertThat(Explorer.encoderSpec("fused:descriptor:512:0.3333:tfjs-inception_v3-mixed5:768:0.6667/1280/1-ab12"))
                .isEqualTo("0.3333*descriptor+0.6667*tfjs:inception_v3");
        assertThat(Explorer.encoderSpec("clip-vit/512/7")).isEqualTo("clip-vit");
        assertThat(info.get("model")).isNotNull();

        Map<String, Object> first = json(get("/mmr/api/images?size=50"));
        Map<String, Object> third = json(get("/mmr/api/images?size=50&page=2"));
        assertThat(first).containsEntry("total", 121);
        assertThat((List<?>) first.get("items")).hasSize(50);
        assertThat((List<?>) third.get("items")).hasSize(21);

        Map<String, Object> sea = json(get("/mmr/api/images?q=%20SEA%20&size=200"));
        assertThat(sea).containsEntry("filter", "sea");
        List<Map<String, Object>> items = items(sea);
        assertThat(items).isNotEmpty();
        assertThat(items).allSatisfy(i -> assertThat((List<String>) i.get("tags")).anyMatch(t -> t.startsWith("sea")));
        assertThat(json(get("/mmr/api/images?q=no-such-keyword"))).containsEntry("total", 0);

        List<Map<String, Object>> tags = JSON.readValue(get("/mmr/api/tags?prefix=an&limit=5").body(), List.class);
        assertThat(tags).isNotEmpty().hasSizeLessThanOrEqualTo(5)
                .allSatisfy(t -> assertThat((String) t.get("name")).startsWith("an"));
        for (int i = 1; i < tags.size(); i++) {
            assertThat(((Number) tags.get(i).get("images")).intValue()).isLessThanOrEqualTo(((Number) tags.get(i - 1).get("images")).intValue());
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Map<String, Object> page) {
        return (List<Map<String, Object>>) page.get("items");
    }

    @Test
    void badCatalogAndTagParametersAreNamed() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("/mmr/api/images?page=-1", "'page' must be an integer from 0 to 100000, got '-1'");
        cases.put("/mmr/api/images?page=abc", "'page' must be an integer from 0 to 100000, got 'abc'");
        cases.put("/mmr/api/images?size=0", "'size' must be an integer from 1 to 200, got '0'");
        cases.put("/mmr/api/images?size=100000000000000000000", "'size' must be an integer from 1 to 200, got '100000000000000000000'");
        cases.put("/mmr/api/tags?limit=51", "'limit' must be an integer from 1 to 50, got '51'");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<byte[]> r = get(c.getKey());
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            assertThat(error(r)).as(c.getKey()).isEqualTo(c.getValue());
        }
        HttpResponse<byte[]> longFilter = get("/mmr/api/images?q=" + "x".repeat(300));
        assertThat(longFilter.statusCode()).isEqualTo(400);
        assertThat(error(longFilter)).startsWith("'q' has 300 characters ('xxx").endsWith("; a keyword filter has at most 200");
        HttpResponse<byte[]> longPrefix = get("/mmr/api/tags?prefix=" + "y".repeat(300));
        assertThat(longPrefix.statusCode()).isEqualTo(400);
        assertThat(error(longPrefix)).startsWith("'prefix' has 300 characters ('yyy");
    }

    // ---- search

    @Test
    @SuppressWarnings("unchecked")
    void searchIsMmrSearchWithTheWhy() throws Exception {
        Map<String, Object> r = json(search(Map.of("query", Map.of("id", QUERY_ID), "config", Map.of("k", 12, "visualWeight", 0.5))));
        List<Map<String, Object>> results = (List<Map<String, Object>>) r.get("results");
        assertThat(results).hasSize(12);
        Map<String, Object> attachment = (Map<String, Object>) r.get("attachment");
        List<String> queryTags = (List<String>) attachment.get("tags");
        assertThat(attachment.get("queryImage")).isEqualTo(QUERY_ID);
        assertThat(queryTags).contains("sea", "fish");
        List<String> attached = ((List<Map<String, Object>>) attachment.get("images")).stream().map(m -> (String) m.get("id")).toList();
        assertThat(attached).isNotEmpty();
        for (Map<String, Object> m : results) {
            assertThat((List<String>) m.get("sharedTags")).allSatisfy(t -> assertThat(queryTags).contains(t));
            assertThat((List<String>) m.get("tags")).containsAll((List<String>) m.get("sharedTags"));
            assertThat((List<String>) m.get("via")).allSatisfy(v -> assertThat(attached).contains(v));
            assertThat(m.get("attached")).isEqualTo(attached.contains((String) m.get("id")));
        }

        // One implementation: the Cypher the page shows returns the same ranking.
        String cypher = (String) r.get("cypher");
        assertThat(cypher).startsWith("CALL mmr.search({id: 'google:1f42c'}, {k: 12, visualWeight: 0.5})");
        List<Object> viaCypher = new ArrayList<>();
        db.executeTransactionally(cypher, Map.of(), res -> {
            res.forEachRemaining(row -> viaCypher.add(row.get("id")));
            return null;
        });
        assertThat(viaCypher).isEqualTo(results.stream().map(m -> m.get("id")).toList());
    }

    @Test
    @SuppressWarnings("unchecked")
    void explicitNoTagsDropsTheConceptualSide() throws Exception {
        Map<String, Object> r = json(search(Map.of("query", Map.of("id", QUERY_ID, "tags", List.of()), "config", Map.of("k", 5))));
        List<Map<String, Object>> results = (List<Map<String, Object>>) r.get("results");
        assertThat(results).hasSize(5).allSatisfy(m -> assertThat(m.get("conceptScore")).isNull());
        assertThat((List<?>) ((Map<String, Object>) r.get("attachment")).get("tags")).isEmpty();
        assertThat((String) r.get("cypher")).contains("{id: 'google:1f42c', tags: []}");
    }

    @Test
    @SuppressWarnings("unchecked")
    void anUploadGetsResultsAndPredictedTags() throws Exception {
        String base64 = Base64.getEncoder().encodeToString(Files.readAllBytes(fixtureDir.resolve(path(QUERY_ID))));
        Map<String, Object> r = json(search(Map.of("query", Map.of("base64", base64), "config", Map.of("k", 6),
                "predict", true, "uploaded", true)));
        assertThat((List<?>) r.get("results")).hasSize(6);
        List<Map<String, Object>> predicted = (List<Map<String, Object>>) r.get("predictedTags");
        assertThat(predicted).hasSize(8).allSatisfy(t -> assertThat(t.get("name")).isInstanceOf(String.class));
        assertThat((String) r.get("cypher")).startsWith("// :param image => ").contains("CALL mmr.search({base64: $image}, {k: 6})");
        // The predicted tags are mmr.predictTags': the model's count of voters, or the request's neighbours (the
        // scores tell them apart: with one voter each of its tags has the whole vote).
        assertThat(predicted).extracting(t -> t.get("name") + " " + t.get("score")).containsExactlyElementsOf(predictTags(base64, 8, null));
        Map<String, Object> one = json(search(Map.of("query", Map.of("base64", base64), "config", Map.of("k", 6, "neighbors", 1),
                "predict", true, "uploaded", true)));
        assertThat((List<Map<String, Object>>) one.get("predictedTags")).extracting(t -> t.get("name") + " " + t.get("score"))
                .containsExactlyElementsOf(predictTags(base64, 8, 1L)).isNotEqualTo(predictTags(base64, 8, null));
    }

    private List<String> predictTags(String base64, long k, Long neighbors) {
        Map<String, Object> config = new LinkedHashMap<>(Map.of("k", k));
        if (neighbors != null) {
            config.put("neighbors", neighbors);
        }
        List<String> out = new ArrayList<>();
        db.executeTransactionally("CALL mmr.predictTags({base64: $b}, $c) YIELD name, score RETURN name, score",
                Map.of("b", base64, "c", config), res -> {
                    res.forEachRemaining(m -> out.add(m.get("name") + " " + m.get("score")));
                    return null;
                });
        return out;
    }

    @Test
    void badSearchRequestsGetTheSameClearMessagesAsMmrSearch() throws Exception {
        String text = Base64.getEncoder().encodeToString("hello, this is a text file\n".getBytes(StandardCharsets.UTF_8));
        String blank = Base64.getEncoder().encodeToString(transparentPng());
        Map<Object, String> cases = new LinkedHashMap<>();
        cases.put(Map.of("query", Map.of("base64", text)), "mmr.search: the base64 image is not an image in a supported format; accepted: PNG, JPEG, GIF, BMP, TIFF, WebP, SVG");
        cases.put(Map.of("query", Map.of("base64", blank)), "mmr.search: the base64 image is blank: fully transparent or one flat colour");
        cases.put(Map.of("query", Map.of()), "mmr.search: the query is empty");
        cases.put(Map.of("query", Map.of("id", "no-such-image")), "mmr.search: there is no Image with id 'no-such-image'");
        cases.put(Map.of("query", Map.of("file", "/etc/passwd")), "the explorer takes the query keys id, base64, features, tags; got 'file'");
        cases.put(Map.of("query", Map.of("id", QUERY_ID), "config", Map.of("k", 0)), "mmr.search: 'k' must be an integer from 1 to 1000, got 0");
        cases.put(Map.of("query", Map.of("id", QUERY_ID), "config", Map.of("visualWeight", 2)), "mmr.search: 'visualWeight' must be a number from 0.0 to 1.0, got 2");
        cases.put(Map.of("query", Map.of("id", QUERY_ID), "config", Map.of("speed", "max")), "Unknown config key 'speed' for mmr.search");
        cases.put(Map.of("query", Map.of("id", QUERY_ID), "extra", 1), "Unknown config key 'extra' for the explorer's search request");
        cases.put(Map.of("query", "google:1f42c"), "'query' must be a map, got");
        cases.put(Map.of("config", Map.of()), "the search request has no 'query'");
        cases.put(Map.of("query", Map.of("tags", List.of("x".repeat(201)))), "mmr.search: 'tags' holds a tag of 201 characters");
        for (Map.Entry<Object, String> c : cases.entrySet()) {
            HttpResponse<byte[]> r = search(c.getKey());
            assertThat(r.statusCode()).as(c.getValue()).isEqualTo(400);
            assertThat(error(r)).as(String.valueOf(c.getKey()).substring(0, Math.min(80, String.valueOf(c.getKey()).length())))
                    .startsWith(c.getValue());
        }

        HttpResponse<byte[]> notJson = post("{query: ", "application/json");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(error(notJson)).startsWith("the request body is not valid JSON: ");
        HttpResponse<byte[]> array = post("[1, 2]", "application/json");
        assertThat(error(array)).isEqualTo("the request body must be a JSON object {query, config}, got ArrayList");
        HttpResponse<byte[]> deep = post("[".repeat(5000) + "]".repeat(5000), "application/json");
        assertThat(deep.statusCode()).isEqualTo(400);
        assertThat(error(deep)).startsWith("the request body is not valid JSON: ");
        HttpResponse<byte[]> form = post("query=1", "application/x-www-form-urlencoded");
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(error(form)).isEqualTo("send the search request as application/json, got content type 'application/x-www-form-urlencoded'");
        String[] tooLarge = declareOnly(15L * 1024 * 1024);
        assertThat(tooLarge[0]).isEqualTo("HTTP/1.1 413 Payload Too Large");
        assertThat(tooLarge[1]).contains("the request is larger than 13 MB (").contains("an uploaded image may be at most 10 MB");
    }

    private static byte[] transparentPng() throws java.io.IOException {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_ARGB);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    // ---- thumbnails

    @Test
    void thumbnailsComeFromTheImageRootByIdOnly() throws Exception {
        HttpResponse<byte[]> ok = get("/mmr/api/thumb/" + QUERY_ID);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(ok.body()).isEqualTo(Files.readAllBytes(fixtureDir.resolve(path(QUERY_ID))));

        HttpResponse<byte[]> unknown = get("/mmr/api/thumb/nope");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(error(unknown)).isEqualTo("no image with id 'nope'");
        HttpResponse<byte[]> escape = get("/mmr/api/thumb/escape");
        assertThat(escape.statusCode()).isEqualTo(404);
        assertThat(error(escape)).isEqualTo("image 'escape' has no file under the image root");
        HttpResponse<byte[]> dots = get("/mmr/api/thumb/..");
        assertThat(dots.statusCode()).isIn(400, 404);

        // the page's form: the id as a query parameter, so an id holding a slash (which a path cannot carry) is served
        assertThat(get("/mmr/api/thumb?id=" + URLEncoder.encode(QUERY_ID, StandardCharsets.UTF_8)).body()).isEqualTo(ok.body());
        String slashed = "shop/item 1?&#";
        db.executeTransactionally("CREATE (:Image {id: $id, source: $source})", Map.of("id", slashed, "source", path(QUERY_ID)));
        try {
            HttpResponse<byte[]> bySlashedId = get("/mmr/api/thumb?id=" + URLEncoder.encode(slashed, StandardCharsets.UTF_8));
            assertThat(bySlashedId.statusCode()).isEqualTo(200);
            assertThat(bySlashedId.body()).isEqualTo(ok.body());
        } finally {
            db.executeTransactionally("MATCH (i:Image {id: $id}) DELETE i", Map.of("id", slashed));
        }
        HttpResponse<byte[]> noId = get("/mmr/api/thumb?id=");
        assertThat(noId.statusCode()).isEqualTo(400);
        assertThat(error(noId)).isEqualTo("name the image: /mmr/api/thumb?id=<the image's id>");
    }

    // ---- read-only

    @Test
    void noEndpointWritesAnything() throws Exception {
        long before = lastTransaction();
        get("/mmr/api/info");
        get("/mmr/api/images?q=sea");
        get("/mmr/api/tags?prefix=s");
        search(Map.of("query", Map.of("id", QUERY_ID), "config", Map.of("k", 5)));
        search(Map.of("query", Map.of("tags", List.of("sea", "new-tag-never-seen")), "config", Map.of("k", 5)));
        search(Map.of("query", Map.of("base64", "AAAA")));
        get("/mmr/api/thumb/" + QUERY_ID);
        assertThat(lastTransaction()).isEqualTo(before);
    }
}
