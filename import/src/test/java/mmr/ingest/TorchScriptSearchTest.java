package mmr.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.harness.Neo4j;

import mmr.ingest.ImportOptions;
import mmr.ingest.Importer;
import mmr.ingest.graph.EmbeddedCypher;
import mmr.ingest.graph.GraphWriter;
import mmr.model.encode.TorchScriptEncoder;
import mmr.procedures.config.MmrSettings;
import mmr.procedures.encode.ServerEncoders;
import mmr.procedures.testing.EmojiFixture;
import mmr.procedures.testing.TestDatabases;

/**
 * A catalog imported with a TorchScript model is searched with image bytes: the server encodes
 * them with the same model, found in server.mmr.models_root and checked against the catalog's checksum.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TorchScriptSearchTest {
    private Neo4j neo4j;
    private GraphDatabaseService db;
    private Path models;
    private Path fixtureDir;

    @BeforeAll
    void build() throws Exception {
        models = Files.createTempDirectory("mmr-models");
        Path model = models.resolve("tiny_cnn.pt");
        Files.copy(Path.of("../model/src/test/resources/torchscript/tiny_cnn.pt"), model);
        neo4j = TestDatabases.builder(true).withConfig(MmrSettings.models_root, models).build();
        db = neo4j.defaultDatabaseService();
        Path manifest = EmojiFixture.manifest();
        fixtureDir = manifest.getParent();
        try (TorchScriptEncoder encoder = new TorchScriptEncoder(model)) {
            new Importer(new GraphWriter(new EmbeddedCypher(db, "test")), encoder, ImportOptions.defaults(manifest)).run();
        }
        db.executeTransactionally("CALL mmr.train({epochs: 1})", Map.of(), r -> r.resultAsString());
        db.executeTransactionally("CALL db.awaitIndexes(300)");
    }

    @AfterAll
    void stop() throws Exception {
        neo4j.close();
        ServerEncoders.closeAll();
    }

    private byte[] bytes(String id) throws Exception {
        for (String line : Files.readAllLines(fixtureDir.resolve("manifest.jsonl"))) {
            if (line.contains("\"id\":\"" + id + "\"")) {
                return Files.readAllBytes(fixtureDir.resolve(line.replaceAll(".*\"path\":\"([^\"]+)\".*", "$1")));
            }
        }
        throw new IllegalStateException(id);
    }

    private List<Map<String, Object>> rows(String cypher, Map<String, Object> params) {
        return db.executeTransactionally(cypher, params, r -> {
            List<Map<String, Object>> out = new ArrayList<>();
            r.forEachRemaining(out::add);
            return out;
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void anImportedImageSentAsBytesIsEncodedAsTheImporterDid() throws Exception {
        assertThat((String) rows("CALL mmr.catalog.info() YIELD encoder RETURN encoder", Map.of()).get(0).get("encoder"))
                .startsWith("torchscript-tiny_cnn/32/");
        for (String id : List.of("google:1fabd", "twitter:1f0cf", "google:1f42c")) {
            Map<String, Object> a = rows("CALL mmr.attach({bytes: $b}, {connect: 'images', similarityCutoff: 0.0}) YIELD images "
                    + "RETURN images[0] AS first", Map.of("b", bytes(id))).get(0);
            Map<String, Object> first = (Map<String, Object>) a.get("first");
            assertThat(first.get("id")).as(id).isEqualTo(id);
            assertThat((Double) first.get("similarity")).as(id).isGreaterThanOrEqualTo(0.9999);
            assertThat(rows("CALL mmr.search({bytes: $b}, {k: 5}) YIELD image RETURN image.id AS id", Map.of("b", bytes(id))))
                    .hasSize(5);
        }
        // A CNN gives a blank image non-zero features: blankness is decided from the pixels, for every encoder.
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_ARGB), "png", png);
        assertThatThrownBy(() -> rows("CALL mmr.search({bytes: $b}) YIELD image RETURN image", Map.of("b", png.toByteArray())))
                .hasMessageContaining("mmr.search: the query bytes is blank: fully transparent or one flat colour leaves no "
                        + "visual features to search with");
    }

    @Test
    void aChangedModelFileIsAClearErrorAndFeaturesStillWork() throws Exception {
        byte[] query = bytes("google:1fabd");
        rows("CALL mmr.search({bytes: $b}, {k: 1}) YIELD image RETURN image", Map.of("b", query));   // loaded, before the change
        Path model = models.resolve("tiny_cnn.pt");
        byte[] original = Files.readAllBytes(model);
        try {
            Files.write(model, new byte[] {0}, StandardOpenOption.APPEND);
            assertThatThrownBy(() -> rows("CALL mmr.search({bytes: $b}) YIELD image RETURN image", Map.of("b", query)))
                    .isInstanceOf(QueryExecutionException.class)
                    .hasMessageContaining("mmr.search: the TorchScript model '" + model.toAbsolutePath().normalize()
                            + "' has changed since the catalog was imported");
            Files.delete(model);
            assertThatThrownBy(() -> rows("CALL mmr.search({bytes: $b}) YIELD image RETURN image", Map.of("b", query)))
                    .isInstanceOf(QueryExecutionException.class)
                    .hasMessageContaining("mmr.search: the catalog's TorchScript model 'tiny_cnn.pt' is not in server.mmr.models_root");
            assertThat(rows("MATCH (i:Image {id: 'google:1fabd'}) CALL mmr.search({features: i.features}, {k: 3}) YIELD image "
                    + "RETURN image", Map.of())).hasSize(3);
        } finally {
            Files.write(model, original);
        }
        assertThat(rows("CALL mmr.search({bytes: $b}, {k: 2}) YIELD image RETURN image", Map.of("b", query))).hasSize(2);
    }
}
