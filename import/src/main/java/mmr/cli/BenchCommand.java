package mmr.cli;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import mmr.ingest.ImportOptions;
import mmr.ingest.ImportReport;
import mmr.ingest.Importer;
import mmr.ingest.emoji.EmojiDataset;
import mmr.ingest.graph.EmbeddedCypher;
import mmr.ingest.graph.GraphWriter;
import mmr.ingest.synthetic.SyntheticCatalog;
import mmr.model.encode.EncoderIdentity;
import mmr.model.encode.Encoders;
import mmr.model.encode.ImageEncoder;
import mmr.model.image.ImageDecoder;
import mmr.model.image.Raster;
import mmr.server.EmbeddedNeo4j;

/** {@code mmr bench}: the measurements behind docs/benchmarks.md, printed as they are taken. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: encoder throughput, emoji import end to end, synthetic import at scale.",
        subcommands = {BenchCommand.Encode.class, BenchCommand.Emoji.class, BenchCommand.Scale.class, BenchCommand.Sage.class,
                BenchCommand.Quality.class, BenchSearch.class})
public final class BenchCommand {

    /** Encoder throughput on real emoji PNGs and on 224-px JPEGs made from them. */
    @Command(name = "encode", mixinStandardHelpOptions = true,
            description = "Images/s of decode+encode for 64-px PNGs and 224-px JPEGs (median of rounds).")
    static final class Encode implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--images", defaultValue = "1024", description = "Images per round (default: ${DEFAULT-VALUE})")
        int count;

        @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds after one warm-up (default: ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--batch", defaultValue = "64", description = "Encode batch size (default: ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--torchscript", paramLabel = "FILE", description = "Also measure this TorchScript model")
        Path torchscript;

        @Option(names = "--encoder", paramLabel = "SPEC", description = "Also measure this encoder (repeatable), e.g. tfjs:inception_v3/mixed5 or descriptor+tfjs:mobilenet_v2_mid@128")
        List<String> encoders = new ArrayList<>();

        @Mixin
        CacheOption cache;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Path prepared = cache.emoji().prepare();
            List<byte[]> pngs = new ArrayList<>();
            try (Stream<Path> files = Stream.concat(Files.list(prepared.resolve("img/google/64")),
                    Files.list(prepared.resolve("img/twitter/64")))) {
                for (Path p : files.sorted().limit(count).toList()) {
                    pngs.add(Files.readAllBytes(p));
                }
            }
            List<byte[]> jpegs = new ArrayList<>();
            for (byte[] png : pngs) {
                jpegs.add(jpeg224(png));
            }
            out.printf(Locale.ROOT, "%d images per round, %d rounds, batch %d, %d cores%n", pngs.size(), rounds, batch,
                    Runtime.getRuntime().availableProcessors());
            try (ImageEncoder descriptor = Encoders.open("descriptor")) {
                measure(out, "descriptor  64-px PNG  decode+encode", descriptor, pngs);
                measure(out, "descriptor 224-px JPEG decode+encode", descriptor, jpegs);
            }
            if (torchscript != null) {
                try (ImageEncoder ts = Encoders.open("torchscript:" + torchscript)) {
                    measure(out, "torchscript(" + torchscript.getFileName() + ") 64-px PNG decode+encode", ts, pngs);
                }
            }
            for (String e : encoders) {
                try (ImageEncoder other = cache.encoder(e)) {
                    measure(out, e + " (" + other.identity().dimension() + "-d) 64-px PNG decode+encode", other, pngs);
                    measure(out, e + " 224-px JPEG decode+encode", other, jpegs);
                }
            }
            return 0;
        }

        private void measure(PrintWriter out, String label, ImageEncoder encoder, List<byte[]> images) {
            double[] rates = new double[rounds];
            double[] encodeShare = new double[rounds];
            ImageDecoder decoder = new ImageDecoder();
            for (int r = -1; r < rounds; r++) {
                long decodeNanos = 0;
                long encodeNanos = 0;
                for (int from = 0; from < images.size(); from += batch) {
                    List<byte[]> slice = images.subList(from, Math.min(images.size(), from + batch));
                    long t0 = System.nanoTime();
                    BufferedImage[] decoded = new BufferedImage[slice.size()];
                    IntStream.range(0, slice.size()).parallel().forEach(i -> {
                        try {
                            decoded[i] = decoder.decode(slice.get(i), "bench");
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    long t1 = System.nanoTime();
                    encoder.encode(Arrays.asList(decoded));
                    long t2 = System.nanoTime();
                    decodeNanos += t1 - t0;
                    encodeNanos += t2 - t1;
                }
                if (r >= 0) {
                    rates[r] = images.size() / ((decodeNanos + encodeNanos) / 1e9);
                    encodeShare[r] = encodeNanos / (double) (decodeNanos + encodeNanos);
                }
            }
            double[] sorted = rates.clone();
            Arrays.sort(sorted);
            out.printf(Locale.ROOT, "%-52s median %6.0f images/s (min %.0f, max %.0f; encode %.0f%% of time)%n", label,
                    sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1],
                    100 * Arrays.stream(encodeShare).sorted().toArray()[rounds / 2]);
            out.flush();
        }

        private static byte[] jpeg224(byte[] png) throws IOException {
            BufferedImage src = Raster.onWhite(ImageIO.read(new java.io.ByteArrayInputStream(png)));
            BufferedImage big = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = big.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(src, 0, 0, 224, 224, null);
            g.dispose();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(big, "jpg", out);
            return out.toByteArray();
        }
    }

    /** The whole emoji catalog into a fresh embedded database, as serve does on first run. */
    @Command(name = "emoji", mixinStandardHelpOptions = true,
            description = "Imports the full emoji catalog (fetch cached) into a fresh embedded database, with kNN.")
    static final class Emoji implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CacheOption cache;

        @Option(names = "--encoder", paramLabel = "SPEC", defaultValue = CacheOption.DEFAULT_ENCODER,
                description = "Image encoder, as for mmr import (default: ${DEFAULT-VALUE})")
        String encoderSpec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            long t0 = System.nanoTime();
            EmojiDataset dataset = cache.emoji();
            Path manifest = dataset.build(dataset.prepare(), EmojiDataset.Options.all(), null);
            long t1 = System.nanoTime();
            Path home = Files.createTempDirectory("mmr-bench-emoji");
            try (EmbeddedNeo4j neo4j = EmbeddedNeo4j.start(home, EmbeddedNeo4j.OFF, EmbeddedNeo4j.OFF);
                 ImageEncoder encoder = cache.encoder(encoderSpec)) {
                long t2 = System.nanoTime();
                EmbeddedCypher cypher = new EmbeddedCypher(neo4j.db(), "fresh embedded database");
                ImportReport report = new Importer(new GraphWriter(cypher), encoder, ImportOptions.defaults(manifest)).run();
                out.printf(Locale.ROOT, "manifest %.1f s (packages cached), database start %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9);
                ImportCommand.print(report, cypher.describe(), out);
                out.printf(Locale.ROOT, "emoji import end to end (encode + import + kNN): %.1f s%n", report.seconds());
            } finally {
                deleteTree(home);
            }
            return 0;
        }
    }

    /** A synthetic catalog of N images: import time, kNN time and peak heap. */
    @Command(name = "scale", mixinStandardHelpOptions = true,
            description = "Generates N synthetic images (512-d) and imports them into a fresh embedded database with kNN; prints times and peak heap.")
    static final class Scale implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--images", defaultValue = "20000", description = "Images (default: ${DEFAULT-VALUE})")
        long images;

        @Option(names = "--seed", defaultValue = "7")
        long seed;

        @Option(names = "--no-knn", description = "Skip kNN")
        boolean noKnn;

        @Option(names = "--knn-write-batch", defaultValue = "0", description = "mmr.knn writeBatchSize (default: ${DEFAULT-VALUE}, one transaction)")
        int knnWriteBatch;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Path dir = Files.createTempDirectory("mmr-bench-scale");
            try {
                SyntheticCatalog.Spec s = SyntheticCatalog.Spec.forImages(images, seed);
                Path manifest = dir.resolve("synthetic.jsonl");
                long t0 = System.nanoTime();
                SyntheticCatalog.write(s, manifest);
                out.printf(Locale.ROOT, "generated %d images (%d MB manifest) in %.1f s%n", images,
                        Files.size(manifest) >> 20, (System.nanoTime() - t0) / 1e9);
                out.flush();
                try (EmbeddedNeo4j neo4j = EmbeddedNeo4j.start(dir.resolve("neo4j"), EmbeddedNeo4j.OFF, EmbeddedNeo4j.OFF)) {
                    EmbeddedCypher cypher = new EmbeddedCypher(neo4j.db(), "fresh embedded database");
                    System.gc();
                    HeapPeak.reset();
                    ImportReport report = importSynthetic(s, manifest, cypher, !noKnn,
                            java.util.Map.of("writeBatchSize", (long) knnWriteBatch));
                    ImportCommand.print(report, cypher.describe(), out);
                    out.printf(Locale.ROOT, "peak heap during import%s: %d MB of %d MB max%n", noKnn ? "" : " and kNN",
                            HeapPeak.megabytes(), HeapPeak.maxMegabytes());
                }
            } finally {
                deleteTree(dir);
            }
            return 0;
        }
    }

    /** GraphSAGE inference per node: mmr's native pass (pure and over Neo4j) against GDS's stream. */
    @Command(name = "sage", mixinStandardHelpOptions = true,
            description = "Per-node GraphSAGE inference time (25x10 samples, 512-d features): native forward pass in memory, "
                    + "mmr.embed over Neo4j, and gds.beta.graphSage.stream, on one synthetic graph.")
    static final class Sage implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--images", defaultValue = "20000", description = "Synthetic images (default: ${DEFAULT-VALUE})")
        long images;

        @Option(names = "--rounds", defaultValue = "5", description = "Rounds (default: ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--native-only", description = "Only the in-memory forward pass (no database)")
        boolean nativeOnly;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            nativeInMemory(out);
            if (nativeOnly) {
                return 0;
            }
            Path dir = Files.createTempDirectory("mmr-bench-sage");
            try {
                SyntheticCatalog.Spec s = SyntheticCatalog.Spec.forImages(images, 7);
                Path manifest = dir.resolve("synthetic.jsonl");
                SyntheticCatalog.write(s, manifest);
                try (EmbeddedNeo4j neo4j = EmbeddedNeo4j.start(dir.resolve("neo4j"), EmbeddedNeo4j.OFF, EmbeddedNeo4j.OFF)) {
                    EmbeddedCypher cypher = new EmbeddedCypher(neo4j.db(), "bench");
                    importSynthetic(s, manifest, cypher, true, java.util.Map.of());
                    cypher.write("CALL mmr.train({trainer: 'gds', epochs: 1, maxIterations: 3})", java.util.Map.of());
                    long nodes = (Long) cypher.write("MATCH (n) WHERE n:Image OR n:Tag RETURN count(n) AS n", java.util.Map.of())
                            .get(0).get("n");
                    out.printf(Locale.ROOT, "graph: %d images, %d nodes with tags; model 128-d, samples 25/10, 512-d features%n", images, nodes);

                    // GDS: a model of the same shape, streamed for every node (projection excluded).
                    cypher.write("CALL gds.graph.project('bench', {Image: {properties: 'features'}, Tag: {properties: 'features'}}, "
                            + "{SIMILAR: {orientation: 'UNDIRECTED'}, TAGGED: {orientation: 'UNDIRECTED'}}) YIELD graphName RETURN graphName",
                            java.util.Map.of());
                    cypher.write("CALL gds.beta.graphSage.train('bench', {modelName: 'bench', featureProperties: ['features'], "
                            + "aggregator: 'mean', sampleSizes: [25, 10], embeddingDimension: 128, epochs: 1, maxIterations: 3, "
                            + "randomSeed: 42, concurrency: 1}) YIELD modelInfo RETURN modelInfo", java.util.Map.of());
                    double[] gdsPerNode = new double[rounds];
                    double[] embedPerNode = new double[rounds];
                    for (int r = -1; r < rounds; r++) {
                        long t0 = System.nanoTime();
                        cypher.write("CALL gds.beta.graphSage.stream('bench', {modelName: 'bench', concurrency: 1}) "
                                + "YIELD nodeId RETURN count(nodeId) AS n", java.util.Map.of());
                        long t1 = System.nanoTime();
                        cypher.write("MATCH (n:Image) WITH n LIMIT 2000 WITH collect(n) AS ns CALL mmr.embed(ns) YIELD nodes RETURN nodes",
                                java.util.Map.of());
                        long t2 = System.nanoTime();
                        if (r >= 0) {
                            gdsPerNode[r] = (t1 - t0) / 1e6 / nodes;
                            embedPerNode[r] = (t2 - t1) / 1e6 / 2000;
                        }
                    }
                    long t0 = System.nanoTime();
                    Object read = cypher.write("MATCH (n:Image) WITH n LIMIT 2000 RETURN sum(size(n.features)) AS n", java.util.Map.of())
                            .get(0).get("n");
                    out.printf(Locale.ROOT, "reading 'features' of 2000 images (%s floats): %.3f ms per node%n", read,
                            (System.nanoTime() - t0) / 1e6 / 2000);
                    Arrays.sort(gdsPerNode);
                    Arrays.sort(embedPerNode);
                    out.printf(Locale.ROOT, "gds.beta.graphSage.stream (all %d nodes, concurrency 1): median %.3f ms per node%n",
                            nodes, gdsPerNode[rounds / 2]);
                    out.printf(Locale.ROOT, "mmr.embed over Neo4j (2000 images, writes included):   median %.3f ms per node "
                            + "(%.1fx GDS)%n", embedPerNode[rounds / 2], embedPerNode[rounds / 2] / gdsPerNode[rounds / 2]);
                }
            } finally {
                deleteTree(dir);
            }
            return 0;
        }
    }

    /** Retrieval quality of training choices on a built catalog (a copy of it), against evaluation-only metadata. */
    @Command(name = "quality", mixinStandardHelpOptions = true,
            description = "Trains GraphSAGE variants on a copy of a built catalog (default: the emoji graph of mmr serve) and "
                    + "scores each by exact top-10 retrieval: the same emoji from the other vendor, and the same subcategory.")
    static final class Quality implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--db-dir", defaultValue = ".mmr/neo4j", description = "Neo4j home to copy (default: ${DEFAULT-VALUE})")
        Path source;

        @Option(names = "--k", defaultValue = "10", description = "Results scored per query (default: ${DEFAULT-VALUE})")
        int k;

        @Option(names = "--variant", paramLabel = "CONFIG", description = "An mmr.train config map to score instead of the "
                + "built-in variants, e.g. \"{epochs: 10}\" (repeatable)")
        List<String> variants;

        @Option(names = "--search", description = "Instead of training variants: score mmr.search itself (the query node and "
                + "the slider) with the catalog's current model, for each image as the query")
        boolean search;

        static final java.util.LinkedHashMap<String, String> VARIANTS = new java.util.LinkedHashMap<>();

        static {
            VARIANTS.put("defaults (epochs 5, relu)", "{}");
            VARIANTS.put("activation: sigmoid", "{activation: 'sigmoid'}");
            VARIANTS.put("searchDepth: 2", "{searchDepth: 2}");
            VARIANTS.put("epochs: 10", "{epochs: 10}");
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (!Files.isDirectory(source.resolve("data"))) {
                throw new IllegalArgumentException("--db-dir " + source + " holds no database; run ./mmr serve once to build the emoji graph");
            }
            Path dir = Files.createTempDirectory("mmr-bench-quality");
            try {
                copyTree(source, dir.resolve("neo4j"));
                try (EmbeddedNeo4j neo4j = EmbeddedNeo4j.start(dir.resolve("neo4j"), EmbeddedNeo4j.OFF, EmbeddedNeo4j.OFF)) {
                    EmbeddedCypher cypher = new EmbeddedCypher(neo4j.db(), "bench");
                    out.printf(Locale.ROOT, "%-42s %8s %10s %10s %12s %9s%n", "variant", "train s", "final loss", "twin@" + k,
                            "subcat P@" + k, "mean cos");
                    score(out, "visual features only (no graph)", cypher, "features", Double.NaN, Double.NaN);
                    if (search) {
                        score(out, "stored embeddings (no query node)", cypher, "embedding", Double.NaN, Double.NaN);
                        for (String config : List.of("{visualWeight: 1.0, connect: 'images'}", "{visualWeight: 1.0}",
                                "{visualWeight: 0.5}", "{visualWeight: 0.0}", "{visualWeight: 0.5, connect: 'tags'}")) {
                            searchScore(out, cypher, config);
                        }
                        tagScore(out, cypher);
                        return 0;
                    }
                    java.util.LinkedHashMap<String, String> chosen = new java.util.LinkedHashMap<>();
                    if (variants == null) {
                        chosen.putAll(VARIANTS);
                    } else {
                        variants.forEach(v -> chosen.put(v, v));
                    }
                    for (var v : chosen.entrySet()) {
                        long t0 = System.nanoTime();
                        Map<String, Object> row = cypher.write("CALL mmr.train(" + v.getValue() + ")", Map.of()).get(0);
                        List<?> losses = (List<?>) row.get("epochLosses");
                        double loss = ((Number) losses.get(losses.size() - 1)).doubleValue();
                        score(out, v.getKey(), cypher, "embedding", (System.nanoTime() - t0) / 1e9, loss);
                    }
                }
            } finally {
                deleteTree(dir);
            }
            return 0;
        }

        private void score(PrintWriter out, String name, EmbeddedCypher cypher, String property, double seconds, double loss) {
            List<mmr.eval.RetrievalMetrics.Item> items = new ArrayList<>();
            cypher.read("MATCH (i:Image) RETURN i." + property + " AS v, i.eval_concept AS c, i.eval_vendor AS vendor, "
                    + "i.eval_subcategory AS s", Map.of(), row -> items.add(new mmr.eval.RetrievalMetrics.Item(
                    mmr.model.vector.Vectors.toFloats(row.get("v")), (String) row.get("c"), (String) row.get("vendor"),
                    (String) row.get("s"))));
            mmr.eval.RetrievalMetrics.Scores s = mmr.eval.RetrievalMetrics.evaluate(items, k);
            out.printf(Locale.ROOT, "%-42s %8s %10s %10.3f %12.3f %9.3f%n", name, Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.1f", seconds),
                    Double.isNaN(loss) ? "-" : String.format(Locale.ROOT, "%.3f", loss), s.twinRecall(), s.subcategoryP(), s.meanCosine());
            out.flush();
        }

        /** Every image queries mmr.search with itself ({node}, its own tags) and the top k are scored. */
        private void searchScore(PrintWriter out, EmbeddedCypher cypher, String config) {
            List<mmr.eval.RetrievalMetrics.Item> items = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            cypher.read("MATCH (i:Image) RETURN i.id AS id, i.eval_concept AS c, i.eval_vendor AS v, i.eval_subcategory AS s",
                    Map.of(), row -> {
                        ids.add((String) row.get("id"));
                        items.add(new mmr.eval.RetrievalMetrics.Item(null, (String) row.get("c"), (String) row.get("v"),
                                (String) row.get("s")));
                    });
            Map<String, Integer> index = new java.util.HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                index.put(ids.get(i), i);
            }
            long t0 = System.nanoTime();
            List<int[]> rankings = new ArrayList<>();
            for (String id : ids) {
                List<Integer> hits = new ArrayList<>();
                cypher.read("MATCH (i:Image {id: $id}) CALL mmr.search({node: i}, " + config.replace("{", "{k: " + k + ", ")
                        + ") YIELD image RETURN image.id AS id", Map.of("id", id), row -> hits.add(index.get((String) row.get("id"))));
                rankings.add(hits.stream().mapToInt(Integer::intValue).toArray());
            }
            double ms = (System.nanoTime() - t0) / 1e6 / ids.size();
            mmr.eval.RetrievalMetrics.Scores s = mmr.eval.RetrievalMetrics.score(items, rankings, k, Double.NaN);
            out.printf(Locale.ROOT, "%-42s %8s %10s %10.3f %12.3f %9s  (%.1f ms/query)%n", "mmr.search " + config, "-", "-",
                    s.twinRecall(), s.subcategoryP(), "-", ms);
            out.flush();
        }

        /**
         * Tag prediction: every image's top 5 of mmr.predictTags (its own tags are not attached) scored
         * against its own tags, side by side with two baselines — the tags its visual neighbours (the
         * same attachment) carry most often, and the catalog's most frequent tags.
         */
        private void tagScore(PrintWriter out, EmbeddedCypher cypher) {
            int top = 5;
            Map<String, Long> frequency = new java.util.HashMap<>();
            cypher.read("MATCH (t:Tag) RETURN t.name AS name, COUNT { (t)<-[:TAGGED]-(:Image) } AS n", Map.of(),
                    row -> frequency.put((String) row.get("name"), (Long) row.get("n")));
            List<String> popular = frequency.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(top).map(Map.Entry::getKey).toList();
            Map<String, Set<String>> truth = new java.util.LinkedHashMap<>();
            cypher.read("MATCH (i:Image)-[:TAGGED]->(t:Tag) RETURN i.id AS id, collect(t.name) AS tags", Map.of(),
                    row -> truth.put((String) row.get("id"), new java.util.HashSet<>(castStrings(row.get("tags")))));
            double[] precision = new double[3];
            double[] recall = new double[3];
            long t0 = System.nanoTime();
            for (var e : truth.entrySet()) {
                Map<String, Object> p = Map.of("id", e.getKey(), "k", (long) top);
                List<String> predicted = new ArrayList<>();
                cypher.read("CALL mmr.predictTags({id: $id}, {k: $k}) YIELD name RETURN name", p,
                        row -> predicted.add((String) row.get("name")));
                List<String> voted = new ArrayList<>();
                cypher.read("CALL mmr.attach({id: $id}, {connect: 'images'}) YIELD images UNWIND images AS l "
                        + "WITH l.image AS image MATCH (image)-[:TAGGED]->(t:Tag) WITH t.name AS name, count(*) AS votes "
                        + "RETURN name ORDER BY votes DESC, name LIMIT $k", p, row -> voted.add((String) row.get("name")));
                List<List<String>> answers = List.of(predicted, voted, popular);
                for (int a = 0; a < 3; a++) {
                    long hits = answers.get(a).stream().filter(e.getValue()::contains).count();
                    precision[a] += hits / (double) top;
                    recall[a] += hits / (double) e.getValue().size();
                }
            }
            int n = truth.size();
            out.printf(Locale.ROOT, "%ntag prediction over %d tagged images (%.1f ms/image), top %d against each image's own tags:%n",
                    n, (System.nanoTime() - t0) / 1e6 / n, top);
            String[] names = {"mmr.predictTags (query node, tag embeddings)", "tags of the same visual neighbours, by votes",
                    "the catalog's " + top + " most frequent tags"};
            for (int a = 0; a < 3; a++) {
                out.printf(Locale.ROOT, "  %-46s precision@%d %.3f  recall@%d %.3f%n", names[a], top, precision[a] / n, top,
                        recall[a] / n);
            }
            out.flush();
        }

        private static List<String> castStrings(Object list) {
            return ((List<?>) list).stream().map(String::valueOf).toList();
        }

        private static void copyTree(Path from, Path to) throws IOException {
            try (Stream<Path> walk = Files.walk(from)) {
                for (Path p : walk.toList()) {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else if (!p.getFileName().toString().endsWith(".lock")) {
                        Files.copy(p, target);
                    }
                }
            }
        }
    }

    /**
     * The forward pass alone: random 128x512 and 128x128 weights, 20,000 nodes with 512-d features
     * and 30 neighbours each in memory, so every layer samples fully (25 then 10).
     */
    private static void nativeInMemory(PrintWriter out) {
        int n = 20_000;
        int dim = 512;
        int emb = 128;
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        float[][] features = new float[n][dim];
        for (float[] v : features) {
            for (int i = 0; i < dim; i++) {
                v[i] = (float) (r.nextDouble() * 2 - 1);
            }
        }
        long[][] adjacency = new long[n][30];
        for (long[] list : adjacency) {
            for (int i = 0; i < list.length; i++) {
                list[i] = r.nextInt(n);
            }
        }
        double[] w1 = new double[emb * dim];
        double[] w2 = new double[emb * emb];
        Arrays.setAll(w1, i -> (r.nextDouble() - 0.5) * 0.1);
        Arrays.setAll(w2, i -> (r.nextDouble() - 0.5) * 0.1);
        mmr.model.sage.SageWeights weights = new mmr.model.sage.SageWeights(java.util.List.of(
                new mmr.model.sage.SageWeights.Layer(25, new mmr.model.sage.SageWeights.Matrix(emb, dim, w1)),
                new mmr.model.sage.SageWeights.Layer(10, new mmr.model.sage.SageWeights.Matrix(emb, emb, w2))),
                mmr.model.sage.SageWeights.Activation.SIGMOID, java.util.Map.of());
        mmr.model.sage.SageGraph graph = new mmr.model.sage.SageGraph() {
            @Override
            public long[] neighbours(long node, int sampleSize) {
                return Arrays.copyOf(adjacency[(int) node], sampleSize);
            }

            @Override
            public float[] features(long node) {
                return features[(int) node];
            }

            @Override
            public String label(long node) {
                return "Image";
            }
        };
        mmr.model.sage.GraphSage sage = new mmr.model.sage.GraphSage(weights);
        double[] perNode = new double[5];
        for (int round = -1; round < perNode.length; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 2000; i++) {
                sage.embed(graph, i);
            }
            if (round >= 0) {
                perNode[round] = (System.nanoTime() - t0) / 1e6 / 2000;
            }
        }
        Arrays.sort(perNode);
        out.printf(Locale.ROOT, "native forward pass in memory (25x10 samples, 512-d, 2000 nodes): median %.3f ms per node "
                + "(min %.3f, max %.3f)%n", perNode[2], perNode[0], perNode[4]);
        out.flush();
    }

    /** Imports a synthetic manifest as precomputed features (batch 256), with or without kNN. */
    static ImportReport importSynthetic(SyntheticCatalog.Spec spec, Path manifest, EmbeddedCypher cypher, boolean knn,
                                        java.util.Map<String, Object> knnConfig) throws IOException {
        ImportOptions options = new ImportOptions(manifest, 256, ImageDecoder.DEFAULT_MAX_PIXELS,
                mmr.model.tag.TagFeatures.Init.RANDOM, EncoderIdentity.parse(spec.encoderIdentity()), knn, knnConfig, false);
        return new Importer(new GraphWriter(cypher), null, options).run();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
