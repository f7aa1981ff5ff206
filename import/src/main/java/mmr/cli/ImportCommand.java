package mmr.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import mmr.ingest.ImportOptions;
import mmr.ingest.ImportReport;
import mmr.ingest.Importer;
import mmr.ingest.Problem;
import mmr.ingest.graph.GraphWriter;
import mmr.model.encode.EncoderIdentity;
import mmr.model.encode.ImageEncoder;
import mmr.model.image.ImageDecoder;
import mmr.model.tag.TagFeatures;

/** {@code mmr import}: a catalog manifest into the graph. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Imports a catalog (manifest + images, or precomputed features) into Neo4j and rebuilds the visual kNN edges.",
                "Re-running is safe: ids already in the graph are skipped, so an interrupted import resumes."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:imported (or everything was already there)", "1:nothing could be imported",
                "2:bad arguments", "3:the database could not be reached or refused the work"})
public final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TargetOptions target;

    @Mixin
    CacheOption cache;

    @Option(names = {"-m", "--manifest"}, required = true, paramLabel = "FILE",
            description = "Manifest: JSON Lines {id, path|features, tags[], metadata{}} or CSV with header id,path,tags (tags separated by |)")
    Path manifest;

    @Option(names = "--encoder", paramLabel = "SPEC", defaultValue = CacheOption.DEFAULT_ENCODER,
            description = "Image encoder: descriptor, torchscript:<file.pt>, tfjs:<model>[/<layer>][@<side>] or several joined by + (fused, optional <weight>*), e.g. descriptor+tfjs:mobilenet_v2_mid@128 (default: ${DEFAULT-VALUE})")
    String encoder;

    @Option(names = "--features-encoder", paramLabel = "NAME/DIM/VERSION",
            description = "The manifest carries precomputed 'features' made by this encoder (e.g. clip-vit-b32/512/1)")
    String featuresEncoder;

    @Option(names = "--tag-init", paramLabel = "random|centroid", defaultValue = "centroid",
            description = "Tag feature initialisation (default: ${DEFAULT-VALUE})")
    String tagInit;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64", description = "Images per batch and transaction (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "" + ImageDecoder.DEFAULT_MAX_PIXELS,
            description = "Refuse images whose header declares more pixels (default: ${DEFAULT-VALUE})")
    long maxPixels;

    @Option(names = "--no-knn", description = "Do not rebuild the SIMILAR edges after importing")
    boolean noKnn;

    @Option(names = "--knn-top-k", paramLabel = "K", defaultValue = "5", description = "Visual neighbours per image (default: ${DEFAULT-VALUE})")
    int knnTopK;

    @Option(names = "--knn-cutoff", paramLabel = "COSINE", defaultValue = "0.65", description = "Minimum cosine of a SIMILAR edge (default: ${DEFAULT-VALUE})")
    double knnCutoff;

    @Option(names = "--knn-write-batch", paramLabel = "N", defaultValue = "0",
            description = "Rewrite SIMILAR edges N images per transaction (bounded memory for very large catalogs; "
                    + "not atomic). 0 (default): one transaction")
    int knnWriteBatch;

    @Option(names = "--report", paramLabel = "FILE", description = "Write every problem as JSON Lines to FILE")
    Path reportFile;

    @Option(names = "--quiet", description = "No progress bar")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(manifest)) {
            err.println("mmr import: manifest not found: '" + manifest + "'");
            return Main.EXIT_USAGE;
        }
        EncoderIdentity features = featuresEncoder == null ? null : EncoderIdentity.parse(featuresEncoder);
        Map<String, Object> knn = new LinkedHashMap<>();
        knn.put("topK", (long) knnTopK);
        knn.put("similarityCutoff", knnCutoff);
        knn.put("writeBatchSize", (long) knnWriteBatch);
        ImportOptions options = new ImportOptions(manifest, batchSize, maxPixels, TagFeatures.Init.parse(tagInit),
                features, !noKnn, knn, !quiet);
        try (ImageEncoder imageEncoder = features == null ? cache.encoder(encoder) : null;
             TargetOptions.Opened opened = target.open(features == null && target.embedded() ? cache.modelsRoot(encoder) : null)) {
            ImportReport report = new Importer(new GraphWriter(opened.cypher()), imageEncoder, options).run();
            print(report, opened.cypher().describe(), out);
            if (reportFile != null) {
                writeProblems(report, reportFile);
                out.println("Problems written to " + reportFile);
            }
            if (report.failedCompletely()) {
                err.println("mmr import: nothing could be imported; see the problems above");
                return Main.EXIT_NOTHING_IMPORTED;
            }
            return 0;
        }
    }

    static void print(ImportReport r, String where, PrintWriter out) {
        out.printf(Locale.ROOT, "Imported %d image(s) into %s in %.1f s (%.0f images/s; decode+encode %.1f s and write %.1f s, overlapped"
                + "%s)%n", r.imported(), where, r.importSeconds(), r.imagesPerSecond(), r.decodeEncodeSeconds(), r.writeSeconds(),
                r.knn() == null ? "" : String.format(Locale.ROOT, "; kNN below, %.1f s in all", r.seconds()));
        out.printf(Locale.ROOT, "  records %d, already present %d, rejected %d, tags created %d%s%n",
                r.records(), r.alreadyPresent(), r.rejected(), r.tagsCreated(),
                r.tagCentroids() > 0 ? ", tag centroids " + r.tagCentroids() : "");
        if (!r.problemCounts().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            r.problemCounts().forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k.label()).append(' ').append(v));
            out.println("  problems: " + sb);
            r.problems().stream().limit(20).forEach(p -> out.println("    " + p));
            if (r.problems().size() > 20) {
                out.println("    ... " + (r.problems().size() - 20) + " more (use --report FILE for all)");
            }
        }
        if (r.embedded() > 0) {
            out.println("  embedded " + r.embedded() + " new node(s) with the current model (mmr.embed; no retraining)");
        }
        Map<String, Object> knn = r.knn();
        if (knn != null) {
            out.printf(Locale.ROOT, "kNN: %s SIMILAR edges among %s images (cosine %s to %s, mean %s; %s without neighbours) in %.1f s%n",
                    knn.get("relationshipsWritten"), knn.get("images"), fmt(knn.get("minScore")), fmt(knn.get("maxScore")),
                    fmt(knn.get("meanScore")), knn.get("imagesWithoutNeighbours"), r.knnSeconds());
        }
    }

    private static String fmt(Object d) {
        return d instanceof Number n ? String.format(Locale.ROOT, "%.3f", n.doubleValue()) : "-";
    }

    private static void writeProblems(ImportReport report, Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Problem p : report.problems()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("line", p.line());
                row.put("id", p.id());
                row.put("kind", p.kind().label());
                row.put("reason", p.reason());
                w.write(json.writeValueAsString(row));
                w.write('\n');
            }
        }
    }
}
