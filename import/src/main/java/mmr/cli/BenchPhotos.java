package mmr.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import org.neo4j.graphdb.GraphDatabaseService;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import mmr.ingest.ImportOptions;
import mmr.ingest.ImportReport;
import mmr.ingest.Importer;
import mmr.ingest.graph.EmbeddedCypher;
import mmr.ingest.graph.GraphWriter;
import mmr.ingest.synthetic.SyntheticPhotos;
import mmr.model.encode.ImageEncoder;
import mmr.model.image.ImageDecoder;
import mmr.server.EmbeddedNeo4j;

/**
 * {@code mmr bench photos}: the decode-bound path of a photo catalog — synthetic camera-sized JPEGs
 * decoded as a server's request does (the JVM's decoding slots) and as an import does (its own decoder,
 * every core), encoded with the catalog encoder, imported into a fresh embedded database, then searched
 * with as query images.
 */
@Command(name = "photos", mixinStandardHelpOptions = true,
        description = "Decode, encode, import and query of synthetic camera-sized JPEGs (a photo catalog's decode-bound path).")
final class BenchPhotos implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CacheOption cache;

    @Option(names = "--images", defaultValue = "192", description = "Photos to draw (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--width", defaultValue = "4000", description = "Width in pixels (default: ${DEFAULT-VALUE})")
    int width;

    @Option(names = "--height", defaultValue = "3000", description = "Height in pixels (default: ${DEFAULT-VALUE})")
    int height;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds of the decode and encode timings (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--encoder", paramLabel = "SPEC", defaultValue = CacheOption.DEFAULT_ENCODER,
            description = "Image encoder, as for mmr import (default: ${DEFAULT-VALUE})")
    String encoderSpec;

    @Override
    public Integer call() throws Exception {
        if (images < 2 || width < 16 || height < 16 || rounds < 1) {
            throw new IllegalArgumentException("--images must be at least 2, --rounds at least 1, --width and --height at least 16");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path folder = Files.createTempDirectory("mmr-bench-photos");
        Path home = Files.createTempDirectory("mmr-bench-photos-db");
        try {
            long t0 = System.nanoTime();
            Path manifest = SyntheticPhotos.write(folder, images, width, height, 7);
            long bytes = 0;
            List<Path> files = new ArrayList<>();
            for (int k = 0; k < images; k++) {
                files.add(SyntheticPhotos.photo(folder, k));
                bytes += Files.size(files.get(k));
            }
            out.printf(Locale.ROOT, "%d synthetic %dx%d JPEGs (%.1f MB each) drawn in %.1f s%n", images, width, height,
                    bytes / 1e6 / images, (System.nanoTime() - t0) / 1e9);
            int cores = Runtime.getRuntime().availableProcessors();
            ImageDecoder server = new ImageDecoder();
            ImageDecoder batch = ImageDecoder.forBatch(ImageDecoder.DEFAULT_MAX_PIXELS, Importer.DECODES_AT_ONCE);
            out.printf(Locale.ROOT, "decode, ms per image (%d rounds, a parallel stream over %d cores, as the import runs it): "
                    + "through the JVM's slots (%d at once, a server's requests) %s; an import's own decoder %s%n", rounds, cores,
                    ImageDecoder.MAX_CONCURRENT_DECODES, decodeMillis(server, files), decodeMillis(batch, files));
            List<BufferedImage> decoded = new ArrayList<>();
            for (Path f : files.subList(0, Math.min(32, files.size()))) {
                decoded.add(batch.decode(f));
            }
            try (ImageEncoder encoder = cache.encoder(encoderSpec)) {
                double[] ms = new double[rounds];
                encoder.encode(decoded);
                for (int r = 0; r < rounds; r++) {
                    long e0 = System.nanoTime();
                    encoder.encode(decoded);
                    ms[r] = (System.nanoTime() - e0) / 1e6 / decoded.size();
                }
                out.printf(Locale.ROOT, "encode %s, %d decoded %dx%d images in one call, ms per image: %s%n", encoderSpec,
                        decoded.size(), decoded.get(0).getWidth(), decoded.get(0).getHeight(), format(ms));
                try (EmbeddedNeo4j neo4j = EmbeddedNeo4j.start(home, EmbeddedNeo4j.OFF, EmbeddedNeo4j.OFF, false, null,
                        cache.modelsRoot(encoderSpec))) {
                    EmbeddedCypher cypher = new EmbeddedCypher(neo4j.db(), "fresh embedded database");
                    ImportReport report = new Importer(new GraphWriter(cypher), encoder,
                            ImportOptions.defaults(manifest).withKnn(false)).run();
                    ImportCommand.print(report, cypher.describe(), out);
                    queries(neo4j.db(), files, out);
                }
            }
        } finally {
            BenchCommand.deleteTree(folder);
            BenchCommand.deleteTree(home);
        }
        return 0;
    }

    /**
     * Photos as query images, in-process: the SIMILAR edges and a model first, then each photo's bytes
     * searched once (a different file each time, so none comes from the query features' cache).
     */
    private void queries(GraphDatabaseService db, List<Path> files, PrintWriter out) throws IOException {
        long t0 = System.nanoTime();
        db.executeTransactionally("CALL mmr.knn()");
        db.executeTransactionally("CALL mmr.train()");
        out.printf(Locale.ROOT, "kNN and training for the query timings: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        int n = Math.min(files.size() - 1, 60);
        // one query first, not timed: the first image query of a JVM loads the encoder and plans the query
        db.executeTransactionally("CALL mmr.search({bytes: $b}, {k: 10}) YIELD image RETURN count(*)",
                Map.of("b", Files.readAllBytes(files.get(files.size() - 1))));
        double[] ms = new double[n];
        int foundItself = 0;
        for (int i = 0; i < n; i++) {
            byte[] bytes = Files.readAllBytes(files.get(i));
            long q0 = System.nanoTime();
            String first = db.executeTransactionally("CALL mmr.search({bytes: $b}, {k: 10}) YIELD image RETURN image.id AS id LIMIT 1",
                    Map.of("b", bytes), r -> (String) r.next().get("id"));
            ms[i] = (System.nanoTime() - q0) / 1e6;
            foundItself += ("p" + i).equals(first) ? 1 : 0;
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        out.printf(Locale.ROOT, "a photo as the query (its bytes, in-process, %d different photos): p50 %.1f ms, p90 %.1f ms, "
                + "max %.1f ms (decode, encode and search); %d of %d found their own catalog image first%n", n, sorted[n / 2],
                sorted[(int) Math.ceil(n * 0.9) - 1], sorted[n - 1], foundItself, n);
    }

    private String decodeMillis(ImageDecoder decoder, List<Path> files) {
        double[] ms = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            IntStream.range(0, files.size()).parallel().forEach(i -> {
                try {
                    decoder.decode(files.get(i));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            ms[r] = (System.nanoTime() - t0) / 1e6 / files.size();
        }
        return format(ms);
    }

    private static String format(double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        StringBuilder s = new StringBuilder();
        for (double m : ms) {
            s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", m));
        }
        return s + String.format(Locale.ROOT, " (median %.1f)", sorted[sorted.length / 2]);
    }
}
