package mmr.procedures.search;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

import org.neo4j.annotations.service.ServiceProvider;
import org.neo4j.configuration.Config;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.kernel.extension.ExtensionFactory;
import org.neo4j.kernel.extension.ExtensionType;
import org.neo4j.kernel.extension.context.ExtensionContext;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.lifecycle.Lifecycle;
import org.neo4j.kernel.lifecycle.LifecycleAdapter;
import org.neo4j.logging.Log;
import org.neo4j.logging.internal.LogService;

import mmr.model.encode.EncoderIdentity;
import mmr.model.encode.ImageEncoder;
import mmr.procedures.config.MmrSettings;
import mmr.procedures.config.ServerPaths;
import mmr.procedures.encode.ServerEncoders;
import mmr.procedures.graph.CatalogGraph;
import mmr.procedures.graph.DenseSamples;
import mmr.procedures.graph.LoadedModel;
import mmr.procedures.graph.ModelStore;
import mmr.procedures.graph.Schema;

/**
 * When a database with an mmr catalog starts, its image encoder is loaded, its current model decoded,
 * and the encoder and a read-only image search run once — directly, then as a user sends it, a
 * procedure call in Cypher — and then a few rounds more while no search is running, on a background
 * thread: the first image query after a start then finds them loaded and their code compiled instead
 * of paying for both. Startup does not wait for it; what it did and how long it took goes to the log,
 * and a failure (e.g. no models_root for a TF.js catalog) is only logged — the query that needs the
 * encoder reports it properly. {@code server.mmr.warm_up=false} turns it off.
 */
@ServiceProvider
public final class SearchWarmUp extends ExtensionFactory<SearchWarmUp.Dependencies> {
    public interface Dependencies {
        GraphDatabaseAPI graphDatabaseAPI();

        Config config();

        LogService logService();
    }

    /**
     * Times the warm-up runs each step: code run once is still interpreted when the user's first query
     * runs it; a few runs have the JIT compile the encoder's and the search's hot loops.
     */
    static final int ROUNDS = 8;

    /** Longest a warm-up round waits for user searches to finish before it runs anyway. */
    private static final long MAX_WAIT_NANOS = 10_000_000_000L;

    public SearchWarmUp() {
        super(ExtensionType.DATABASE, "mmr-encoder-warm-up");
    }

    @Override
    public Lifecycle newInstance(ExtensionContext context, Dependencies dependencies) {
        GraphDatabaseAPI db = dependencies.graphDatabaseAPI();
        Log log = dependencies.logService().getUserLog(SearchWarmUp.class);
        return new LifecycleAdapter() {
            private Thread thread;

            @Override
            public void start() {
                if ("system".equals(db.databaseName()) || !dependencies.config().get(MmrSettings.warm_up)) {
                    return;
                }
                thread = new Thread(() -> {
                    warm(db, log);
                    keepDenseSamples(db, log);
                }, "mmr-warm-up-" + db.databaseName());
                thread.setDaemon(true);
                thread.start();
            }

            @Override
            public void stop() {
                if (thread != null) {
                    thread.interrupt();
                }
            }
        };
    }

    /** Loads and runs the catalog's encoder and decodes the current model, and logs what it warmed. */
    static void warm(GraphDatabaseAPI db, Log log) {
        try {
            if (!db.isAvailable(60_000)) {
                return;
            }
            long t0 = System.nanoTime();
            EncoderIdentity identity;
            String model = null;
            try (Transaction tx = db.beginTx()) {
                Node catalog = new CatalogGraph(tx).catalogNode();
                if (catalog == null || catalog.getProperty("encoder", null) == null) {
                    return;
                }
                identity = EncoderIdentity.parse((String) catalog.getProperty("encoder"));
                Node current = new ModelStore(tx).current(Schema.DEFAULT_NAME);
                if (current != null) {
                    LoadedModel loaded = LoadedModel.of("mmr warm-up", tx, current);
                    model = loaded.name() + " version " + loaded.version();
                }
            }
            long m = System.nanoTime();
            Path modelsRoot = ServerPaths.modelsRoot(db);
            ImageEncoder encoder = ServerEncoders.forCatalog("mmr warm-up", identity, modelsRoot);
            ServerEncoders.withPluginClassLoader(() -> encoder.encode(List.of(sample())));
            byte[] image = png(sample());
            long s = System.nanoTime();
            String search = "not run (no model yet)";
            if (model != null) {
                // one whole image search, read-only: the vector indexes, the stored vectors it reads and the
                // procedure's own code are then warm as well, not only the encoder
                db.executeTransactionally("CALL db.awaitIndexes(60)");
                searchOnce(db, log, modelsRoot, image);
                search = "run in " + (System.nanoTime() - s) / 1_000_000 + " ms" + callThroughCypher(db, image, 0);
            }
            // The same again a few times, so that the JIT compiles it — each round only while no user search
            // runs: a query sent during the warm-up should not share the cores with it for longer than a round.
            long r = System.nanoTime();
            long waited = 0;
            for (int i = 1; i < ROUNDS; i++) {
                waited += awaitNoSearch();
                ServerEncoders.withPluginClassLoader(() -> encoder.encode(List.of(sample())));
                if (model != null) {
                    searchOnce(db, log, modelsRoot, image);
                    callThroughCypher(db, image, i);
                }
            }
            log.info("mmr: warmed database '%s' in %d ms: model %s decoded in %d ms, encoder %s loaded and run once in %d ms, "
                    + "one image search %s; %d more rounds of each in %d ms (%d ms of it waiting for user searches)",
                    db.databaseName(), (System.nanoTime() - t0) / 1_000_000, model == null ? "(none yet)" : model,
                    (m - t0) / 1_000_000, identity, (s - m) / 1_000_000, search, ROUNDS - 1, (System.nanoTime() - r) / 1_000_000,
                    waited);
        } catch (RuntimeException e) {
            log.warn("mmr: could not warm database '%s' (the first query will load what it needs): %s", db.databaseName(),
                    e.getMessage());
        }
    }

