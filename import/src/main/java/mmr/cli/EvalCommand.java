package mmr.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import mmr.eval.EvalReport;
import mmr.eval.Evaluation;
import mmr.eval.TrainConfigText;
import mmr.ingest.emoji.EmojiDataset;
import mmr.model.tag.TagFeatures;

/** {@code mmr eval}: does the graph help this catalog? Held-out images against the baselines, in one run. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Builds an evaluation database from a manifest in a temporary folder (held-out images removed "
                + "before kNN and training), sends every held-out image to mmr.search / mmr.predictTags as new bytes and "
                + "to the baselines (visual, hardFilter, lateFusion, tagProjection, neighbourVotes), and writes results.json, "
                + "results.md and plots. Seeded: two runs print the same numbers. See docs/evaluation.md."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:evaluated", "2:bad arguments or input (nothing written)", "3:the evaluation database failed"})
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CacheOption cache;

    @Option(names = {"-m", "--manifest"}, paramLabel = "FILE",
            description = "Catalog manifest with image paths (default: the emoji catalog, fetched into the cache)")
    Path manifest;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "mmr-eval",
            description = "Folder for results.json, results.md and the plots (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--holdout", paramLabel = "SHARE", defaultValue = "0.1",
            description = "Share of the concepts with two or more images (or of images, without concept metadata or when no concept has two) held out as queries, one image each, in (0, 0.5] "
                    + "(default: ${DEFAULT-VALUE})")
    double holdout;

    @Option(names = "--dropout", paramLabel = "P", split = ",", defaultValue = "0,0.5",
            description = "Shares of the catalog's TAGGED edges removed before training, each in [0, 1) (default: ${DEFAULT-VALUE})")
    List<Double> dropouts;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the split, dropout, keywords and intervals (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--encoder", paramLabel = "SPEC", defaultValue = CacheOption.DEFAULT_ENCODER,
            description = "Image encoder of the catalog and the queries, as for mmr import (default: ${DEFAULT-VALUE})")
    String encoder;

    @Option(names = "--train", paramLabel = "CONFIG", defaultValue = "{}",
            description = "The mmr.train config map, in Cypher (default: ${DEFAULT-VALUE}: the defaults)")
    String train;

    @Option(names = "--tag-init", paramLabel = "random|centroid", defaultValue = "centroid",
            description = "Tag feature initialisation at import (default: ${DEFAULT-VALUE})")
    String tagInit;

    @Option(names = "--knn-top-k", paramLabel = "K", defaultValue = "5", description = "Visual neighbours per image (default: ${DEFAULT-VALUE})")
    int knnTopK;

    @Option(names = "--knn-cutoff", paramLabel = "COSINE", defaultValue = "0.65", description = "Minimum cosine of a SIMILAR edge (default: ${DEFAULT-VALUE})")
    double knnCutoff;

    @Option(names = "--quick", description = "At most 20 queries and one dropout level (0 unless --dropout is given): a smoke run for tests")
    boolean quick;

    @Option(names = "--quiet", description = "No progress lines")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TagFeatures.Init init;
        Evaluation.Options options;
        try {
            init = TagFeatures.Init.parse(tagInit);
            if (manifest != null && !Files.isRegularFile(manifest)) {
                throw new IllegalArgumentException("manifest not found: '" + manifest + "'");
            }
            boolean dropoutGiven = spec.commandLine().getParseResult().hasMatchedOption("--dropout");
            options = new Evaluation.Options(manifest, holdout, quick && !dropoutGiven ? List.of(0.0) : dropouts, seed, TrainConfigText.parse(train), init, knnTopK,
                    knnCutoff, quick ? 20 : 0, !quiet);
            requireWritable(out);
        } catch (IllegalArgumentException e) {
            err.println("mmr eval: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        if (manifest == null) {
            EmojiDataset dataset = cache.emoji();
            Path source = dataset.build(dataset.prepare(), EmojiDataset.Options.all(), null);
            options = options.withManifest(source);
        }
        List<Map<String, Object>> rows;
        Evaluation evaluation = new Evaluation(options, o, new Evaluation.EncoderSource(encoder, () -> cache.encoder(encoder),
                cache.modelsRoot(encoder)));
        try {
            rows = evaluation.run();
        } catch (IllegalArgumentException e) {
            err.println("mmr eval: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        String header = String.format(Locale.ROOT, "`mmr eval --manifest %s --holdout %s --dropout %s --seed %d --train \"%s\" "
                        + "--tag-init %s --knn-top-k %d --knn-cutoff %s%s%s`", manifest == null ? "(emoji)" : manifest.getFileName(),
                holdout, options.dropouts().stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse(""), seed,
                train, init, knnTopK, knnCutoff, " --encoder " + encoder, quick ? " --quick" : "") + "\n\n" + evaluation.splitSummary() + ".";
        for (Path p : EvalReport.write(out, rows, header)) {
            o.println("wrote " + p);
        }
        return 0;
    }

    private static void requireWritable(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".mmr-eval", ".probe");
            Files.delete(probe);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("output folder '" + dir + "' is not writable (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }
}
