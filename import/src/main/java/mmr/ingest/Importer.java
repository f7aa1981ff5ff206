package mmr.ingest;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import mmr.ingest.graph.GraphWriter;
import mmr.ingest.manifest.ManifestEntry;
import mmr.ingest.manifest.ManifestReader;
import mmr.model.encode.EncoderIdentity;
import mmr.model.encode.ImageEncoder;
import mmr.model.image.BlankImages;
import mmr.model.image.ImageDecoder;
import mmr.model.image.ImageRejectedException;
import mmr.model.tag.TagFeatures;
import mmr.model.tag.TagNames;
import mmr.model.vector.Vectors;

/**
 * catalog manifest → decoded images → features → graph, in batches. Encoding of one batch overlaps
 * the database write of the previous one. Every batch is its own transaction, and ids already in
 * the graph are skipped, so an interrupted import resumes where it stopped.
 */
public final class Importer {
    /**
     * A batch is encoded in this many parts side by side: one encoder call keeps the cores busy only
     * while PyTorch spreads a convolution over them, and a second call fills the rest. Four parts on
     * two cores were slower than two (benchmarks.md, "The import's encode in two parts").
     */
    static final int ENCODE_PARTS = Math.min(2, Runtime.getRuntime().availableProcessors());
    /**
     * Images decoded at once: every core (a photo's decode costs more than its encode), at most 8 so that
     * the decoders' buffers stay bounded (a WebP image is decoded whole, up to 64 MB while it decodes).
     */
    public static final int DECODES_AT_ONCE = Math.min(8, Runtime.getRuntime().availableProcessors());

    private final GraphWriter graph;
    private final ImageEncoder encoder;
    private final ImportOptions options;
    private final ImageDecoder decoder;
    private final EncoderIdentity identity;
    private final Path baseDir;
    private final Set<String> knownTags = new HashSet<>();

    /** {@code encoder} may be null when the manifest carries precomputed features. */
    public Importer(GraphWriter graph, ImageEncoder encoder, ImportOptions options) {
        if (encoder == null && options.featuresEncoder() == null) {
            throw new IllegalArgumentException("an image encoder or the identity of precomputed features is required");
        }
        this.graph = graph;
        this.encoder = encoder;
        this.options = options;
        this.decoder = ImageDecoder.forBatch(options.maxPixels(), DECODES_AT_ONCE);
        this.identity = options.featuresEncoder() != null ? options.featuresEncoder() : encoder.identity();
        Path parent = options.manifest().toAbsolutePath().getParent();
        this.baseDir = parent == null ? Path.of(".") : parent;
    }

    public ImportReport run() throws IOException {
        if (!Files.isRegularFile(options.manifest())) {
            throw new IllegalArgumentException("manifest not found: '" + options.manifest() + "'");
        }
        ImportReport report = new ImportReport();
        long start = System.nanoTime();
        graph.applySchema();
        graph.ensureCatalog(identity, options.tagInit());
        graph.recordManifest(options.manifest());

        ExecutorService writer = daemonThread("mmr-import-writer");
        ExecutorService encodeHelper = daemonThread("mmr-import-encoder");
        Set<String> seenIds = new HashSet<>();
        try (ManifestReader manifest = ManifestReader.open(options.manifest());
             ProgressBar bar = progressBar()) {
            Future<?> pendingWrite = null;
            List<Candidate> batch = new ArrayList<>(options.batchSize());
            while (manifest.hasNext()) {
                ManifestEntry entry = manifest.next();
                if (bar != null) {
                    bar.step();
                }
                Candidate c = accept(entry, seenIds, report);
                if (c != null) {
                    batch.add(c);
                }
                if (batch.size() == options.batchSize()) {
                    pendingWrite = processBatch(batch, report, writer, encodeHelper, pendingWrite);
                    batch = new ArrayList<>(options.batchSize());
                }
            }
            pendingWrite = processBatch(batch, report, writer, encodeHelper, pendingWrite);
            await(pendingWrite);
        } finally {
            writer.shutdownNow();
            encodeHelper.shutdownNow();
        }

        if (options.tagInit() == TagFeatures.Init.CENTROID && report.imported > 0) {
            report.tagCentroids = graph.initialiseTagCentroids(identity.dimension(), 1000);
        }
        if (options.knn() && report.imported + report.alreadyPresent > 0) {
            long k0 = System.nanoTime();
            report.knn = graph.rebuildKnn(options.knnConfig());
            report.knnNanos = System.nanoTime() - k0;
        }
        if (report.imported > 0) {
            report.embedded = graph.embedNewNodes(1000);
        }
        report.totalNanos = System.nanoTime() - start;
        return report;
    }

