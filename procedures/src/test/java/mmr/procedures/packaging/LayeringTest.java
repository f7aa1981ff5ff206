package mmr.procedures.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The house's rules, read off the main sources of all three modules: data flows one way (model ←
 * procedures ← import), no package depends on a package that depends on it, and no class grows past
 * 500 lines unless it is one algorithm (named below).
 */
class LayeringTest {
    private static final List<Path> MODULES = List.of(Path.of("..", "model"), Path.of("."), Path.of("..", "import"));
    /** Classes over the limit that are one algorithm each. */
    private static final Set<String> ONE_ALGORITHM = Set.of("mmr.model.sage.SageTrainer");
    private static final int MAX_LINES = 500;
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    /** An import, static or not, or a fully qualified reference in code: its package is the part before the first capital. */
    private static final Pattern REFERENCE = Pattern.compile("(?<![\\w.])(mmr(?:\\.[a-z0-9_]+)+)\\.[A-Z]");

    private record Source(Path file, String module, String pkg, String text) {}

    private static List<Source> sources() throws IOException {
        List<Source> out = new ArrayList<>();
        for (Path module : MODULES) {
            Path root = module.resolve("src/main/java");
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(f);
                    Matcher m = PACKAGE.matcher(text);
                    assertThat(m.find()).as("package of %s", f).isTrue();
                    out.add(new Source(f, module.normalize().toAbsolutePath().getFileName().toString(), m.group(1), text));
                }
            }
        }
        assertThat(out).as("main sources found").hasSizeGreaterThan(100);
        return out;
    }

    private static final Pattern COMMENT_OR_STRING = Pattern.compile("/\\*.*?\\*/|//[^\n]*|\"(?:[^\"\\\\\n]|\\\\.)*\"", Pattern.DOTALL);

    /** package → the mmr packages its code references (imports and qualified names; comments and strings are not code). */
    private static Map<String, Set<String>> dependencies(List<Source> sources) {
        Map<String, Set<String>> deps = new TreeMap<>();
        for (Source s : sources) {
            Set<String> to = deps.computeIfAbsent(s.pkg(), k -> new TreeSet<>());
            Matcher m = REFERENCE.matcher(COMMENT_OR_STRING.matcher(s.text()).replaceAll(" "));
            while (m.find()) {
                if (!m.group(1).equals(s.pkg())) {
                    to.add(m.group(1));
                }
            }
        }
        deps.values().forEach(to -> to.retainAll(deps.keySet()));
        return deps;
    }

    @Test
    void dataFlowsOneWay() throws IOException {
        List<String> wrong = new ArrayList<>();
        Map<String, String> moduleOf = new HashMap<>();
        List<Source> sources = sources();
        sources.forEach(s -> moduleOf.put(s.pkg(), s.module()));
        List<String> order = List.of("model", "procedures", "import");
        dependencies(sources).forEach((from, to) -> to.forEach(t -> {
            if (order.indexOf(moduleOf.get(t)) > order.indexOf(moduleOf.get(from))) {
                wrong.add(from + " (" + moduleOf.get(from) + ") -> " + t + " (" + moduleOf.get(t) + ")");
            }
        }));
        assertThat(wrong).as("references against the data flow model <- procedures <- import").isEmpty();
    }

    @Test
    void noPackageDependsOnAPackageThatDependsOnIt() throws IOException {
        Map<String, Set<String>> deps = dependencies(sources());
        List<List<String>> cycles = new ArrayList<>();
        for (String start : deps.keySet()) {
            for (String next : deps.get(start)) {
                List<String> path = path(deps, next, start);
                if (path != null && start.compareTo(path.stream().min(String::compareTo).orElse(start)) <= 0) {
                    List<String> cycle = new ArrayList<>(List.of(start));
                    cycle.addAll(path);
                    cycles.add(cycle);
                }
            }
        }
        assertThat(cycles).as("package cycles (each a -> ... -> a)").isEmpty();
    }

    /** A shortest dependency path from {@code from} to {@code to}, or null. */
    private static List<String> path(Map<String, Set<String>> deps, String from, String to) {
        Map<String, String> parent = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(from));
        parent.put(from, null);
        while (!queue.isEmpty()) {
            String p = queue.poll();
            if (p.equals(to)) {
                List<String> out = new ArrayList<>();
                for (String x = p; x != null; x = parent.get(x)) {
                    out.add(0, x);
                }
                return out;
            }
            for (String n : deps.getOrDefault(p, Set.of())) {
                if (!parent.containsKey(n)) {
                    parent.put(n, p);
                    queue.add(n);
                }
            }
        }
        return null;
    }

    @Test
    void classesStayBelowFiveHundredLinesUnlessOneAlgorithm() throws IOException {
        List<String> long_ = new ArrayList<>();
        for (Source s : sources()) {
            long lines = s.text().lines().count();
            String name = s.pkg() + "." + s.file().getFileName().toString().replace(".java", "");
            if (lines > MAX_LINES && !ONE_ALGORITHM.contains(name)) {
                long_.add(name + " (" + lines + " lines)");
            }
        }
        assertThat(long_).as("classes over %d lines", MAX_LINES).isEmpty();
    }
}
