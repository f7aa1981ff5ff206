package mmr.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The server's command line as bin/neo4j builds it from neo4j.conf (the process itself: ServerProcessIT). */
class ServerProcessTest {
    private static final ServerProcess.Home HOME = new ServerProcess.Home(Path.of("/srv/neo4j"), Path.of("/srv/neo4j/lib"), 7687, 7474);

    @Test
    void heapAndEachJvmAdditionalLineComeFromTheConfBeforeTheClasspath() {
        List<String> command = ServerProcess.command(HOME, List.of("server.memory.heap.max_size=2g",
                "server.jvm.additional=-Djol.skipHotspotSAAttach=true", "# server.jvm.additional=-Dcommented=out",
                " server.jvm.additional = -XX:+ExitOnOutOfMemoryError "), "1g");
        assertThat(command.subList(1, command.indexOf("-cp"))).containsExactly("-Xms2g", "-Xmx2g", "-XX:+UseG1GC",
                "-Djol.skipHotspotSAAttach=true", "-XX:+ExitOnOutOfMemoryError");
        assertThat(command).endsWith("--home-dir=/srv/neo4j", "--config-dir=/srv/neo4j/conf", "--console-mode");
    }

    @Test
    void withoutHeapLinesTheDefaultHeapIsBoth() {
        List<String> command = ServerProcess.command(HOME, List.of(), "1g");
        assertThat(command.subList(1, 4)).containsExactly("-Xms1g", "-Xmx1g", "-XX:+UseG1GC");
        assertThat(command).doesNotContain("-Djol.skipHotspotSAAttach=true");
    }
}