    /** A manifest record that passed the line-level checks. */
    private record Candidate(ManifestEntry.Record record, List<String> tags) {}

    private Candidate accept(ManifestEntry entry, Set<String> seenIds, ImportReport report) {
        if (entry instanceof ManifestEntry.Problem p) {
            Problem.Kind kind = p.reason().contains("UTF-8") ? Problem.Kind.NOT_UTF8 : Problem.Kind.MALFORMED_LINE;
            report.add(new Problem(p.line(), p.id(), kind, p.reason()));
            return null;
        }
        ManifestEntry.Record r = (ManifestEntry.Record) entry;
        report.records++;
        if (!seenIds.add(r.id())) {
            report.add(new Problem(r.line(), r.id(), Problem.Kind.DUPLICATE_ID,
                    "id '" + r.id() + "' appears earlier in the manifest; the first one is kept"));
            return null;
        }
        boolean hasFeatures = r.features() != null;
        if (hasFeatures && options.featuresEncoder() == null) {
            report.add(new Problem(r.line(), r.id(), Problem.Kind.WRONG_SOURCE,
                    "has precomputed 'features' but this import encodes images with " + identity
                            + "; pass --features-encoder name/dimension/version to import precomputed features"));
            return null;
        }
        if (!hasFeatures && options.featuresEncoder() != null) {
            report.add(new Problem(r.line(), r.id(), Problem.Kind.WRONG_SOURCE,
                    "has an image 'path' but this import takes precomputed features of " + identity
                            + "; import image files in a separate run without --features-encoder"));
            return null;
        }
        Set<String> tags = new LinkedHashSet<>();
        for (String raw : r.tags()) {
            var problem = TagNames.problem(raw);
            if (problem.isPresent()) {
                report.add(new Problem(r.line(), r.id(), Problem.Kind.TAG_DROPPED,
                        "tag " + preview(raw) + " dropped: " + problem.get()));
            } else {
                tags.add(TagNames.normalise(raw));
            }
        }
        return new Candidate(r, new ArrayList<>(tags));
    }

