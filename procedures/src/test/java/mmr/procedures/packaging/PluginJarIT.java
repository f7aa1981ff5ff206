package mmr.procedures.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded plugin jar as users install it: what is inside, and that Neo4j loads it from plugins/. */
class PluginJarIT {
    /** Packages Neo4j already ships: bundling them breaks servers (n10s did, on 5.26.24). */
    private static final List<String> FORBIDDEN = List.of("com/fasterxml/jackson/", "io/netty/", "org/apache/lucene/",
            "org/slf4j/", "org/neo4j/", "org/eclipse/jetty/", "scala/", "org/apache/commons/", "com/sun/jna/");

    private static Path pluginJar() throws Exception {
        try (var files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().endsWith("-plugin.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no *-plugin.jar in target/; run mvn verify"));
        }
    }

    @Test
    void bundlesMmrAndDjlButNothingNeo4jShips() throws Exception {
        List<String> offending = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (JarFile jar = new JarFile(pluginJar().toFile())) {
            for (JarEntry e : Collections.list(jar.entries())) {
                String n = e.getName();
                names.add(n);
                if (n.endsWith(".class") && FORBIDDEN.stream().anyMatch(n::startsWith)) {
                    offending.add(n);
                }
            }
            assertThat(offending).as("classes Neo4j already ships must not be bundled").isEmpty();
            assertThat(names).contains("mmr/procedures/knn/KnnProc.class", "mmr/model/encode/DescriptorEncoder.class",
                    "ai/djl/pytorch/engine/PtEngine.class");
            assertThat(names).anyMatch(n -> n.startsWith("pytorch/") || n.startsWith("native/lib/"));
            String engines = new String(jar.getInputStream(jar.getEntry("META-INF/services/ai.djl.engine.EngineProvider"))
                    .readAllBytes(), StandardCharsets.UTF_8);
            assertThat(engines).contains("ai.djl.pytorch.engine.PtEngineProvider");
        }
    }

    @Test
    void loadsFromAPluginsFolderAndItsProceduresRun(@TempDir Path plugins) throws Exception {
        Files.copy(pluginJar(), plugins.resolve("mmr-plugin.jar"));
        // A JVM with Neo4j, the harness and GDS, but no mmr or DJL classes: mmr comes from the jar only.
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains(File.separator + "ai" + File.separator + "djl" + File.separator))
                .filter(e -> !Path.of(e).getFileName().toString().startsWith("mmr-"))
                .filter(e -> !e.endsWith("model" + File.separator + "target" + File.separator + "classes"))
                .filter(e -> !e.endsWith("procedures" + File.separator + "target" + File.separator + "classes"))
                .collect(Collectors.joining(File.pathSeparator))
                // as Neo4j's launcher runs a server: plugins/* on its classpath (where the HTTP server
                // finds unmanaged extensions such as the explorer page), and plugins/ scanned for procedures
                + File.pathSeparator + plugins.resolve("mmr-plugin.jar");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx1g", "-Dai.djl.offline=true", "-Djol.skipHotspotSAAttach=true",
                "-cp", classpath, PluginLoadProbe.class.getName(), plugins.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("procedures: [mmr.attach, mmr.catalog.info, mmr.embed, mmr.explain, mmr.feedback, mmr.knn, mmr.model.info, mmr.path, mmr.predictTags, mmr.progress, mmr.rerank, mmr.search, mmr.tag, mmr.train, mmr.untag]")
                .containsPattern("knn relationshipsWritten: [1-9]\\d*")
                .contains("images=20")
                .contains("search with image bytes: 3 results")
                .contains("explorer /mmr/: 200 <!doctype html>")
                .contains("explorer /mmr/api/info: 200 {\"encoder\":\"descriptor/512/1\",\"encoderSpec\":\"descriptor\",\"images\":60,");
    }
}
