package mmr.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

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
import mmr.ingest.manifest.ManifestEntry;
import mmr.ingest.manifest.ManifestReader;
import mmr.model.encode.ImageEncoder;
import mmr.model.encode.ModelChecksum;
import mmr.progress.TrainProgress;
import mmr.server.EmbeddedNeo4j;

/** {@code mmr serve}: the one-command workbench — embedded Neo4j + GDS + mmr, with the emoji graph. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Starts an embedded Neo4j 5 with GDS and the mmr procedures (Bolt, and Neo4j Browser at /browser/),",
                "builds the emoji graph on first run (fetch, encode, import, kNN), and serves until Ctrl-C."})
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--home", paramLabel = "DIR", defaultValue = ".mmr/neo4j", description = "Database home, kept between runs (default: ${DEFAULT-VALUE})")
    Path home;

    @Option(names = "--bolt-port", defaultValue = "7687", description = "Bolt port on localhost (default: ${DEFAULT-VALUE})")
    int boltPort;

    @Option(names = "--http-port", defaultValue = "7474", description = "HTTP port on localhost for Neo4j Browser (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Mixin
    CacheOption cache;

    @Option(names = "--manifest", paramLabel = "FILE", description = "Build from this catalog manifest instead of the emoji set")
    Path manifest;

    @Option(names = "--encoder", paramLabel = "SPEC", defaultValue = CacheOption.DEFAULT_ENCODER, description = "Image encoder: descriptor, torchscript:<file.pt>, tfjs:<model>[/<layer>][@<side>] or several joined by + (fused, optional <weight>*), e.g. descriptor+tfjs:mobilenet_v2_mid@128 (default: ${DEFAULT-VALUE})")
    String encoder;

    @Option(names = "--images", paramLabel = "DIR", description = "Folder the catalog's image paths are relative to, for the "
            + "explorer's thumbnails (default: the manifest's folder — or, when it names every image by an absolute path, the closest "
            + "folder holding them all — or the emoji cache)")
    Path images;

    @Option(names = "--retrain", description = "Train a new model version even if a current one exists")
    boolean retrain;

    @Option(names = "--rebuild", description = "Delete the database in --home and build it again from the manifest (or the emoji set)")
    boolean rebuild;

    @Option(names = "--exit-after-build", description = "Stop after building and printing the summary (for scripts and tests)")
    boolean exitAfterBuild;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        requireFree(boltPort, "--bolt-port");
        requireFree(httpPort, "--http-port");
        long t0 = System.nanoTime();
        if (rebuild && Files.exists(home)) {
            out.println("Deleting the database in " + home + " (--rebuild) ...");
            BenchCommand.deleteTree(home);
        }
        Path imagesRoot = imagesRoot();
        EmbeddedNeo4j neo4j = EmbeddedNeo4j.start(home, boltPort, httpPort, false, imagesRoot, cache.modelsRoot(encoder));
        try {
            return serve(neo4j, imagesRoot, t0, out);
        } catch (RuntimeException | IOException e) {
            neo4j.close();
            throw e;
        }
    }

    private int serve(EmbeddedNeo4j neo4j, Path imagesRoot, long t0, PrintWriter out) throws IOException, InterruptedException {
        out.printf(Locale.ROOT, "Neo4j started in %.1f s at %s%n", (System.nanoTime() - t0) / 1e9, neo4j.home());
        out.flush();

        EmbeddedCypher cypher = new EmbeddedCypher(neo4j.db(), "embedded database at " + neo4j.home());
        Map<String, Object> info = catalogInfo(cypher);
        if ((Long) info.get("images") == 0) {
            build(cypher, out);
            info = catalogInfo(cypher);
        } else {
            requireBuiltFromTheManifest(cypher);
            out.println("Using the existing graph (--rebuild to build it again).");
        }
        train(cypher, info, out);
        out.printf(Locale.ROOT, "%nGraph: %s images, %s tags, %s TAGGED, %s SIMILAR edges; encoder %s%n",
                info.get("images"), info.get("tags"), info.get("tagged"), info.get("similar"), info.get("encoder"));
        out.printf("Bolt:     bolt://localhost:%d  (no authentication; loopback only)%n", boltPort);
        out.printf("Explorer: http://localhost:%d%s/  (the visual <-> conceptual slider; thumbnails from %s)%n", httpPort,
                EmbeddedNeo4j.EXPLORER_PATH, imagesRoot);
        out.printf("Browser:  http://localhost:%d%s%n          (filled in: bolt://localhost:%d, no authentication: it connects by itself. "
                + "Queries to try: cypher/examples.cypher)%n", httpPort, EmbeddedNeo4j.browserPath(boltPort), boltPort);
        out.println("Try:     CALL mmr.catalog.info()");
        Map<String, Object> example = example(cypher);
        if (example != null) {
            out.printf("         CALL mmr.search({id: '%s'}, {k: 10, visualWeight: 0.5}) YIELD image, score RETURN image.id, score%n",
                    cypherString((String) example.get("id")));
            out.printf("         CALL mmr.search({tags: ['%s']}) YIELD image, score RETURN image.id, score%n",
                    cypherString((String) example.get("tag")));
        }
        out.println("         (more: cypher/examples.cypher)");
        out.flush();
        if (exitAfterBuild) {
            neo4j.close();
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            neo4j.close();
            stopped.countDown();
        }, "mmr-shutdown"));
        out.println("Serving until Ctrl-C.");
        out.flush();
        stopped.await();
        return 0;
    }

    /**
     * An existing database serves only the catalog it was built from: with {@code --manifest}, that
     * manifest (same file, same bytes); without, the emoji set. Anything else stops with the choices.
     */
    private void requireBuiltFromTheManifest(EmbeddedCypher cypher) throws IOException {
        List<Map<String, Object>> rows = cypher.write("MATCH (c:MmrCatalog {name: 'default'}) "
                + "RETURN c.manifest AS manifest, c.manifestSha256 AS sha", Map.of());
        String built = rows.isEmpty() ? null : (String) rows.get(0).get("manifest");
        String sha = rows.isEmpty() ? null : (String) rows.get(0).get("sha");
        String choices = "; serve it with --manifest " + (built == null ? "<its manifest>" : built) + ", use another --home for "
                + "the new catalog, or --rebuild to replace this database";
        if (manifest != null) {
            Path wanted = manifest.toAbsolutePath().normalize();
            if (built == null) {
                throw new IllegalArgumentException("the database in " + home + " records no manifest (built by an older mmr), so "
                        + "it cannot be checked against " + wanted + choices);
            }
            if (!Path.of(built).equals(wanted)) {
                throw new IllegalArgumentException("the database in " + home + " was built from " + built + ", not from " + wanted
                        + choices);
            }
            String now = ModelChecksum.sha256(wanted);
            if (!now.equals(sha)) {
                throw new IllegalArgumentException("the database in " + home + " was built from " + wanted + ", which has changed "
                        + "since (checksum " + now + ", built from " + sha + "); use --rebuild to build it "
                        + "again, or another --home");
            }
        } else if (built != null && !Path.of(built).startsWith(cache.emoji().root().toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("the database in " + home + " was built from " + built + ", not from the emoji set"
                    + choices);
        }
    }

    /**
     * One of the catalog's own images with the one of its tags most images carry, for the closing examples: a
     * keyword example that finds one image shows little.
     */
    private static Map<String, Object> example(EmbeddedCypher cypher) {
        List<Map<String, Object>> rows = cypher.write("MATCH (i:Image) WHERE i.id IS NOT NULL AND EXISTS { (i)-[:TAGGED]->() } "
                + "WITH i ORDER BY i.id LIMIT 1 MATCH (i)-[:TAGGED]->(t:Tag) "
                + "RETURN i.id AS id, t.name AS tag ORDER BY COUNT { (t)<-[:TAGGED]-(:Image) } DESC, tag LIMIT 1",
                Map.of());
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static String cypherString(String s) {
        return s.replace("\\", "\\\\").replace("'", "\\'");
    }

    /**
     * The folder thumbnails are served from: --images, else the manifest's folder — or, when the manifest names
     * every image by an absolute path (as scripts often write them), the closest folder holding them all — else
     * the emoji cache's.
     */
    private Path imagesRoot() throws IOException {
        if (images != null) {
            return images;
        }
        if (manifest != null) {
            return imagesRoot(manifest);
        }
        return cache.emoji().root();
    }

    /** The manifest's folder, or the closest folder holding every image when all are named by absolute paths. */
    static Path imagesRoot(Path manifest) throws IOException {
        Path folder = manifest.toAbsolutePath().normalize().getParent();
        Path common = null;
        try (ManifestReader reader = ManifestReader.open(manifest)) {
            while (reader.hasNext()) {
                if (reader.next() instanceof ManifestEntry.Record r && r.path() != null) {
                    Path p;
                    try {
                        p = Path.of(r.path());
                    } catch (InvalidPathException e) {
                        continue;
                    }
                    if (!p.isAbsolute()) {
                        return folder;     // relative paths are resolved against the manifest's folder
                    }
                    Path parent = p.normalize().getParent();
                    if (common == null) {
                        common = parent;
                    }
                    while (common != null && parent != null && !parent.startsWith(common)) {
                        common = common.getParent();
                    }
                    if (common == null || parent == null) {
                        return folder;
                    }
                }
            }
        }
        return common == null ? folder : common;
    }

    private void build(EmbeddedCypher cypher, PrintWriter out) throws IOException {
        Path source = manifest;
        if (source == null) {
            long f0 = System.nanoTime();
            EmojiDataset dataset = cache.emoji();
            out.println("Fetching the emoji dataset (npm pack; cached after the first run) ...");
            out.flush();
            Path prepared = dataset.prepare();
            source = dataset.build(prepared, EmojiDataset.Options.all(), null);
            out.printf(Locale.ROOT, "Emoji manifest ready in %.1f s: %s%n", (System.nanoTime() - f0) / 1e9, source);
        }
        out.println("Encoding and importing " + source + " ...");
        out.flush();
        try (ImageEncoder imageEncoder = cache.encoder(encoder)) {
            ImportReport report = new Importer(new GraphWriter(cypher), imageEncoder,
                    ImportOptions.defaults(source).withProgress(true)).run();
            ImportCommand.print(report, cypher.describe(), out);
        }
    }

    /** Trains GraphSAGE on first run (or with --retrain); otherwise names the current model. */
    private void train(EmbeddedCypher cypher, Map<String, Object> info, PrintWriter out) {
        var current = cypher.write("CALL mmr.model.info() YIELD name, version, current WHERE current AND name = 'default' "
                + "RETURN version", Map.of());
        if (!current.isEmpty() && !retrain) {
            out.println("Using model 'default' version " + current.get(0).get("version") + " (--retrain to train a new one).");
            return;
        }
        if ((Long) info.get("tags") == 0) {
            throw new IllegalArgumentException("the catalog's " + info.get("images") + " images have no tags, and mmr's model is "
                    + "trained on images' tags: give the images their \"tags\" in the manifest and build again with --rebuild");
        }
        out.println("Training GraphSAGE (mmr.train defaults: trainer djl, samples 25/10, 128-d) ...");
        out.flush();
        long t0 = System.nanoTime();
        Map<String, Object> row;
        try (TrainProgress progress = new TrainProgress(cypher, out)) {
            row = cypher.write("CALL mmr.train()", Map.of()).get(0);
        }
        TrainCommand.print(row, (System.nanoTime() - t0) / 1e9, out);
    }

    private static Map<String, Object> catalogInfo(EmbeddedCypher cypher) {
        return cypher.write("CALL mmr.catalog.info()", Map.of()).get(0);
    }

    private static void requireFree(int port, String option) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
        } catch (IOException e) {
            throw new IllegalArgumentException("port " + port + " on localhost is in use (" + e.getMessage()
                    + "); choose another with " + option);
        }
    }
}
