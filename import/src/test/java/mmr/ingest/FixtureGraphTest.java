package mmr.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.harness.Neo4j;

import mmr.ingest.graph.EmbeddedCypher;
import mmr.ingest.graph.GraphWriter;
import mmr.model.encode.DescriptorEncoder;
import mmr.model.vector.Vectors;
import mmr.procedures.testing.EmojiFixture;
import mmr.procedures.testing.TestDatabases;

/**
 * The plugin's tests load the emoji fixture's graph from {@code graph.jsonl} (the procedures module
 * cannot run the importer, which depends on it). This test imports the fixture's manifest as
 * {@code mmr import} does and checks the file is exactly what the importer writes today; with
 * {@code -Dmmr.fixture.write=true} it rewrites the file instead.
 */
class FixtureGraphTest {
    private static final Path COMMITTED = Path.of("..", "procedures", "src", "test", "resources", "fixture", "emoji",
            EmojiFixture.GRAPH_FILE);

    @Test
    void theCommittedFixtureGraphIsWhatTheImporterWrites() throws Exception {
        String exported;
        try (Neo4j neo4j = TestDatabases.builder(true).build(); DescriptorEncoder encoder = new DescriptorEncoder()) {
            GraphDatabaseService db = neo4j.defaultDatabaseService();
            new Importer(new GraphWriter(new EmbeddedCypher(db, "test")), encoder,
                    ImportOptions.defaults(EmojiFixture.manifest()).withKnn(false)).run();
            exported = export(db);
        }
        if (Boolean.getBoolean("mmr.fixture.write")) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(COMMITTED))) {
                out.write(exported.getBytes(StandardCharsets.UTF_8));
            }
        }
        String committed;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(COMMITTED))) {
            committed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(withoutFeatures(committed))
                .as("%s is stale: rerun this test with -Dmmr.fixture.write=true and commit the file", COMMITTED)
                .isEqualTo(withoutFeatures(exported));
        // Features are compared to float precision, not bit for bit: the encoder's Math.pow/exp may round
        // differently on another CPU (Math, unlike StrictMath, may use the processor's intrinsics).
        List<float[]> want = features(committed);
        List<float[]> got = features(exported);
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.size(); i++) {
            assertThat(got.get(i)).as("features of line %d", i + 1).containsExactly(want.get(i), within(1e-5f));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> withoutFeatures(String lines) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : lines.split("\n")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.readValue(line, LinkedHashMap.class);
            m.put("features", m.containsKey("features") ? "…" : null);
            out.add(JSON.writeValueAsString(m));
        }
        return out;
    }

    private static List<float[]> features(String lines) throws Exception {
        List<float[]> out = new ArrayList<>();
        for (String line : lines.split("\n")) {
            Object f = JSON.readValue(line, Map.class).get("features");
            out.add(f == null ? new float[0] : EmojiFixture.floats((String) f));
        }
        return out;
    }

    /** One JSON line per node, in creation order; vectors as EmojiFixture encodes them; no timestamps. */
    static String export(GraphDatabaseService db) throws Exception {
        ObjectMapper json = new ObjectMapper();
        StringBuilder out = new StringBuilder();
        List<Map<String, Object>> rows = new ArrayList<>();
        db.executeTransactionally("MATCH (n) WHERE n:MmrCatalog OR n:Tag OR n:Image "
                + "RETURN labels(n)[0] AS kind, properties(n) AS p, [(n)-[:TAGGED]->(t) | t.name] AS tags ORDER BY id(n)",
                Map.of(), r -> {
                    r.forEachRemaining(rows::add);
                    return null;
                });
        for (Map<String, Object> row : rows) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("kind", row.get("kind"));
            @SuppressWarnings("unchecked")
            Map<String, Object> properties = new TreeMap<>((Map<String, Object>) row.get("p"));
            properties.remove("createdAt");
            properties.remove("manifest");         // where this machine keeps the manifest: not part of the graph's content
            properties.remove("manifestSha256");
            properties.computeIfPresent("features", (k, v) -> EmojiFixture.encode(Vectors.toFloats(v)));
            line.putAll(properties);
            if ("Image".equals(row.get("kind"))) {
                @SuppressWarnings("unchecked")
                List<String> tags = new ArrayList<>((List<String>) row.get("tags"));
                tags.sort(null);
                line.put("tags", tags);
            }
            out.append(json.writeValueAsString(line)).append('\n');
        }
        return out.toString();
    }
}
