package mmr.cli;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
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
import mmr.model.tag.TagFeatures;
import mmr.server.EmbeddedNeo4j;

/** {@code mmr bench}: the measurements behind docs/benchmarks.md, printed as they are taken. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: encoder throughput, emoji import end to end, synthetic import at scale.",
        subcommands = {BenchCommand.Encode.class, BenchCommand.Emoji.class, BenchPhotos.class, BenchScale.class, BenchScaleReport.class, BenchSage.class, BenchFirstQuery.class,
                BenchQuality.class, BenchSearch.class})
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
            BufferedImage src = Raster.onWhite(ImageIO.read(new ByteArrayInputStream(png)));
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

    /** Imports a synthetic manifest as precomputed features (batch 256), with or without kNN. */
    static ImportReport importSynthetic(SyntheticCatalog.Spec spec, Path manifest, EmbeddedCypher cypher, boolean knn,
                                        Map<String, Object> knnConfig, TagFeatures.Init tagInit) throws IOException {
        ImportOptions options = new ImportOptions(manifest, 256, ImageDecoder.DEFAULT_MAX_PIXELS,
                tagInit, EncoderIdentity.parse(spec.encoderIdentity()), knn, knnConfig, false);
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
