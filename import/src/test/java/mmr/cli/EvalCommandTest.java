package mmr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mmr.procedures.testing.EmojiFixture;

/**
 * {@code mmr eval --quick} on the committed fixture (an embedded database of its own, held-out images
 * sent as bytes): the outputs other tools read, and every bad input of the issue's list. The metrics
 * themselves are checked on hand-made rankings in the model module's RankingMetricsTest.
 */
class EvalCommandTest {
    static final Set<String> KEYS = Set.of("setting", "dropout", "method", "connect", "visualWeight", "queries", "ndcg5",
            "twin10", "subcat10", "recall50", "precision10", "tagPrecision5", "visual10", "keyword10", "ndcg5Interval",
            "twin10Interval", "subcat10Interval", "recall50Interval", "precision10Interval", "tagPrecision5Interval",
            "visual10Interval", "keyword10Interval");

    @TempDir
    Path dir;

    private static CliTest.Run run(String... args) {
        return CliTest.run(args);
    }

    private Path fixture() throws Exception {
        return EmojiFixture.manifest();
    }

    @Test
    @SuppressWarnings("unchecked")
    void quickRunWritesResultsOtherToolsCanRead() throws Exception {
        Path out = dir.resolve("eval");
        CliTest.Run r = run("eval", "--manifest", fixture().toString(), "--quick", "--quiet", "--out", out.toString(),
                "--train", "{embeddingDimension: 16, epochs: 3}");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("held-out queries").contains("nDCG@5");
        List<Map<String, Object>> rows = new ObjectMapper().readValue(out.resolve("results.json").toFile(), List.class);
        List<String> walks = List.of("geodesic", "geodesic(imagesOnly)", "geodesic(maxHops 4)");
        List<String> keywordWalks = new java.util.ArrayList<>(List.of("mmr", "mmr(cosine)"));
        keywordWalks.addAll(mmr.eval.Evaluation.GEODESIC_ABLATIONS.keySet());
        for (Map<String, Object> row : rows) {
            if ("geodesic.retrievable".equals(row.get("setting"))) {   // the share of queries with 10 results along the graph
                Set<String> keys = new java.util.HashSet<>(KEYS);
                keys.addAll(List.of("querySetting", "retrievable", "millisP50", "millisP99"));
                assertThat(row.keySet()).isEqualTo(keys);
                assertThat(((Number) row.get("retrievable")).doubleValue()).isBetween(0.0, 1.0);
                assertThat(row.get("method")).isIn(java.util.stream.Stream.concat(walks.stream(), keywordWalks.stream()).toList());
                continue;
            }
            assertThat(row.keySet()).isEqualTo(KEYS);
            assertThat(row.get("setting")).isIn("image", "imageKeyword", "keyword", "tagPrediction");
            assertThat(row.get("method")).isIn(java.util.stream.Stream.concat(java.util.stream.Stream.of("visual", "hardFilter",
                    "lateFusion", "neighbourVotes", "neighbourVotes(k 10)", "neighbourVotes(k 3)", "neighbourVotes(k 7)", "tagProjection", "tagProjection(lambda 0.001)", "tagProjection(lambda 0.003)", "tagProjection(lambda 0.01)",
                    "tagProjection(lambda 0.03)", "tagProjection(lambda 0.1)", "tagProjection(lambda 0.3)", "tagProjection(lambda 3.0)",
                    "tagProjection(lambda 1.0, rank 128)", "tagProjection(lambda 1.0, rank 384)", "tagProjection(lambda 0.1, rank 128)",
                    "tagProjection(lambda 0.1, rank 384)",
                    "mmr+tagProjection", "mmr+tagProjection(lambda 0.001)", "mmr+tagProjection(lambda 0.003)",
                    "mmr+tagProjection(lambda 0.01)", "mmr+tagProjection(lambda 0.03)", "mmr+tagProjection(lambda 0.1)",
                    "mmr+tagProjection(lambda 0.3)", "mmr+tagProjection(lambda 3.0)", "mmr(voteWeight 0.0)", "mmr(voteWeight 0.25)", "mmr(voteWeight 0.5)", "mmr(voteWeight 0.75)", "mmr(voteWeight 1.0)", "mmr(concept embedding)",
                    "mmr(neighbors 3)", "mmr(neighbors 5)", "mmr(neighbors 7)", "mmr(neighbors 10)", "mmr(voters attached)", "mmr(similarityCutoff 0)", "mmr(similarityCutoff 0, neighbors 10)"),
                    java.util.stream.Stream.concat(walks.stream(),
                    java.util.stream.Stream.concat(keywordWalks.stream(), mmr.eval.Evaluation.RERANK_VARIANTS.keySet().stream()
                            .flatMap(v -> java.util.stream.Stream.of(v + "(hardFilter)", v + "(mmr)"))))).toList());
            if (!String.valueOf(row.get("method")).startsWith("mmr")) {
                assertThat(row.get("connect")).isNull();
                assertThat(row.get("visualWeight")).isNull();
            }
            for (String k : KEYS) {
                if (k.endsWith("Interval") && row.get(k) != null) {
                    List<Number> ci = (List<Number>) row.get(k);
                    double mean = ((Number) row.get(k.replace("Interval", ""))).doubleValue();
                    assertThat(ci.get(0).doubleValue()).isLessThanOrEqualTo(mean + 1e-9);
                    assertThat(ci.get(1).doubleValue()).isGreaterThanOrEqualTo(mean - 1e-9);
                }
            }
        }
        // 3 connect modes × 5 slider positions for both image settings, plus every baseline
        assertThat(rows.stream().filter(x -> "mmr".equals(x.get("method")) && "image".equals(x.get("setting")))).hasSize(15);
        assertThat(rows).anySatisfy(x -> assertThat(x).containsEntry("setting", "tagPrediction").containsEntry("method", "neighbourVotes"));
        assertThat(rows).anySatisfy(x -> assertThat(x).containsEntry("setting", "keyword").containsEntry("method", "hardFilter"));
        Map<String, Object> visual = rows.stream().filter(x -> "image".equals(x.get("setting")) && "visual".equals(x.get("method")))
                .findFirst().orElseThrow();
        assertThat(((Number) visual.get("ndcg5")).doubleValue()).isBetween(0.0, 1.0);
        assertThat(Files.readString(out.resolve("results.md"))).contains("| image | 0.0 | visual |")
                .containsPattern("\n\\d+ catalog images, \\d+ held-out queries \\((one image of \\d+ % of the concepts with two or more "
                        + "images|\\d+ % of images)\\)\\.\n");
        for (String png : List.of("slider.png", "ndcg5.png", "keyword-recall-dropout.png")) {
            byte[] head = Files.readAllBytes(out.resolve(png));
            assertThat(head).startsWith(0x89, 'P', 'N', 'G');
        }

        Path again = dir.resolve("again");
        assertThat(run("eval", "--manifest", fixture().toString(), "--quick", "--quiet", "--out", again.toString(),
                "--train", "{embeddingDimension: 16, epochs: 3}").code()).isZero();
        assertThat(Files.readString(again.resolve("results.json"))).as("seeded: the same numbers twice")
                .isEqualTo(Files.readString(out.resolve("results.json")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void withDropoutMoreMetadataGivesTagsBackThroughMmrTagAndAgainstARetraining() throws Exception {
        Path out = dir.resolve("dropout");
        CliTest.Run r = run("eval", "--manifest", fixture().toString(), "--quick", "--quiet", "--dropout", "0.5", "--out",
                out.toString(), "--train", "{embeddingDimension: 16, epochs: 2}");
        assertThat(r.code()).as(r.err()).isZero();
        List<Map<String, Object>> rows = new ObjectMapper().readValue(out.resolve("results.json").toFile(), List.class);
        for (String variant : List.of("", "moreMetadata.", "retrained.")) {
            assertThat(rows).as(variant).anySatisfy(x -> assertThat(x).containsEntry("setting", variant + "keyword")
                    .containsEntry("method", "mmr"));
        }
        Map<String, Object> cost = rows.stream().filter(x -> "moreMetadata.cost".equals(x.get("setting"))).findFirst().orElseThrow();
        assertThat(((Number) cost.get("edges")).longValue()).isPositive();
        assertThat(((Number) cost.get("reembedded")).longValue()).isPositive();
        assertThat(((Number) cost.get("seconds")).doubleValue()).isPositive();
        assertThat(((Number) cost.get("retrainSeconds")).doubleValue()).isPositive();
    }

    @Test
    void badInputsExitWithCode2AndWriteNothing() throws Exception {
        Path out = dir.resolve("none");
        CliTest.Run holdout = run("eval", "--manifest", fixture().toString(), "--holdout", "0.7", "--out", out.toString());
        assertThat(holdout.code()).isEqualTo(2);
        assertThat(holdout.err()).contains("--holdout must be in (0, 0.5], got 0.7");
        CliTest.Run zero = run("eval", "--manifest", fixture().toString(), "--holdout", "0", "--out", out.toString());
        assertThat(zero.err()).contains("--holdout must be in (0, 0.5], got 0.0");
        CliTest.Run dropout = run("eval", "--manifest", fixture().toString(), "--dropout", "0,1", "--out", out.toString());
        assertThat(dropout.code()).isEqualTo(2);
        assertThat(dropout.err()).contains("--dropout must be in [0, 1), got 1.0");

        Path empty = dir.resolve("empty.jsonl");
        Files.writeString(empty, "");
        CliTest.Run noImages = run("eval", "--manifest", empty.toString(), "--out", out.toString());
        assertThat(noImages.code()).isEqualTo(2);
        assertThat(noImages.err()).contains("has 0 image(s) with a path; mmr eval needs at least 10");

        Path untagged = dir.resolve("untagged.jsonl");
        StringBuilder sb = new StringBuilder();
        for (String line : Files.readAllLines(fixture())) {
            sb.append(line.replaceAll("\"tags\":\\[[^\\]]*\\]", "\"tags\":[]")
                    .replace("\"path\":\"", "\"path\":\"" + fixture().getParent() + "/")).append('\n');
        }
        Files.writeString(untagged, sb);
        CliTest.Run noTags = run("eval", "--manifest", untagged.toString(), "--out", out.toString());
        assertThat(noTags.code()).isEqualTo(2);
        assertThat(noTags.err()).contains("has no tags; mmr eval compares visual and conceptual search");

        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        CliTest.Run notWritable = run("eval", "--manifest", fixture().toString(), "--out", file.resolve("sub").toString());
        assertThat(notWritable.code()).isEqualTo(2);
        assertThat(notWritable.err()).contains("output folder '" + file.resolve("sub") + "' is not writable");
        assertThat(out.resolve("results.json")).as("no partial results").doesNotExist();
    }
}
