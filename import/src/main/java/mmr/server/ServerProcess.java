package mmr.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Neo4j 5.26 server as its own JVM, on a home assembled the way a user installs one: {@code lib/}
 * (the Community server's jars), {@code plugins/} (only what a user copies there), {@code conf/neo4j.conf},
 * {@code data/}, {@code logs/}, {@code import/}. Started as {@code bin/neo4j console} starts it
 * ({@code java -cp 'lib/*:plugins/*' org.neo4j.server.CommunityEntryPoint --home-dir --config-dir
 * --console-mode}), ready when its HTTP port answers, stopped with SIGTERM. {@link #admin} runs
 * {@code neo4j-admin} on the same jars.
 */
public final class ServerProcess implements AutoCloseable {
    private static final String ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint";
    private static final String ADMIN = "org.neo4j.server.startup.Neo4jAdminCommand";
    private static final String JVM_ADDITIONAL = "server.jvm.additional";

    /** A server home: where it lives, its jars, and the ports its conf gives it. */
    public record Home(Path dir, Path lib, int boltPort, int httpPort) {
        public Path conf() {
            return dir.resolve("conf/neo4j.conf");
        }

        public Path plugins() {
            return dir.resolve("plugins");
        }

        public String boltUri() {
            return "bolt://127.0.0.1:" + boltPort;
        }

        public String httpUri() {
            return "http://127.0.0.1:" + httpPort;
        }

        /**
         * Creates the folders, links {@code lib/} to {@code serverLib}, copies {@code plugins} in, and writes
         * {@code conf/neo4j.conf}: {@code userConf} (the lines the install guide tells users to add) and then
         * this home's own ports, which a user's default conf already has.
         */
        public static Home assemble(Path dir, Path serverLib, List<Path> plugins, List<String> userConf) throws IOException {
            for (String sub : List.of("conf", "plugins", "data", "logs", "import", "run")) {
                Files.createDirectories(dir.resolve(sub));
            }
            Path lib = dir.resolve("lib");
            if (!Files.exists(lib)) {
                Files.createSymbolicLink(lib, serverLib.toAbsolutePath());
            }
            for (Path p : plugins) {
                Files.copy(p, dir.resolve("plugins").resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            int bolt = freePort();
            int http = freePort();
            List<String> conf = new ArrayList<>(userConf);
            conf.add("# this home's own ports (a default neo4j.conf has 7687 and 7474)");
            conf.add("server.bolt.listen_address=127.0.0.1:" + bolt);
            conf.add("server.http.listen_address=127.0.0.1:" + http);
            conf.add("server.https.enabled=false");
            Files.write(dir.resolve("conf/neo4j.conf"), conf, StandardCharsets.UTF_8);
            return new Home(dir, lib, bolt, http);
        }
    }

    private final Home home;
    private final Process process;

    private ServerProcess(Home home, Process process) {
        this.home = home;
        this.process = process;
    }

    /**
     * Starts the server and waits until its HTTP port answers (or it exits, or {@code timeoutSeconds} pass).
     * The heap comes from the conf's {@code server.memory.heap.*} lines, as {@code bin/neo4j} passes them to
     * the JVM, else {@code defaultHeap}; each {@code server.jvm.additional} line is passed as one JVM argument.
     */
    public static ServerProcess start(Home home, String defaultHeap, int timeoutSeconds) throws IOException, InterruptedException {
        Path console = home.dir().resolve("logs/console.log");
        List<String> command = command(home, Files.readAllLines(home.conf(), StandardCharsets.UTF_8), defaultHeap);
        Process p = new ProcessBuilder(command).directory(home.dir().toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile())).start();
        ServerProcess server = new ServerProcess(home, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the Neo4j server exited with " + p.exitValue() + " while starting\n" + server.logs());
            }
            if (answers(home.httpUri())) {
                return server;
            }
            Thread.sleep(250);
        }
        server.close();
        throw new IllegalStateException("the Neo4j server did not answer on " + home.httpUri() + " within " + timeoutSeconds
                + " s\n" + server.logs());
    }

    /** The server's command line, as {@code bin/neo4j console} builds it from the home's conf. */
    static List<String> command(Home home, List<String> conf, String defaultHeap) {
        String max = setting(conf, "server.memory.heap.max_size", defaultHeap);
        String initial = setting(conf, "server.memory.heap.initial_size", max);
        List<String> command = new ArrayList<>(List.of(java(), "-Xms" + initial, "-Xmx" + max, "-XX:+UseG1GC"));
        command.addAll(values(conf, JVM_ADDITIONAL));   // as bin/neo4j does: each line one JVM argument
        command.addAll(List.of("-cp", "lib/*:plugins/*", ENTRY_POINT,
                "--home-dir=" + home.dir().toAbsolutePath(), "--config-dir=" + home.dir().resolve("conf").toAbsolutePath(),
                "--console-mode"));
        return command;
    }

    public Home home() {
        return home;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM, then waits for the JVM to exit; returns its exit code (143: ended by SIGTERM after its shutdown). */
    public int stop(int timeoutSeconds) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("the Neo4j server did not stop within " + timeoutSeconds + " s of SIGTERM\n" + logs());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop(60);
        }
    }

    /** The end of the console log (neo4j.log's content in console mode) and of debug.log, for failure messages. */
    public String logs() {
        return tail(home.dir().resolve("logs/console.log"), 60) + "\n--- debug.log ---\n"
                + tail(home.dir().resolve("logs/debug.log"), 60);
    }

    /** Runs neo4j-admin with {@code args} on this home (the server must be stopped for dump, load and set-initial-password). */
    public static String admin(Home home, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m", "-cp", "lib/*:plugins/*", ADMIN));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.dir().toFile()).redirectErrorStream(true);
        pb.environment().put("NEO4J_HOME", home.dir().toAbsolutePath().toString());
        pb.environment().put("NEO4J_CONF", home.dir().resolve("conf").toAbsolutePath().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("neo4j-admin " + String.join(" ", args) + " did not finish within 120 s:\n" + out);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("neo4j-admin " + String.join(" ", args) + " exited with " + p.exitValue() + ":\n" + out);
        }
        return out;
    }

    private static boolean answers(String uri) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(uri + "/").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            // The discovery document; a browser's Accept would be redirected to /browser/.
            c.setRequestProperty("Accept", "application/json");
            c.setInstanceFollowRedirects(false);
            int code = c.getResponseCode();
            c.disconnect();
            return code == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static String setting(List<String> conf, String key, String otherwise) {
        List<String> all = values(conf, key);
        return all.isEmpty() ? otherwise : all.get(all.size() - 1);
    }

    /** Every value of {@code key} in neo4j.conf lines, in order ({@code key=value}, spaces around '=' allowed; '#' comments skipped). */
    private static List<String> values(List<String> conf, String key) {
        List<String> out = new ArrayList<>();
        for (String line : conf) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (!l.startsWith("#") && eq > 0 && l.substring(0, eq).strip().equals(key)) {
                out.add(l.substring(eq + 1).strip());
            }
        }
        return out;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return "(no " + file.getFileName() + ")";
        }
        try (Stream<String> all = Files.lines(file, StandardCharsets.UTF_8)) {
            List<String> list = all.toList();
            return String.join("\n", list.subList(Math.max(0, list.size() - lines), list.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
