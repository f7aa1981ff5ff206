package mmr.eval;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import mmr.eval.Holdout.Item;
import mmr.eval.Holdout.Split;
import mmr.ingest.ImportOptions;
import mmr.ingest.ImportReport;
import mmr.ingest.Importer;
import mmr.ingest.graph.EmbeddedCypher;
import mmr.ingest.graph.GraphWriter;
import mmr.model.encode.Encoders;
import mmr.model.encode.ImageEncoder;
import mmr.model.image.ImageDecoder;
import mmr.model.tag.TagFeatures;
import mmr.progress.TrainProgress;
import mmr.server.EmbeddedNeo4j;

/**
 * {@code mmr eval}: held-out images are removed from a catalog before kNN and training ({@link Holdout}),
 * the rest is imported into a fresh embedded database (once per tag-dropout level), and every
 * held-out image is sent to mmr as a new image — through {@code bytes} — and to the baselines, with
 * the same queries, by one experiment class per setting. Relevance comes from evaluation-only
 * metadata when the catalog has it, otherwise from the full tag lists; neither is ever a feature,
 * tag or edge. See docs/evaluation.md.
 */
public final class Evaluation {
    /**
     * @param holdout     share of concepts (catalogs with {@code concept} metadata) or images held out, (0, 0.5]
     * @param dropouts    shares of the catalog's TAGGED edges removed before training, each in [0, 1)
     * @param trainConfig the mmr.train config map (passed to it as a parameter)
     * @param maxQueries  0: all held-out images; otherwise a seeded sample of them (the --quick mode)
     */
    public record Options(Path manifest, double holdout, List<Double> dropouts, long seed, Map<String, Object> trainConfig,
                          TagFeatures.Init tagInit, int knnTopK, double knnCutoff, int maxQueries, boolean progress) {
        public Options {
            if (!(holdout > 0 && holdout <= 0.5)) {
                throw new IllegalArgumentException("--holdout must be in (0, 0.5], got " + holdout);
            }
            for (double p : dropouts) {
                if (!(p >= 0 && p < 1)) {
                    throw new IllegalArgumentException("--dropout must be in [0, 1), got " + p);
                }
            }
            trainConfig = Map.copyOf(trainConfig);
        }

        public Options withManifest(Path other) {
            return new Options(other, holdout, dropouts, seed, trainConfig, tagInit, knnTopK, knnCutoff, maxQueries, progress);
        }
    }

    /**
     * The image encoder the catalog and the queries are encoded with, and where the evaluation's
     * server finds its model to encode the query bytes (null for the descriptor).
     */
    public record EncoderSource(String spec, Supplier<ImageEncoder> open, Path modelsRoot) {
        public static final EncoderSource DESCRIPTOR = new EncoderSource("descriptor", () -> Encoders.open("descriptor"), null);
    }

    /** The settings and methods the rows hold (the report reads them). */
    public static final List<String> CONNECTS = ImageQueries.CONNECTS;
    public static final List<String> METRICS = EvalRows.METRICS;
    public static final Map<String, Map<String, Object>> GEODESIC_ABLATIONS = KeywordQueries.GEODESIC_ABLATIONS;
    public static final Map<String, Map<String, Object>> RERANK_VARIANTS = RerankRows.VARIANTS;

    private final Options options;
    private final PrintWriter out;
    private final EncoderSource encoders;
    private final EvalRows rows;
    private String splitSummary;

    public Evaluation(Options options, PrintWriter out) {
        this(options, out, EncoderSource.DESCRIPTOR);
    }

    public Evaluation(Options options, PrintWriter out, EncoderSource encoders) {
        this.options = options;
        this.out = out;
        this.encoders = encoders;
        this.rows = new EvalRows(options.seed());
    }

    public List<Map<String, Object>> rows() {
        return rows.all();
    }

    public static String label(Map<String, Object> row) {
        return EvalRows.label(row);
    }

    /** After {@link #run}: the catalog's size, the queries' count and how they were held out, as the run printed it. */
    public String splitSummary() {
        return splitSummary;
    }

