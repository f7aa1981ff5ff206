package mmr.procedures.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.neo4j.harness.Neo4j;

import mmr.model.image.TestImages;
import mmr.procedures.testing.TrainedEmojiGraph;

/** Bad and hostile input to mmr.search: each a named, bounded error, and the store unchanged. */
@SuppressWarnings("unchecked")
class SearchInputErrorsTest extends TrainedEmojiGraph {
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
        String p = "CALL mmr.predictTags({id: '" + QUERY_ID + "'}, $c)";
        assertError(p, Map.of("c", Map.of("voters", "tags")), "'voters' must be one of 'attached', 'embedding', got 'tags'");
        assertError(s, Map.of("c", Map.of("voters", "embedding")), "Unknown config key 'voters'");
    }

    @Test
    void badImagesAreNamed() throws Exception {
        String s = "CALL mmr.search($q)";
        assertError(s, Map.of("q", Map.of("features", List.of(1.0, 2.0))), "'features' has 2 values", "descriptor/512/1 produces 512");
        List<Double> nan = new ArrayList<>(java.util.Collections.nCopies(512, 0.1));
        nan.set(7, Double.NaN);
        assertError(s, Map.of("q", Map.of("features", nan)), "'features' has NaN at index 7");
        assertError(s, Map.of("q", Map.of("bytes", "hello".getBytes())), "the query bytes is not an image in a supported format");
        byte[] png = queryPng();
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
        byte[] png = queryPng();
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
            String message = assertThrows(RuntimeException.class, () -> tx.execute(
                    "CREATE (n:Image {id: 'gone'}) DELETE n WITH n CALL mmr.search({node: n}) YIELD image RETURN image").hasNext())
                    .getMessage();
            assertThat(message).contains("mmr.search: 'node' is a node that has been deleted; pass an Image node that exists (or its 'id')");
            tx.rollback();
        }
    }

    /** Issue 24: SVG is a query format (bytes, base64 data URI, file); hostile documents get named errors. */
    @Test
    void svgQueriesAreSearchedAndHostileSvgIsNamed() throws Exception {
        byte[] heart = mmr.model.image.CraftedImages.svg("<path fill=\"#e53935\" d=\"M12,21.35L10.55,20.03C5.4,15.36 2,12.27 "
                + "2,8.5C2,5.41 4.42,3 7.5,3C9.24,3 10.91,3.81 12,5.08C13.09,3.81 14.76,3 16.5,3C19.58,3 22,5.41 22,8.5"
                + "C22,12.27 18.6,15.36 13.45,20.03L12,21.35Z\"/>");
        Files.write(importDir.resolve("heart.svg"), heart);
        String dataUri = "data:image/svg+xml;base64," + Base64.getEncoder().encodeToString(heart);
        for (Map<String, Object> q : List.of(Map.<String, Object>of("bytes", heart), Map.<String, Object>of("base64", dataUri),
                Map.<String, Object>of("file", "heart.svg"))) {
            assertThat(ids(q, Map.of("k", 5))).as(q.keySet().toString()).hasSize(5);
        }
        String s = "CALL mmr.search($q, $c)";
        Map<String, Object> none = Map.of();
        assertExactError(s, Map.of("q", Map.of("bytes", mmr.model.image.CraftedImages.svgBillionLaughs()), "c", none),
                "mmr.search: the query bytes declares entities in its DOCTYPE; entities are never expanded, so SVG documents "
                        + "that declare any are refused — remove the <!DOCTYPE …> line");
        assertExactError(s, Map.of("q", Map.of("bytes", mmr.model.image.CraftedImages.svg(
                        "<image href=\"http://169.254.169.254/latest\" width=\"24\" height=\"24\"/>")), "c", none),
                "mmr.search: the query bytes refers to 'http://169.254.169.254/latest' outside the document; only references "
                        + "to its own elements (#id) are followed — nothing is fetched, embedded images (data:) included");
        assertExactError(s, Map.of("q", Map.of("bytes", mmr.model.image.CraftedImages.svg("<script>alert(1)</script>")), "c", none),
                "mmr.search: the query bytes contains a <script> element; SVG scripts are never run, so such documents are refused");
        long t0 = System.nanoTime();
        assertExactError(s, Map.of("q", Map.of("bytes", mmr.model.image.CraftedImages.svgBlurredRectangles(9_000)), "c", none),
                "mmr.search: the query bytes took longer than 2000 ms to render and was abandoned; at most 2000 ms are spent on one SVG");
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds to abandon the render").isLessThan(5);
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
}
