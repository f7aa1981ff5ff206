package mmr.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.facade.DatabaseManagementServiceFactory;
import org.neo4j.graphdb.facade.GraphDatabaseDependencies;
import org.neo4j.graphdb.factory.module.edition.CommunityEditionModule;
import org.neo4j.kernel.api.procedure.GlobalProcedures;
import org.neo4j.kernel.impl.factory.DbmsInfo;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.server.configuration.ServerSettings;
import org.neo4j.server.configuration.ThirdPartyJaxRsPackage;

import mmr.procedures.config.MmrSettings;
import mmr.procedures.web.ExplorerResource;

/**
 * A Neo4j 5 Community DBMS in this JVM with GDS and the mmr procedures registered: the importer's
 * {@code --db-dir} target and the runner's server (Bolt, and HTTP with Neo4j Browser at /browser/).
 */
public final class EmbeddedNeo4j implements AutoCloseable {
    /** Port value that leaves a connector off. */
    public static final int OFF = -1;
    /** Where the explorer page (an unmanaged extension of the plugin) is mounted. */
    public static final String EXPLORER_PATH = "/mmr";

    private final DatabaseManagementService dbms;
    private final GraphDatabaseService db;
    private final Path home;

    private EmbeddedNeo4j(DatabaseManagementService dbms, Path home) {
        this.dbms = dbms;
        this.db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        this.home = home;
    }

    /**
     * Starts (creating on first use) the DBMS whose files live under {@code home}. Connectors bind
     * to loopback only and run without authentication: this is a local workbench.
     */
    public static EmbeddedNeo4j start(Path home, int boltPort, int httpPort) throws IOException {
        return start(home, boltPort, httpPort, false);
    }

    /** As {@link #start(Path, int, int)}; with {@code readOnly} every database refuses writes. */
    public static EmbeddedNeo4j start(Path home, int boltPort, int httpPort, boolean readOnly) throws IOException {
        return start(home, boltPort, httpPort, readOnly, null);
    }

    /**
     * As {@link #start(Path, int, int, boolean)}; with HTTP on, the explorer page is served at
     * {@link #EXPLORER_PATH} with thumbnails from {@code imagesRoot} (the folder the catalog's image
     * paths are relative to; null: no thumbnails).
     */
    public static EmbeddedNeo4j start(Path home, int boltPort, int httpPort, boolean readOnly, Path imagesRoot) throws IOException {
        return start(home, boltPort, httpPort, readOnly, imagesRoot, null);
    }

    /**
     * As {@link #start(Path, int, int, boolean, Path)}; {@code modelsRoot} is the folder the server
     * finds a TorchScript catalog's model in, to encode query images (server.mmr.models_root; null: unset).
     */
    public static EmbeddedNeo4j start(Path home, int boltPort, int httpPort, boolean readOnly, Path imagesRoot, Path modelsRoot)
            throws IOException {
        return start(home, boltPort, httpPort, readOnly, imagesRoot, modelsRoot, Map.of());
    }