    /**
     * After the searches' warm-up (they come first): the current model's neighbour samples of the dense
     * nodes, which mmr.tag would otherwise read whole on its first call reaching a large tag.
     */
    static void keepDenseSamples(GraphDatabaseAPI db, Log log) {
        try {
            if (!db.isAvailable(60_000)) {
                return;
            }
            LoadedModel model;
            try (Transaction tx = db.beginTx()) {
                Node current = new ModelStore(tx).current(Schema.DEFAULT_NAME);
                if (current == null) {
                    return;
                }
                model = LoadedModel.of("mmr warm-up", tx, current);
            }
            long t0 = System.nanoTime();
            int kept = DenseSamples.keepAll(db, model);
            if (kept > 0) {
                log.info("mmr: kept the neighbour samples of %d dense nodes of database '%s' in %d ms", kept, db.databaseName(),
                        (System.nanoTime() - t0) / 1_000_000);
            }
        } catch (RuntimeException e) {
            log.warn("mmr: could not read the dense nodes' neighbour samples of database '%s': %s", db.databaseName(), e.getMessage());
        }
    }

    /**
     * The same search once more as a user sends it, a procedure call in Cypher: a user's first query then
     * finds Cypher's planning and runtime of procedure calls loaded and compiled (its own query text is
     * still planned once). Each round's text is its own ({@code round} names the column): Cypher caches
     * plans by query text, so a repeated text would plan only once, and planning — half of a first
     * query's time in a fresh server — would stay uncompiled. Skipped, and said so, if the procedure is
     * not registered yet.
     */
    static String callThroughCypher(GraphDatabaseAPI db, byte[] image, int round) {
        long t0 = System.nanoTime();
        try {
            db.executeTransactionally("CALL mmr.search({bytes: $image}, {k: 10}) YIELD image, score RETURN count(image) AS warmUp" + round,
                    Map.of("image", image), r -> r.next().get("warmUp" + round));
            return ", once more as CALL mmr.search in Cypher in " + (System.nanoTime() - t0) / 1_000_000 + " ms";
        } catch (RuntimeException e) {
            return ", not as CALL mmr.search (" + e.getMessage() + ")";
        }
    }

    /** One read-only image search, straight through the search code (the procedure may not be registered yet). */
    private static void searchOnce(GraphDatabaseAPI db, Log log, Path modelsRoot, byte[] image) {
        try (Transaction tx = db.beginTx()) {
            new Searcher("mmr warm-up", tx, log, null, modelsRoot).search(
                    Query.parse("mmr warm-up", Map.of("bytes", image), false), SearchConfig.parse("mmr warm-up", Map.of()));
        }
    }

    /** Waits (bounded) until no search is running; returns the milliseconds waited. */
    private static long awaitNoSearch() {
        long t0 = System.nanoTime();
        try {
            while (Searcher.running() > 0 && System.nanoTime() - t0 < MAX_WAIT_NANOS) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A small image with edges and colours, so that every stage of the encoder runs. */
    static BufferedImage sample() {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 64, 64);
        g.setColor(new Color(200, 40, 40));
        g.fillOval(8, 8, 40, 40);
        g.setColor(new Color(30, 90, 200));
        g.fillRect(30, 30, 26, 26);
        g.dispose();
        return image;
    }
}