    public List<Map<String, Object>> run() throws IOException {
        long t0 = System.nanoTime();
        List<Item> all = Holdout.read(options.manifest());
        try (ImageEncoder encoder = encoders.open().get()) {
            long e0 = System.nanoTime();
            Holdout.encode(all, encoder);
            progress("encoded %d images with %s in %.1f s", all.size(), encoder.identity(), (System.nanoTime() - e0) / 1e9);
            Split split = Holdout.split(all, options.holdout(), options.seed(), options.maxQueries());
            splitSummary = String.format(Locale.ROOT, "%d catalog images, %d held-out queries (%s)", split.catalog().size(),
                    split.queries().size(), split.byConcept() ? "one image of " + pct(options.holdout())
                            + " of the concepts with two or more images" : pct(options.holdout()) + " of images");
            out.printf(Locale.ROOT, "mmr eval: %s, dropout %s, train %s%n", splitSummary, options.dropouts(),
                    TrainConfigText.format(options.trainConfig()));
            for (double p : options.dropouts()) {
                evaluate(split, p, encoder);
            }
        }
        out.printf(Locale.ROOT, "mmr eval: done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return rows.all();
    }

    /** One dropout level: its own database, every experiment on it, then its rows printed. */
    private void evaluate(Split split, double dropout, ImageEncoder encoder) throws IOException {
        withRound(split, dropout, encoder, round -> {
            List<Double> rerankMillis = score(round);
            if (options.maxQueries() == 0) {
                Modification.run(round);   // read-only; not in --quick runs
                rows.add(RerankRows.costRow(round, rerankMillis));
            }
            if (dropout > 0) {
                MoreMetadata.run(round, options.trainConfig());
            } else if (options.maxQueries() == 0) {
                Feedback.run(round);       // writes feedback edges; not in --quick runs
            }
        });
        rows.print(out, dropout);
    }

    /** Work on one dropout level's database. */
    interface RoundWork {
        void run(Round round) throws IOException;
    }

    /**
     * Builds the database of one dropout level in a temporary folder (the catalog without its dropped
     * tags, kNN, training), runs {@code work} on it, and deletes it.
     */
    void withRound(Split split, double dropout, ImageEncoder encoder, RoundWork work) throws IOException {
        List<Set<String>> graphTags = Holdout.graphTags(split.catalog(), options.seed(), dropout);
        Path dir = Files.createTempDirectory("mmr-eval");
        try {
            Path manifest = dir.resolve("catalog.jsonl");
            Holdout.writeManifest(manifest, split.catalog(), graphTags);
            try (EmbeddedNeo4j neo4j = EmbeddedNeo4j.start(dir.resolve("neo4j"), EmbeddedNeo4j.OFF, EmbeddedNeo4j.OFF, false, null,
                    encoders.modelsRoot())) {
                EmbeddedCypher cypher = new EmbeddedCypher(neo4j.db(), "mmr eval");
                EvalSearch search = new EvalSearch(cypher, split.catalog());
                build(cypher, search, manifest, encoder, dropout);
                work.run(new Round(options, split, dropout, graphTags, search, rows));
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** The held-out queries of every setting against the round's database; returns mmr.rerank's default call times. */
    static List<Double> score(Round round) {
        ImageQueries.run(round);
        ImageKeywordQueries.run(round);
        KeywordQueries.run(round);
        List<Double> rerankMillis = RerankRows.run(round);
        GeodesicWalks.run(round);
        TagPrediction.run(round);
        round.emitRows();
        return rerankMillis;
    }

    /** {@link #score} on another round of the same database, the new rows' settings prefixed by {@code variant}. */
    static void scoreAs(String variant, Round round) {
        int from = round.rows.size();
        score(round);
        round.rows.prefixSettings(from, variant);
    }

    private void build(EmbeddedCypher cypher, EvalSearch search, Path manifest, ImageEncoder encoder, double dropout)
            throws IOException {
        Map<String, Object> knn = new LinkedHashMap<>();
        knn.put("topK", (long) options.knnTopK());
        knn.put("similarityCutoff", options.knnCutoff());
        ImportOptions io = new ImportOptions(manifest, 256, ImageDecoder.DEFAULT_MAX_PIXELS, options.tagInit(),
                encoder.identity(), true, knn, false);
        ImportReport report = new Importer(new GraphWriter(cypher), null, io).run();
        progress("dropout %s: imported %d images, kNN in %.1f s", dropout, report.imported(), report.knnSeconds());
        long t0 = System.nanoTime();
        Map<String, Object> row;
        try (TrainProgress shown = options.progress() ? new TrainProgress(cypher, new PrintWriter(System.err, true)) : null) {
            row = search.train(options.trainConfig());
        }
        List<?> losses = (List<?>) row.get("epochLosses");
        progress("dropout %s: trained in %.1f s (final loss %s, ridge lambda %s)", dropout, (System.nanoTime() - t0) / 1e9,
                losses.isEmpty() ? "-" : String.format(Locale.ROOT, "%.4f", ((Number) losses.get(losses.size() - 1)).doubleValue()),
                row.get("config") instanceof Map<?, ?> config ? config.get("ridgeLambda") : "-");
    }

    private void progress(String format, Object... args) {
        if (options.progress()) {
            System.err.printf(Locale.ROOT, "  " + format + "%n", args);
        }
    }

    private static String pct(double x) {
        return String.format(Locale.ROOT, "%.0f %%", 100 * x);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