    /** @param settings further neo4j.conf lines, by name (e.g. {@code server.mmr.warm_up}) */
    public static EmbeddedNeo4j start(Path home, int boltPort, int httpPort, boolean readOnly, Path imagesRoot, Path modelsRoot,
                                      Map<String, String> settings) throws IOException {
        // GDS sizes its graphs with JOL, whose HotSpot agent attach ptraces this JVM and stalls
        // it for minutes (measured: kNN on 3.8k images 176 s with, 5 s without).
        System.setProperty("jol.skipHotspotSAAttach", System.getProperty("jol.skipHotspotSAAttach", "true"));
        Files.createDirectories(home);
        Path abs = home.toAbsolutePath().normalize();
        Files.createDirectories(abs.resolve("import"));
        boolean web = httpPort != OFF;
        Config.Builder config = Config.newBuilder()
                .set(GraphDatabaseSettings.neo4j_home, abs)
                // `file` query sources resolve here and only here (not the home: logs, store files)
                .set(GraphDatabaseSettings.load_csv_file_url_root, abs.resolve("import"))
                .set(GraphDatabaseSettings.auth_enabled, false)
                .set(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*", "mmr.*"))
                .set(BoltConnector.enabled, boltPort != OFF)
                .set(HttpConnector.enabled, web)
                .set(HttpsConnector.enabled, false)
                .set(GraphDatabaseSettings.read_only_database_default, readOnly)
                .setRaw(vectorIndexBuffers());
        if (boltPort != OFF) {
            config.set(BoltConnector.listen_address, new SocketAddress("127.0.0.1", boltPort));
            config.set(BoltConnector.advertised_address, new SocketAddress("localhost", boltPort));
        }
        if (web) {
            config.set(HttpConnector.listen_address, new SocketAddress("127.0.0.1", httpPort));
            config.set(HttpConnector.advertised_address, new SocketAddress("localhost", httpPort));
            // Neo4j answers every HTTP request with Access-Control-Allow-Origin: * by default, which lets
            // any web page the user visits read this loopback server; only its own pages may.
            config.set(ServerSettings.http_access_control_allow_origin, "http://localhost:" + httpPort);
            // the explorer page: the same line a stock server puts in neo4j.conf (docs/explorer.md)
            config.set(ServerSettings.third_party_packages,
                    List.of(new ThirdPartyJaxRsPackage(ExplorerResource.class.getPackageName(), EXPLORER_PATH)));
            // Browser applies mmr's style (Image nodes show their id, Tag nodes their name) on connecting
            config.setRaw(Map.of("browser.post_connect_cmd",
                    "style http://localhost:" + httpPort + EXPLORER_PATH + "/assets/mmr.grass"));
        }
        if (imagesRoot != null) {
            config.set(MmrSettings.images_root, imagesRoot.toAbsolutePath().normalize());
        }
        if (modelsRoot != null) {
            config.set(MmrSettings.models_root, modelsRoot.toAbsolutePath().normalize());
        }
        config.setRaw(settings);
        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceFactory(DbmsInfo.COMMUNITY, CommunityEditionModule::new)
                    .build(config.build(), web, GraphDatabaseDependencies.newDependencies());
        } catch (RuntimeException e) {
            throw startFailure(abs, e);
        }
        EmbeddedNeo4j neo4j = new EmbeddedNeo4j(dbms, abs);
        try {
            GlobalProcedures procedures = ((GraphDatabaseAPI) neo4j.db).getDependencyResolver()
                    .resolveDependency(GlobalProcedures.class);
            ProcedureRegistry.registerAll(procedures);
        } catch (Exception e) {
            dbms.shutdown();
            throw new IllegalStateException("cannot register procedures in the embedded database: " + e.getMessage(), e);
        }
        return neo4j;
    }

    /**
     * Neo4j's "Error starting Neo4j database server at …" with the reason from its causes: most often the
     * store is held by another process (another serve, a Neo4j server on the same folder).
     */
    static RuntimeException startFailure(Path home, RuntimeException e) {
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getSimpleName().equals("FileLockException")) {
                return new IllegalStateException("the database in " + home + " is in use by another process (another mmr serve, "
                        + "import or a Neo4j server on the same folder); stop it, or use another folder", e);
            }
            root = t;
        }
        return root == e ? e : new IllegalStateException(e.getMessage() + ": " + root.getMessage(), e);
    }

    /**
     * Lucene write buffers large enough that a vector index is built — and a training's embeddings
     * are written — as one segment rather than dozens: every segment is searched separately, so
     * Neo4j's defaults (20 segments for 100k 512-d features) made the features lookup 5–10× slower
     * (docs/benchmarks.md). Internal Neo4j settings, an upper bound on memory used only while
     * indexing; a quarter of the heap, at most 1 GB.
     */
    static Map<String, String> vectorIndexBuffers() {
        long mb = Math.max(64, Math.min(1024, Runtime.getRuntime().maxMemory() / 4 / (1024 * 1024)));
        return Map.of("internal.dbms.index.vector.population_ram_buffer_size", String.valueOf(mb),
                "internal.dbms.index.lucene.standard_ram_buffer_size", String.valueOf(mb));
    }

    /**
     * Neo4j Browser's address with the connection form filled in for this server: its Bolt port and
     * no authentication (Browser's documented URL parameters); with authentication off it connects
     * by itself (tested in a browser).
     */
    public static String browserPath(int boltPort) {
        return "/browser/?dbms=bolt://localhost:" + boltPort + "&preselectAuthMethod=NO_AUTH";
    }

    public GraphDatabaseService db() {
        return db;
    }

    public Path home() {
        return home;
    }

    @Override
    public void close() {
        dbms.shutdown();
    }
}
