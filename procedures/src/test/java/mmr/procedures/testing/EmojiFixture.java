package mmr.procedures.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.neo4j.graphdb.GraphDatabaseService;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import mmr.procedures.graph.Schema;

/**
 * The emoji fixture (120 images of 60 concepts, two vendors) for the plugin's tests: the manifest
 * and images, and {@code graph.jsonl.gz} — the graph {@code mmr import} writes from that manifest with
 * the descriptor encoder (features, tag centroids, TAGGED edges, the catalog record). The importer
 * lives in the CLI module, which depends on this one, so the plugin's tests load its output;
 * {@code FixtureGraphTest} in the import module re-imports the manifest and fails when the file
 * and the importer disagree (and rewrites it with {@code -Dmmr.fixture.write=true}).
 */
public final class EmojiFixture {
    public static final String RESOURCE = "/fixture/emoji";
    /** The pre-imported graph, beside the manifest. */
    public static final String GRAPH_FILE = "graph.jsonl.gz";
    private static Path extracted;

    private EmojiFixture() {}

    /** The fixture folder on disk (extracted once per JVM when the tests read it from a jar). */
    public static synchronized Path dir() {
        URL url = EmojiFixture.class.getResource(RESOURCE + "/manifest.jsonl");
        if (url == null) {
            throw new IllegalStateException("the emoji fixture is not on the test classpath");
        }
        try {
            URI uri = url.toURI();
            if ("file".equals(uri.getScheme())) {
                return Path.of(uri).getParent();
            }
            if (extracted == null) {
                extracted = extract(uri);
            }
            return extracted;
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot read the emoji fixture at " + url, e);
        }
    }

    public static Path manifest() {
        return dir().resolve("manifest.jsonl");
    }

    /** The image file of {@code id} in the fixture. */
    public static Path image(String id) {
        try {
            for (String line : Files.readAllLines(manifest())) {
                if (line.contains("\"id\":\"" + id + "\"")) {
                    return dir().resolve(line.replaceAll(".*\"path\":\"([^\"]+)\".*", "$1"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no " + id + " in the fixture");
    }

    private static Path extract(URI jarUri) throws IOException {
        Path target = Files.createTempDirectory("mmr-emoji-fixture");
        target.toFile().deleteOnExit();
        try (FileSystem jar = FileSystems.newFileSystem(jarUri, Map.of())) {
            Path root = jar.getPath(RESOURCE);
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Path out = target.resolve(root.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(out);
                    } else {
                        Files.copy(p, out);
                    }
                }
            }
        }
        return target;
    }

    /**
     * Writes the fixture graph into {@code db} as {@code mmr import} would (schema, catalog record,
     * tags, images, TAGGED edges), then builds the SIMILAR edges with {@code CALL mmr.knn()}, as the
     * importer does by default.
     */
    public static void load(GraphDatabaseService db) {
        for (String statement : schemaStatements()) {
            db.executeTransactionally(statement);
        }
        List<Map<String, Object>> tags = new ArrayList<>();
        List<Map<String, Object>> images = new ArrayList<>();
        Map<String, Object> catalog = null;
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dir().resolve(GRAPH_FILE)))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> row = json.readValue(line, new TypeReference<>() {});
                Object kind = row.remove("kind");
                row.replaceAll((k, v) -> v instanceof Integer i ? Long.valueOf(i) : v);   // as Cypher stores integers
                if (row.get(Schema.FEATURES) instanceof String encoded) {
                    row.put(Schema.FEATURES, floats(encoded));
                }
                if (Schema.CATALOG.equals(kind)) {
                    catalog = row;
                } else if (Schema.TAG.equals(kind)) {
                    tags.add(row);
                } else if (Schema.IMAGE.equals(kind)) {
                    images.add(row);
                } else {
                    throw new IllegalStateException("unknown row kind " + kind + " in " + GRAPH_FILE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (catalog == null) {
            throw new IllegalStateException(GRAPH_FILE + " has no catalog row");
        }
        db.executeTransactionally("CREATE (c:" + Schema.CATALOG + ") SET c = $p", Map.of("p", catalog));
        db.executeTransactionally("UNWIND $rows AS row CREATE (t:" + Schema.TAG + ") SET t = row", Map.of("rows", tags));
        db.executeTransactionally("UNWIND $rows AS row CREATE (i:" + Schema.IMAGE + ") SET i = row.properties "
                + "WITH i, row UNWIND row.tags AS name MATCH (t:" + Schema.TAG + " {" + Schema.NAME + ": name}) "
                + "CREATE (i)-[:" + Schema.TAGGED + "]->(t)", Map.of("rows", images.stream().map(EmojiFixture::imageRow).toList()));
        db.executeTransactionally("CALL mmr.knn()");
    }

    private static Map<String, Object> imageRow(Map<String, Object> image) {
        Map<String, Object> properties = new HashMap<>(image);
        Object tags = properties.remove("tags");
        return Map.of("properties", properties, "tags", tags);
    }

    /** cypher/schema.cypher, the file the importer applies, read from the repository. */
    private static List<String> schemaStatements() {
        Path file = Path.of("..", "cypher", "schema.cypher");
        try {
            List<String> out = new ArrayList<>();
            StringBuilder statement = new StringBuilder();
            for (String line : Files.readAllLines(file)) {
                if (line.strip().startsWith("//") || line.isBlank()) {
                    continue;
                }
                statement.append(line).append('\n');
                if (line.strip().endsWith(";")) {
                    out.add(statement.toString().strip().replaceAll(";$", ""));
                    statement.setLength(0);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
    }

    /** Little-endian float32, base64: exact, and a third of the decimal text's size. */
    public static String encode(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }

    public static float[] floats(String encoded) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getFloat();
        }
        return v;
    }
}
