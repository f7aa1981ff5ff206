package mmr.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.harness.Neo4j;

import mmr.ingest.graph.EmbeddedCypher;
import mmr.ingest.graph.GraphWriter;
import mmr.model.encode.DescriptorEncoder;
import mmr.model.encode.EncoderIdentity;
import mmr.model.image.ImageDecoder;
import mmr.model.image.ImageRejectedException;
import mmr.model.image.TestImages;
import mmr.model.tag.TagFeatures;
import mmr.model.vector.Vectors;
import mmr.procedures.testing.EmojiFixture;
import mmr.procedures.testing.HarnessTest;

/** The importer against an in-process Neo4j with GDS and the mmr procedures, on the committed emoji fixture. */
class ImporterTest extends HarnessTest {
    private DescriptorEncoder encoder;
    private Path fixture;

    @TempDir
    Path dir;

    @BeforeAll
    void start() throws Exception {
        encoder = new DescriptorEncoder();
        fixture = EmojiFixture.manifest();
    }

    @AfterAll
    void stop() {
        encoder.close();
    }

    @BeforeEach
    void empty() {
        db.executeTransactionally("MATCH (n) DETACH DELETE n");
    }

    private ImportReport importManifest(Path manifest) throws Exception {
        return importWith(ImportOptions.defaults(manifest));
    }

    private ImportReport importWith(ImportOptions options) throws Exception {
        GraphWriter writer = new GraphWriter(new EmbeddedCypher(db, "test"));
        return new Importer(writer, options.featuresEncoder() == null ? encoder : null, options).run();
    }

    private long count(String cypher) {
        return db.executeTransactionally(cypher, Map.of(), r -> (Long) r.next().values().iterator().next());
    }

    @Test
    void importsTheFixtureAsTheGraphOfThePaper() throws Exception {
        ImportReport report = importManifest(fixture);
        assertThat(report.imported()).isEqualTo(120);
        assertThat(report.rejected()).isZero();

        List<String> lines = Files.readAllLines(fixture);
        long distinctTags = lines.stream()
                .flatMap(l -> Arrays.stream(l.replaceAll(".*\"tags\":\\[([^\\]]*)\\].*", "$1").split(",")))
                .filter(s -> !s.isBlank()).map(s -> s.replace("\"", "").strip().toLowerCase()).distinct().count();
        assertThat(count("MATCH (i:Image) RETURN count(i)")).isEqualTo(120);
        assertThat(count("MATCH (t:Tag) RETURN count(t)")).isEqualTo(distinctTags);
        assertThat(report.tagsCreated()).isEqualTo(distinctTags);
        assertThat(count("MATCH (i:Image) WHERE size(i.features) = 512 RETURN count(i)")).isEqualTo(120);
        assertThat(count("MATCH (t:Tag) WHERE size(t.features) = 512 RETURN count(t)")).isEqualTo(distinctTags);
        assertThat(count("MATCH (:Image {id: 'google:1f0cf'})-[:TAGGED]->(t:Tag) RETURN count(t)")).isEqualTo(10);

        // Each image holds its own file's features (a batch is encoded in two halves side by side).
        ImageDecoder decoder = new ImageDecoder();
        db.executeTransactionally("MATCH (i:Image) RETURN i.source AS source, i.features AS f", Map.of(), r -> {
            r.forEachRemaining(row -> {
                try {
                    float[] own = encoder.encode(decoder.decode(fixture.getParent().resolve((String) row.get("source"))));
                    assertThat(Vectors.toFloats(row.get("f"))).as((String) row.get("source")).containsExactly(own);
                } catch (ImageRejectedException e) {
                    throw new AssertionError(e);
                }
            });
            return null;
        });

        // Evaluation metadata is kept apart from features and tags.
        Map<String, Object> joker = db.executeTransactionally(
                "MATCH (i:Image {id: 'twitter:1f0cf'}) RETURN i.eval_vendor AS v, i.eval_concept AS c, "
                        + "i.eval_category AS cat, i.source AS source", Map.of(), r -> r.next());
        assertThat(joker).containsEntry("v", "twitter").containsEntry("c", "1F0CF")
                .containsEntry("cat", "Activities").containsEntry("source", "img/twitter/64/1f0cf.png");
        assertThat(count("MATCH (t:Tag) WHERE t.name IN ['twitter', 'google', 'activities', '1f0cf'] RETURN count(t)")).isZero();

        Map<String, Object> catalog = db.executeTransactionally("MATCH (c:MmrCatalog) RETURN c.encoder AS e, "
                + "c.featureDimension AS d, c.tagFeatureInit AS t", Map.of(), r -> r.next());
        assertThat(catalog).containsEntry("e", "descriptor/512/1").containsEntry("d", 512L).containsEntry("t", "centroid");
        assertThat(count("SHOW CONSTRAINTS YIELD name WHERE name STARTS WITH 'mmr_' RETURN count(*)")).isEqualTo(3);

        // kNN ran: at most 5 neighbours each, cosine at or above 0.65, matching the stored features.
        assertThat(report.knn()).isNotNull();
        assertThat(count("MATCH ()-[s:SIMILAR]->() RETURN count(s)")).isEqualTo(report.knn().get("relationshipsWritten"));
        assertThat(count("MATCH (i:Image) WHERE COUNT { (i)-[:SIMILAR]->() } > 5 RETURN count(i)")).isZero();
        db.executeTransactionally("MATCH (a:Image)-[s:SIMILAR]->(b:Image) RETURN a.features AS a, b.features AS b, s.score AS s",
                Map.of(), r -> {
                    r.forEachRemaining(row -> {
                        double cos = Vectors.cosine(Vectors.toFloats(row.get("a")), Vectors.toFloats(row.get("b")));
                        assertThat((Double) row.get("s")).isCloseTo(cos, within(1e-5)).isGreaterThanOrEqualTo(0.65 - 1e-6);
                    });
                    return null;
                });
    }

