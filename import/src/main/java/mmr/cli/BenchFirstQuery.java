package mmr.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;

import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import mmr.server.EmbeddedNeo4j;
import mmr.server.ServerProcess;

/**
 * The first image query after a start: the database is started (its catalog's encoder from the cache's
 * models), one image of the catalog is sent as bytes right after the start returns, then again;
 * side by side with the background warm-up off and on ({@code server.mmr.warm_up}), each a few times.
 * With {@code --server-lib} each start is a fresh Neo4j server process (the plugin jar in its
 * {@code plugins/}, a copy of the store in its {@code data/}) and the queries go over Bolt, as an app's
 * would; otherwise the database is embedded in this JVM.
 */
@Command(name = "first-query", mixinStandardHelpOptions = true,
        description = "Latency of the first image query (bytes) after a database start, with the encoder warm-up off and on.")
final class BenchFirstQuery implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CacheOption cache;

    @Option(names = "--db-dir", required = true, paramLabel = "DIR", description = "A built, trained database (e.g. .mmr/neo4j)")
    Path home;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder the catalog's image paths are relative to")
    Path images;

    @Option(names = "--encoder", paramLabel = "SPEC", defaultValue = CacheOption.DEFAULT_ENCODER,
            description = "The catalog's encoder, to find its models (default: ${DEFAULT-VALUE})")
    String encoder;

    @Option(names = "--rounds", defaultValue = "3", description = "Starts per setting (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--pause", defaultValue = "0", paramLabel = "MS",
            description = "Wait this long after the start before the first query, as a user would (default: ${DEFAULT-VALUE})")
    long pauseMillis;

    @Option(names = "--server-lib", paramLabel = "DIR",
            description = "A Neo4j 5.26 server's lib/ folder: start a server process per round instead of an embedded database")
    Path serverLib;

    @Option(names = "--plugin", paramLabel = "JAR", description = "The mmr plugin jar for the server's plugins/ (with --server-lib)")
    Path plugin;

    @Option(names = "--server-conf", paramLabel = "KEY=VALUE",
            description = "An extra neo4j.conf line for the server process (repeatable), e.g. server.jvm.additional=-XX:+PrintFlagsFinal")
    List<String> serverConf = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path modelsRoot = cache.modelsRoot(encoder);
        if (serverLib != null) {
            return serverProcesses(out, modelsRoot);
        }
        out.printf(Locale.ROOT, "%-9s %5s %10s %14s %14s%n", "warm-up", "round", "start ms", "1st query ms", "2nd query ms");
        for (int round = 1; round <= rounds; round++) {
            for (boolean warm : new boolean[] {false, true}) {
                long t0 = System.nanoTime();
                try (EmbeddedNeo4j neo4j = EmbeddedNeo4j.start(home, EmbeddedNeo4j.OFF, EmbeddedNeo4j.OFF, false, images, modelsRoot,
                        Map.of("server.mmr.warm_up", String.valueOf(warm)))) {
                    double start = (System.nanoTime() - t0) / 1e6;
                    String source = neo4j.db().executeTransactionally(FIRST_SOURCE, Map.of(), r -> (String) r.next().get("s"));
                    twoQueries(out, warm, round, start, source, bytes -> query(neo4j, bytes));
                }
            }
        }
        return 0;
    }

    private int serverProcesses(PrintWriter out, Path modelsRoot) throws Exception {
        if (plugin == null || !Files.isRegularFile(plugin)) {
            throw new IllegalArgumentException("--server-lib needs --plugin <the mmr plugin jar>; got " + plugin);
        }
        if (!Files.isDirectory(serverLib) || !Files.isDirectory(home.resolve("data/databases/neo4j"))) {
            throw new IllegalArgumentException("--server-lib must be a folder of the server's jars and --db-dir a store home "
                    + "(with data/databases/neo4j); got " + serverLib + " and " + home);
        }
        Path dir = Files.createTempDirectory("mmr-first-query");
        out.printf(Locale.ROOT, "server process per start, home %s%n", dir);
        out.printf(Locale.ROOT, "%-9s %5s %10s %14s %14s%n", "warm-up", "round", "start ms", "1st query ms", "2nd query ms");
        for (int round = 1; round <= rounds; round++) {
            for (boolean warm : new boolean[] {false, true}) {
                Path at = dir.resolve("r" + round + (warm ? "-on" : "-off"));
                List<String> conf = new ArrayList<>(List.of("dbms.security.procedures.unrestricted=gds.*,mmr.*",
                        "server.unmanaged_extension_classes=mmr.procedures.web=/mmr",
                        "server.mmr.images_root=" + images.toAbsolutePath(), "server.mmr.models_root=" + modelsRoot.toAbsolutePath(),
                        "server.memory.heap.initial_size=1g", "server.memory.heap.max_size=1g", "server.memory.pagecache.size=512m",
                        "dbms.security.auth_enabled=false", "server.mmr.warm_up=" + warm));
                conf.addAll(serverConf);
                ServerProcess.Home h = ServerProcess.Home.assemble(at, serverLib, List.of(plugin), conf);
                BenchQuality.copyTree(home.resolve("data"), at.resolve("data"));
                long t0 = System.nanoTime();
                try (ServerProcess server = ServerProcess.start(h, "1g", 300);
                     Driver driver = GraphDatabase.driver(h.boltUri(), AuthTokens.none())) {
                    double start = (System.nanoTime() - t0) / 1e6;
                    driver.verifyConnectivity();
                    try (Session s = driver.session()) {
                        twoQueries(out, warm, round, start, s.run(FIRST_SOURCE).single().get("s").asString(), bytes -> query(s, bytes));
                    }
                    server.stop(60);
                    String warmed = Files.readAllLines(at.resolve("logs/console.log")).stream().filter(l -> l.contains("warmed database"))
                            .findFirst().orElse("");
                    if (!warmed.isEmpty()) {
                        out.println("  " + warmed.strip());
                    }
                }
                BenchCommand.deleteTree(at);   // a copy of the store per start: gone once measured
            }
        }
        BenchCommand.deleteTree(dir);
        return 0;
    }

    /** The file of the catalog's first image (by id), the one both kinds of start send. */
    private static final String FIRST_SOURCE = "MATCH (i:Image) WHERE i.source IS NOT NULL RETURN i.source AS s ORDER BY i.id LIMIT 1";

    /** Waits as a user would, sends the image twice, prints the row. */
    private void twoQueries(PrintWriter out, boolean warm, int round, double start, String source, ToDoubleFunction<byte[]> query)
            throws Exception {
        byte[] bytes = Files.readAllBytes(images.resolve(source));
        if (pauseMillis > 0) {
            Thread.sleep(pauseMillis);
        }
        double first = query.applyAsDouble(bytes);
        double second = query.applyAsDouble(bytes);
        out.printf(Locale.ROOT, "%-9s %5d %10.0f %14.1f %14.1f%n", warm ? "on" : "off", round, start, first, second);
        out.flush();
    }

    private static double query(Session s, byte[] bytes) {
        long t0 = System.nanoTime();
        s.run("CALL mmr.search({bytes: $b}, {k: 10}) YIELD image RETURN count(image) AS n", Map.of("b", bytes)).consume();
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double query(EmbeddedNeo4j neo4j, byte[] bytes) {
        long t0 = System.nanoTime();
        neo4j.db().executeTransactionally("CALL mmr.search({bytes: $b}, {k: 10}) YIELD image RETURN count(image) AS n",
                Map.of("b", bytes), r -> r.next().get("n"));
        return (System.nanoTime() - t0) / 1e6;
    }
}
