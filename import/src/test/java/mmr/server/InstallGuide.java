package mmr.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the install guide tells users to type, read from the guide itself so the test cannot drift from it. */
final class InstallGuide {
    /** Marks the fenced block of neo4j.conf lines in docs/install.md. */
    static final String CONF_MARKER = "<!-- tested: the neo4j.conf lines -->";

    private InstallGuide() {}

    /** The lines of the fenced block that follows {@link #CONF_MARKER}. */
    static List<String> neo4jConf(Path guide) throws IOException {
        List<String> lines = Files.readAllLines(guide, StandardCharsets.UTF_8);
        int at = lines.indexOf(CONF_MARKER);
        if (at < 0 || at + 1 >= lines.size() || !lines.get(at + 1).startsWith("```")) {
            throw new IllegalStateException(guide + " has no fenced block after " + CONF_MARKER);
        }
        List<String> conf = new ArrayList<>();
        for (int i = at + 2; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
            conf.add(lines.get(i));
        }
        return conf;
    }
}