    @Test
    void reImportIsIdempotent() throws Exception {
        importManifest(fixture);
        long tagged = count("MATCH ()-[r:TAGGED]->() RETURN count(r)");
        long similar = count("MATCH ()-[r:SIMILAR]->() RETURN count(r)");
        ImportReport again = importManifest(fixture);
        assertThat(again.imported()).isZero();
        assertThat(again.alreadyPresent()).isEqualTo(120);
        assertThat(again.failedCompletely()).isFalse();
        assertThat(count("MATCH (i:Image) RETURN count(i)")).isEqualTo(120);
        assertThat(count("MATCH ()-[r:TAGGED]->() RETURN count(r)")).isEqualTo(tagged);
        assertThat(count("MATCH ()-[r:SIMILAR]->() RETURN count(r)")).isEqualTo(similar);
    }

    @Test
    void anInterruptedImportResumes() throws Exception {
        List<String> lines = Files.readAllLines(fixture);
        Path dirCopy = fixture.getParent();
        Path half = dirCopy.resolve("half-" + System.nanoTime() + ".jsonl");
        try {
            // The crash: only the first 50 lines made it before the process died (no kNN yet).
            Files.write(half, lines.subList(0, 50));
            importWith(ImportOptions.defaults(half).withKnn(false));
            assertThat(count("MATCH (i:Image) RETURN count(i)")).isEqualTo(50);
            ImportReport resumed = importManifest(fixture);
            assertThat(resumed.alreadyPresent()).isEqualTo(50);
            assertThat(resumed.imported()).isEqualTo(70);
            assertThat(count("MATCH (i:Image) RETURN count(i)")).isEqualTo(120);
        } finally {
            Files.deleteIfExists(half);
        }
    }

    @Test
    void imagesAddedAfterTrainingAreEmbeddedWithTheStoredModel() throws Exception {
        List<String> lines = Files.readAllLines(fixture);
        Path first = fixture.getParent().resolve("first-" + System.nanoTime() + ".jsonl");
        try {
            Files.write(first, lines.subList(0, 100));
            importManifest(first);
            db.executeTransactionally("CALL mmr.train({trainer: 'gds', embeddingDimension: 16, epochs: 1, maxIterations: 3})",
                    Map.of(), r -> r.resultAsString());
            assertThat(count("MATCH (i:Image) WHERE i.embedding IS NULL RETURN count(i)")).isZero();
            ImportReport rest = importManifest(fixture);
            assertThat(rest.imported()).isEqualTo(20);
            assertThat(rest.embedded()).isGreaterThanOrEqualTo(20);
            assertThat(count("MATCH (n) WHERE (n:Image OR n:Tag) AND size(n.embedding) = 16 RETURN count(n)"))
                    .isEqualTo(count("MATCH (n) WHERE n:Image OR n:Tag RETURN count(n)"));
        } finally {
            Files.deleteIfExists(first);
        }
    }

