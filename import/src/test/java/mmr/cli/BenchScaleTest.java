package mmr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchScaleTest {
    private record Run(int code, String err) {}

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new BenchScale()).setOut(new PrintWriter(new StringWriter()))
                .setErr(new PrintWriter(err, true)).execute(args);
        return new Run(code, err.toString());
    }

    @Test
    void refusesImagesAndDimensionsOutOfRangeNamingTheValueAndTheRange(@TempDir Path dir) {
        Run few = run("--images", "10", "--dir", dir.toString());
        assertThat(few.code()).isEqualTo(2);
        assertThat(few.err()).contains("--images must be from 1,000 to 10,000,000, got 10");
        Run wide = run("--images", "1000", "--dimension", "5000", "--dir", dir.toString());
        assertThat(wide.err()).contains("--dimension must be from 16 to 4096 (Neo4j's vector index limit), got 5000");
        Run stage = run("--images", "1000", "--stages", "imprt", "--dir", dir.toString());
        assertThat(stage.err()).contains("--stages takes generate, import, knn, candidates, train, search; got 'imprt'");
        Run probe = run("--images", "1000", "--probe-candidates", "24,0", "--dir", dir.toString());
        assertThat(probe.err()).contains("--probe-candidates takes counts from 1 to 10,000, got 0");
        Run batch = run("--images", "1000", "--train-write-batch", "-5", "--dir", dir.toString());
        assertThat(batch.err()).contains("--knn-write-batch and --train-write-batch must be 0 (chosen by the heap) or positive, got 0 and -5");
        Run ef = run("--images", "1000", "--ef-construction", "-5", "--dir", dir.toString());
        assertThat(ef.err()).contains("--ef-construction and --knn-candidates must be 0 (the default) or positive, got -5 and 0");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void refusesADiskTooSmallWithTheEstimateBeforeWritingAnything(@TempDir Path dir) {
        // 10M images of 4,096 dimensions: hundreds of GB, more than a test machine's disk
        Run big = run("--images", "10000000", "--dimension", "4096", "--dir", dir.toString());
        assertThat(big.code()).isEqualTo(2);
        assertThat(big.err()).containsPattern("10,000,000 images of 4096 dimensions need about [0-9.]+ GB on disk .* GB free");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aStageNeedsTheOnesBeforeIt(@TempDir Path dir) {
        Run knn = run("--images", "1000", "--stages", "knn", "--dir", dir.toString());
        assertThat(knn.err()).contains("stage 'knn' needs 'generate' first; add it to --stages");
    }

    /** The smallest catalog through import and kNN, then the candidates probe: what it records, and that it is sane. */
    @Test
    @SuppressWarnings("unchecked")
    void theCandidatesProbeRecordsRecallAndTimePerCandidateCount(@TempDir Path dir) throws Exception {
        Run r = run("--images", "1000", "--dimension", "64", "--dir", dir.toString(), "--stages", "generate,import,knn,candidates",
                "--probe-candidates", "6,48", "--queries", "10");
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, Object> stages = (Map<String, Object>) new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(dir.resolve("scale.json").toFile(), Map.class).get("stages");
        Map<String, Map<String, Number>> probe = (Map<String, Map<String, Number>>) ((Map<String, Object>) stages.get("candidates"))
                .get("candidateRecall");
        assertThat(probe).containsOnlyKeys("6", "48");
        assertThat(probe.get("48").get("recall").doubleValue()).isGreaterThanOrEqualTo(probe.get("6").get("recall").doubleValue())
                .isGreaterThan(0.9).isLessThanOrEqualTo(1.0);
        assertThat(probe.get("6").get("p50Millis").doubleValue()).isPositive();
        assertThat(((Number) ((Map<String, Object>) stages.get("knn")).get("similarRecall")).doubleValue()).isGreaterThan(0.9);
    }

    @Test
    void aHeapTooSmallNamesTheSettingAndHowMuchToAdd() {
        assertThat(ScaleLimits.heapProblem("knn", 1_000_000, 960, 14L << 30)).isNull();
        String problem = ScaleLimits.heapProblem("knn", 1_000_000, 960, 4L << 30);
        assertThat(problem).isEqualTo("stage 'knn' on 1,000,000 images of 960 dimensions needs about 9 GB of heap; this JVM has "
                + "4.0 GB: raise it by 5 GB (MMR_JAVA_OPTS=-Xmx9g ./mmr bench scale …)");
        assertThat(ScaleLimits.neededHeapBytes("train", 1_000_000, 960)).isLessThan(ScaleLimits.neededHeapBytes("knn", 1_000_000, 960));
    }

    @Test
    void plannedBytesShrinkAsStagesFinish() {
        long all = ScaleLimits.plannedBytes(100_000, 960, Map.of());
        long afterImport = ScaleLimits.plannedBytes(100_000, 960, Map.of("generate", 1, "import", 1));
        assertThat(all).isGreaterThan(afterImport).isGreaterThan(100_000L * 960 * 9);
        assertThat(ScaleLimits.plannedBytes(100_000, 960, Map.of("generate", 1, "import", 1, "train", 1))).isZero();
    }

    @Test
    void storeSizesGroupIndexFilesByIndex(@TempDir Path home) throws Exception {
        Path db = home.resolve("data/databases/neo4j");
        Files.createDirectories(db.resolve("schema/index/vector-2.0/7/a"));
        Files.write(db.resolve("schema/index/vector-2.0/7/a/x.vec"), new byte[3 << 20]);
        Files.write(db.resolve("schema/index/vector-2.0/7/y.vec"), new byte[1 << 20]);
        Files.write(db.resolve("neostore.propertystore.db.arrays"), new byte[2 << 20]);
        assertThat(StoreMeasures.storeSizes(home)).containsEntry("schema/index/vector-2.0/7", 4L)
                .containsEntry("neostore.propertystore.db.arrays", 2L).containsEntry("total", 6L);
    }

    @Test
    void theGrowthExponentIsTheLogLogSlopeFromTheGivenSizeUp() {
        java.util.List<BenchScaleReport.Run> runs = java.util.List.of(
                new BenchScaleReport.Run(10_000, 960, Map.of("knn", Map.of("seconds", 1.0))),
                new BenchScaleReport.Run(100_000, 960, Map.of("knn", Map.of("seconds", 10.0))),
                new BenchScaleReport.Run(1_000_000, 960, Map.of("knn", Map.of("seconds", 1000.0))));
        assertThat(BenchScaleReport.exponent(runs, "knn", 100_000)).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(BenchScaleReport.exponent(runs, "knn", 10_000)).isCloseTo(1.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(BenchScaleReport.exponent(runs, "train", 10_000)).isNull();
    }

    @Test
    void heapPlusPageCacheMustLeaveRoomForWhatLivesOutsideBoth() {
        long gb = 1L << 30;
        String problem = ScaleLimits.memorySplitProblem("train", 14 * gb, ScaleLimits.parseBytes("6g"), 24 * gb - gb / 2);
        assertThat(problem).startsWith("stage 'train': heap 14.0 GB + page cache 6.0 GB + about 4 GB outside both")
                .contains("more than this machine's 23.5 GB; lower -Xmx or --page-cache");
        assertThat(ScaleLimits.memorySplitProblem("train", 10 * gb, ScaleLimits.parseBytes("3g"), 24 * gb - gb / 2)).isNull();
        assertThat(ScaleLimits.parseBytes("512m")).isEqualTo(512L << 20);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScaleLimits.parseBytes("lots"))
                .hasMessage("--page-cache takes a size like 3g or 512m, got 'lots'");
    }
}