    private static ExecutorService daemonThread(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    private Future<?> processBatch(List<Candidate> batch, ImportReport report, ExecutorService writer,
                                   ExecutorService encodeHelper, Future<?> pendingWrite) {
        if (batch.isEmpty()) {
            return pendingWrite;
        }
        List<String> ids = batch.stream().map(c -> c.record().id()).toList();
        Set<String> existing = graph.existingImages(ids);
        List<Candidate> todo = batch.stream().filter(c -> !existing.contains(c.record().id())).toList();
        report.alreadyPresent += batch.size() - todo.size();

        long t0 = System.nanoTime();
        List<GraphWriter.ImageRow> rows = features(todo, report, encodeHelper);
        report.decodeEncodeNanos += System.nanoTime() - t0;

        await(pendingWrite);
        return writer.submit(() -> {
            long w0 = System.nanoTime();
            report.tagsCreated += writeNewTags(rows);
            graph.writeImages(rows);
            report.imported += rows.size();
            report.writeNanos += System.nanoTime() - w0;
        });
    }

    /** Decodes and encodes (or validates precomputed features); rejected records become problems. */
    private List<GraphWriter.ImageRow> features(List<Candidate> todo, ImportReport report, ExecutorService encodeHelper) {
        int n = todo.size();
        float[][] features = new float[n][];
        Problem[] problems = new Problem[n];
        if (options.featuresEncoder() != null) {
            for (int i = 0; i < n; i++) {
                ManifestEntry.Record r = todo.get(i).record();
                String bad = featuresProblem(r.features());
                if (bad != null) {
                    problems[i] = new Problem(r.line(), r.id(), Problem.Kind.BAD_FEATURES, bad);
                } else {
                    features[i] = r.features();
                }
            }
        } else {
            BufferedImage[] images = new BufferedImage[n];
            IntStream.range(0, n).parallel().forEach(i -> {
                ManifestEntry.Record r = todo.get(i).record();
                try {
                    BufferedImage image = decoder.decode(resolve(r.path()));
                    if (BlankImages.isBlank(image)) {
                        problems[i] = new Problem(r.line(), r.id(), Problem.Kind.BLANK_IMAGE, "'" + resolve(r.path())
                                + "' is blank: fully transparent or one flat colour leaves no visual features to search with");
                    } else {
                        images[i] = image;
                    }
                } catch (ImageRejectedException e) {
                    problems[i] = new Problem(r.line(), r.id(), kindOf(e.reason()), e.getMessage());
                } catch (InvalidPathException e) {
                    problems[i] = new Problem(r.line(), r.id(), Problem.Kind.UNREADABLE_FILE,
                            "invalid path '" + r.path() + "': " + e.getReason());
                }
            });
            List<BufferedImage> decoded = new ArrayList<>();
            List<Integer> at = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (images[i] != null) {
                    decoded.add(images[i]);
                    at.add(i);
                }
            }
            float[][] encoded = encodeInParts(decoded, encodeHelper);
            for (int j = 0; j < encoded.length; j++) {
                features[at.get(j)] = encoded[j];
            }
        }
        List<GraphWriter.ImageRow> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Candidate c = todo.get(i);
            if (problems[i] != null) {
                report.add(problems[i]);
                continue;
            }
            ManifestEntry.Record r = c.record();
            rows.add(new GraphWriter.ImageRow(r.id(), r.path() != null ? r.path() : "features", features[i],
                    c.tags(), r.metadata()));
        }
        return rows;
    }

    /** The encoder's rows for {@code images}, the first part encoded on the helper thread, the rest on this one. */
    private float[][] encodeInParts(List<BufferedImage> images, ExecutorService encodeHelper) {
        int split = ENCODE_PARTS < 2 || images.size() < 2 ? 0 : images.size() / 2;
        if (split == 0) {
            return encoder.encode(images);
        }
        Future<float[][]> first = encodeHelper.submit(() -> encoder.encode(images.subList(0, split)));
        float[][] second = encoder.encode(images.subList(split, images.size()));
        float[][] rows = new float[images.size()][];
        System.arraycopy(awaitValue(first), 0, rows, 0, split);
        System.arraycopy(second, 0, rows, split, second.length);
        return rows;
    }

    private String featuresProblem(float[] f) {
        if (f.length != identity.dimension()) {
            return "'features' has " + f.length + " values; encoder " + identity + " has " + identity.dimension();
        }
        int bad = Vectors.firstNonFinite(f);
        if (bad >= 0) {
            return "'features' element " + bad + " is " + f[bad] + "; only finite numbers are accepted";
        }
        if (Vectors.norm(f) == 0) {
            return "'features' is all zeros; cosine similarity is undefined for it";
        }
        return null;
    }

    /** Runs on the writer thread only: creates the batch's tags that do not exist yet. */
    private long writeNewTags(List<GraphWriter.ImageRow> rows) {
        Set<String> names = new LinkedHashSet<>();
        for (GraphWriter.ImageRow row : rows) {
            names.addAll(row.tags());
        }
        names.removeAll(knownTags);
        if (names.isEmpty()) {
            return 0;
        }
        Set<String> existing = graph.existingTags(names);
        knownTags.addAll(existing);
        names.removeAll(existing);
        Map<String, float[]> create = new HashMap<>();
        for (String name : names) {
            create.put(name, options.tagInit() == TagFeatures.Init.RANDOM
                    ? TagFeatures.random(name, identity.dimension()) : null);
        }
        graph.writeTags(create);
        knownTags.addAll(names);
        return names.size();
    }

    private Path resolve(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : baseDir.resolve(p);
    }

    private static Problem.Kind kindOf(ImageRejectedException.Reason reason) {
        return switch (reason) {
            case MISSING_FILE -> Problem.Kind.MISSING_FILE;
            case UNREADABLE -> Problem.Kind.UNREADABLE_FILE;
            case EMPTY -> Problem.Kind.EMPTY_FILE;
            case UNSUPPORTED_FORMAT -> Problem.Kind.UNSUPPORTED_FORMAT;
            case CORRUPT -> Problem.Kind.CORRUPT_IMAGE;
            case TOO_LARGE -> Problem.Kind.TOO_LARGE;
            case TOO_COSTLY -> Problem.Kind.TOO_COSTLY;
            case UNSAFE -> Problem.Kind.UNSAFE_SVG;
            case BUSY -> Problem.Kind.BUSY;
        };
    }

    private static String preview(String raw) {
        if (raw == null) {
            return "null";
        }
        return "'" + (raw.length() > 40 ? raw.substring(0, 37) + "..." : raw) + "'";
    }

    private static void await(Future<?> f) {
        if (f != null) {
            awaitValue(f);
        }
    }

    private static <T> T awaitValue(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("import interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private ProgressBar progressBar() throws IOException {
        if (!options.progress()) {
            return null;
        }
        long lines;
        try (var stream = Files.lines(options.manifest(), StandardCharsets.ISO_8859_1)) {
            lines = stream.count();
        } catch (UncheckedIOException e) {
            lines = -1;
        }
        return new ProgressBarBuilder().setTaskName("import").setInitialMax(lines)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    }
}