    @Test
    void badRecordsAreReportedWhileTheRestImports() throws Exception {
        Files.createDirectories(dir.resolve("img"));
        Path good = write("img/good.png", png(TestImages.circle(48, Color.RED, 0, true)));
        write("img/zero.png", new byte[0]);
        byte[] full = png(TestImages.circle(48, Color.BLUE, 0, true));
        write("img/truncated.png", Arrays.copyOf(full, full.length / 2));
        write("img/text.png", "this is not an image".getBytes(StandardCharsets.UTF_8));
        write("img/bomb.png", TestImages.pngHeaderOnly(20_000, 20_000));
        write("img/clear.png", png(new java.awt.image.BufferedImage(48, 48, java.awt.image.BufferedImage.TYPE_INT_ARGB)));
        ByteArrayOutputStream manifest = new ByteArrayOutputStream();
        String[] lines = {
                "{\"id\": \"good\", \"path\": \"img/good.png\", \"tags\": [\"Red\", \"  red \", \"\", \"" + "x".repeat(201) + "\"]}",
                "{\"id\": \"good\", \"path\": \"img/good.png\"}",
                "{\"id\": \"missing\", \"path\": \"img/missing.png\"}",
                "{\"id\": \"zero\", \"path\": \"img/zero.png\"}",
                "{\"id\": \"truncated\", \"path\": \"img/truncated.png\"}",
                "{\"id\": \"text\", \"path\": \"img/text.png\"}",
                "{\"id\": \"bomb\", \"path\": \"img/bomb.png\"}",
                "{\"id\": \"clear\", \"path\": \"img/clear.png\"}",
                "{\"id\": \"features\", \"features\": [1, 2]}",
                "{\"id\": broken",
        };
        for (String l : lines) {
            manifest.writeBytes((l + "\n").getBytes(StandardCharsets.UTF_8));
        }
        manifest.writeBytes("{\"id\": \"latin1-".getBytes(StandardCharsets.UTF_8));
        manifest.write(0xE9);
        manifest.writeBytes("\", \"path\": \"img/good.png\"}\n".getBytes(StandardCharsets.UTF_8));
        Path m = Files.write(dir.resolve("bad.jsonl"), manifest.toByteArray());

        ImportReport report = importManifest(m);
        assertThat(report.imported()).isEqualTo(1);
        Map<Problem.Kind, Long> counts = report.problemCounts();
        assertThat(counts).containsEntry(Problem.Kind.DUPLICATE_ID, 1L)
                .containsEntry(Problem.Kind.MISSING_FILE, 1L)
                .containsEntry(Problem.Kind.EMPTY_FILE, 1L)
                .containsEntry(Problem.Kind.CORRUPT_IMAGE, 1L)
                .containsEntry(Problem.Kind.UNSUPPORTED_FORMAT, 1L)
                .containsEntry(Problem.Kind.TOO_LARGE, 1L)
                .containsEntry(Problem.Kind.BLANK_IMAGE, 1L)
                .containsEntry(Problem.Kind.WRONG_SOURCE, 1L)
                .containsEntry(Problem.Kind.MALFORMED_LINE, 1L)
                .containsEntry(Problem.Kind.NOT_UTF8, 1L)
                .containsEntry(Problem.Kind.TAG_DROPPED, 2L);
        Map<String, String> byId = report.problems().stream().filter(p -> p.id() != null && p.kind().rejects())
                .collect(Collectors.toMap(Problem::id, Problem::reason, (a, b) -> a));
        assertThat(byId.get("good")).isEqualTo("id 'good' appears earlier in the manifest; the first one is kept");
        assertThat(byId.get("missing")).isEqualTo("file not found: '" + dir.resolve("img/missing.png") + "'");
        assertThat(byId.get("zero")).isEqualTo("'" + dir.resolve("img/zero.png") + "' is empty (0 bytes), not an image");
        assertThat(byId.get("truncated")).startsWith("'" + dir.resolve("img/truncated.png") + "' is a truncated or corrupt image");
        assertThat(byId.get("text")).endsWith("is not an image in a supported format; accepted: PNG, JPEG, GIF, BMP, TIFF, WebP, SVG");
        assertThat(byId.get("bomb")).endsWith("is 20000x20000 = 400000000 pixels; at most 40000000 pixels are accepted");
        assertThat(byId.get("clear")).isEqualTo("'" + dir.resolve("img/clear.png") + "' is blank: fully transparent or one flat "
                + "colour leaves no visual features to search with");
        assertThat(byId.get("features")).startsWith("has precomputed 'features' but this import encodes images with descriptor/512/1");
        assertThat(report.problems()).anySatisfy(p -> assertThat(p.toString())
                .isEqualTo("line 1 (id 'good'): tag-dropped: tag '' dropped: tag is empty after trimming"));
        assertThat(report.problems()).anySatisfy(p -> assertThat(p.reason())
                .endsWith("dropped: tag has 201 characters; at most 200 are accepted"));
        assertThat(report.problems()).anySatisfy(p -> assertThat(p.toString()).startsWith("line 10: malformed-line: malformed JSON"));
        assertThat(report.problems()).anySatisfy(p -> assertThat(p.toString()).startsWith("line 11: not-utf8: line is not valid UTF-8"));

        // The one good image is there, with its one normalised tag; nothing of the rejected ones.
        assertThat(count("MATCH (i:Image) RETURN count(i)")).isEqualTo(1);
        Object goodTags = db.executeTransactionally("MATCH (:Image {id: 'good'})-[:TAGGED]->(t) RETURN collect(t.name) AS n",
                Map.of(), r -> r.next().get("n"));
        assertThat(goodTags).isEqualTo(List.of("red"));
        assertThat(good).exists();
    }

