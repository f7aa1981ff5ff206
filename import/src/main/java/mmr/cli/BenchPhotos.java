package mmr.cli;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

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
 * every core), encoded with the catalog encoder, then imported into a fresh embedded database.
 */
@Command(name = "photos", mixinStandardHelpOptions = true,
        description = "Decode, encode and import of synthetic camera-sized JPEGs (a photo catalog's decode-bound path).")
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
        if (images < 1 || width < 16 || height < 16 || rounds < 1) {
            throw new IllegalArgumentException("--images and --rounds must be at least 1, --width and --height at least 16");
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
                files.add(folder.resolve("p" + k + ".jpg"));
                bytes += Files.size(files.get(k));
            }
            out.printf(Locale.ROOT, "%d synthetic %dx%d JPEGs (%.1f MB each) drawn in %.1f s%n", images, width, height,
                    bytes / 1e6 / images, (System.nanoTime() - t0) / 1e9);
            int cores = Runtime.getRuntime().availableProcessors();
            ImageDecoder server = new ImageDecoder();
            ImageDecoder batch = ImageDecoder.forBatch(ImageDecoder.DEFAULT_MAX_PIXELS, Math.min(8, cores));
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
                try (EmbeddedNeo4j neo4j = EmbeddedNeo4j.start(home, EmbeddedNeo4j.OFF, EmbeddedNeo4j.OFF)) {
                    EmbeddedCypher cypher = new EmbeddedCypher(neo4j.db(), "fresh embedded database");
                    ImportReport report = new Importer(new GraphWriter(cypher), encoder,
                            ImportOptions.defaults(manifest).withKnn(false)).run();
                    ImportCommand.print(report, cypher.describe(), out);
                }
            }
        } finally {
            BenchCommand.deleteTree(folder);
            BenchCommand.deleteTree(home);
        }
        return 0;
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