    @Test
    void nothingImportableIsAFailure() throws Exception {
        Path m = Files.writeString(dir.resolve("none.jsonl"), "{\"id\": \"a\", \"path\": \"nope.png\"}\n");
        ImportReport report = importManifest(m);
        assertThat(report.failedCompletely()).isTrue();
        assertThat(count("MATCH (i:Image) RETURN count(i)")).isZero();
    }

    @Test
    void precomputedFeaturesAreValidatedAgainstTheDeclaredEncoder() throws Exception {
        Path m = Files.writeString(dir.resolve("f.jsonl"), String.join("\n",
                "{\"id\": \"a\", \"features\": [1, 0, 0, 0], \"tags\": [\"x\"]}",
                "{\"id\": \"b\", \"features\": [0.9, 0.1, 0, 0], \"tags\": [\"x\", \"y\"]}",
                "{\"id\": \"short\", \"features\": [1, 0, 0]}",
                "{\"id\": \"zero\", \"features\": [0, 0, 0, 0]}",
                "{\"id\": \"nan\", \"features\": [1, 0, 0, 1e999]}",
                "{\"id\": \"img\", \"path\": \"a.png\"}") + "\n");
        EncoderIdentity clip = EncoderIdentity.parse("clip-test/4/1");
        ImportOptions options = new ImportOptions(m, 2, 1000, TagFeatures.Init.CENTROID, clip, true, Map.of(), false);
        ImportReport report = importWith(options);
        assertThat(report.imported()).isEqualTo(2);
        Map<String, String> byId = new HashMap<>();
        report.problems().forEach(p -> byId.put(p.id(), p.reason()));
        assertThat(byId.get("short")).isEqualTo("'features' has 3 values; encoder clip-test/4/1 has 4");
        assertThat(byId.get("zero")).isEqualTo("'features' is all zeros; cosine similarity is undefined for it");
        assertThat(byId.get("nan")).isEqualTo("'features' element 3 is Infinity; only finite numbers are accepted");
        assertThat(byId.get("img")).startsWith("has an image 'path' but this import takes precomputed features of clip-test/4/1");

        // Centroid initialisation: tag x is the unit mean of a and b; y is b's direction.
        float[] x = Vectors.toFloats(db.executeTransactionally("MATCH (t:Tag {name: 'x'}) RETURN t.features AS f",
                Map.of(), r -> r.next().get("f")));
        float[] expected = TagFeatures.centroid(List.of(new float[] {1, 0, 0, 0}, new float[] {0.9f, 0.1f, 0, 0}));
        assertThat(x).containsExactly(expected, within(1e-6f));
        assertThat(report.tagCentroids()).isEqualTo(2);

        // A later import with another encoder is refused before anything is written.
        assertThatThrownBy(() -> importManifest(fixture))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("this graph's features come from encoder clip-test/4/1 but this import uses descriptor/512/1");
        assertThat(count("MATCH (i:Image) RETURN count(i)")).isEqualTo(2);
    }

    @Test
    void aTfjsOrFusedImportIntoADescriptorCatalogIsRefusedBeforeAnythingIsWritten() throws Exception {
        importManifest(fixture);
        long images = count("MATCH (i:Image) RETURN count(i)");
        Path tiny = Path.of("../model/src/test/resources/tfjs/tiny");
        for (String spec : List.of("tfjs:" + tiny + "/gap", "descriptor+tfjs:" + tiny + "/gap")) {
            try (mmr.model.encode.ImageEncoder other = mmr.model.encode.Encoders.open(spec)) {
                GraphWriter writer = new GraphWriter(new EmbeddedCypher(db, "test"));
                assertThatThrownBy(() -> new Importer(writer, other, ImportOptions.defaults(fixture)).run())
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageStartingWith("this graph's features come from encoder descriptor/512/1 but this import uses "
                                + other.identity() + "; features of different encoders cannot be compared");
            }
        }
        assertThat(count("MATCH (i:Image) RETURN count(i)")).isEqualTo(images);
    }

    private Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] png(java.awt.image.BufferedImage image) {
        return TestImages.bytes(image, "png");
    }
}
