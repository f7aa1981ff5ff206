package mmr.ingest.icons;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import mmr.ingest.SpreadSample;
import mmr.ingest.npm.NpmPackages;
import mmr.model.tag.TagNames;

/**
 * The second evaluation catalog: Material Design Icons ({@code @mdi/svg}, Apache-2.0), one SVG per
 * icon, fetched with {@code npm pack} into the cache. Tags are the words of the icon's name and of its
 * aliases, and its categories (split at "/" and "+"). Evaluation-only metadata: {@code concept} = the
 * icon's family ({@code baseIconId}: an icon and its outline/filled/other variants), {@code category} =
 * its first category ("Uncategorized" when it has none), {@code subcategory} = the first word of the
 * family's base icon name. Deprecated icons are left out (the package is removing them).
 */
public final class IconDataset {
    public static final String PACKAGE = "@mdi/svg";
    public static final String VERSION = "7.4.47";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path cache;

    public IconDataset(Path cache) {
        this.cache = cache;
    }

    /** The folder {@link #prepare} extracts into: the manifest's image paths are relative to it. */
    public Path root() {
        return cache.resolve("mdi-svg-" + VERSION);
    }

    /** Fetches (if needed) and extracts the package; returns the folder holding meta.json and svg/. */
    public Path prepare() throws IOException {
        Path out = root();
        Path marker = out.resolve(".complete");
        if (Files.exists(marker)) {
            return out;
        }
        Path npm = cache.resolve("npm");
        Files.createDirectories(npm);
        Path tgz = NpmPackages.pack(npm, PACKAGE, VERSION);
        NpmPackages.extract(tgz, out, e -> e.equals("package/meta.json") || e.equals("package/LICENSE")
                || (e.startsWith("package/svg/") && e.endsWith(".svg")));
        Files.writeString(marker, "ok\n");
        return out;
    }

    /** One icon as the manifest sees it. */
    record Icon(String name, String family, List<String> tags, String category, String subcategory) {}

    /** The package's icons (deprecated ones left out), in the package's order. */
    static List<Icon> icons(JsonNode meta) {
        Map<String, String> nameById = new HashMap<>();
        meta.forEach(m -> nameById.put(m.path("id").asText(), m.path("name").asText()));
        List<Icon> icons = new ArrayList<>();
        for (JsonNode m : meta) {
            if (m.path("deprecated").asBoolean(false)) {
                continue;
            }
            String name = m.path("name").asText();
            String family = m.path("baseIconId").asText(m.path("id").asText());
            Set<String> tags = new LinkedHashSet<>();
            words(name, tags);
            m.path("aliases").forEach(a -> words(a.asText(), tags));
            List<String> categories = new ArrayList<>();
            m.path("tags").forEach(t -> categories.add(t.asText()));
            for (String category : categories) {
                for (String part : category.split("[/+]")) {
                    add(part, tags);
                }
            }
            String base = nameById.getOrDefault(family, name);
            icons.add(new Icon(name, family, new ArrayList<>(tags),
                    categories.isEmpty() ? "Uncategorized" : categories.get(0), base.split("-")[0]));
        }
        return icons;
    }

    private static void words(String hyphenated, Set<String> tags) {
        for (String w : hyphenated.split("-")) {
            add(w, tags);
        }
    }

    private static void add(String raw, Set<String> tags) {
        if (TagNames.problem(raw).isEmpty()) {
            tags.add(TagNames.normalise(raw));
        }
    }

    /**
     * Writes {@code manifest.jsonl}: every icon, or with {@code families} &gt; 0 the icons of that many
     * seeded families spread over categories. With {@code copyTo} set, the chosen SVGs are copied
     * next to the manifest (a self-contained folder). Returns the manifest path.
     */
    public Path build(Path prepared, int families, long seed, Path copyTo) throws IOException {
        List<Icon> icons = icons(JSON.readTree(prepared.resolve("meta.json").toFile()));
        if (families > 0) {
            icons = sample(icons, families, seed);
        }
        Path target = copyTo == null ? prepared : copyTo;
        Files.createDirectories(target);
        Path manifest = target.resolve("manifest.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(manifest, StandardCharsets.UTF_8)) {
            for (Icon icon : icons) {
                String relative = "svg/" + icon.name() + ".svg";
                Path source = prepared.resolve(relative);
                if (!Files.isRegularFile(source)) {
                    continue;
                }
                if (copyTo != null) {
                    Path dest = target.resolve(relative);
                    Files.createDirectories(dest.getParent());
                    Files.copy(source, dest, StandardCopyOption.REPLACE_EXISTING);
                }
                Map<String, Object> metadata = new LinkedHashMap<>();
                metadata.put("concept", icon.family());
                metadata.put("category", icon.category());
                metadata.put("subcategory", icon.subcategory());
                metadata.put("name", icon.name());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", "mdi:" + icon.name());
                row.put("path", relative);
                row.put("tags", icon.tags());
                row.put("metadata", metadata);
                w.write(JSON.writeValueAsString(row));
                w.write('\n');
            }
        }
        return manifest;
    }

    /** The icons of {@code n} families, a seeded choice spread evenly over first categories. */
    static List<Icon> sample(List<Icon> icons, int n, long seed) {
        Map<String, List<Icon>> byFamily = new LinkedHashMap<>();
        icons.forEach(i -> byFamily.computeIfAbsent(i.family(), f -> new ArrayList<>()).add(i));
        Set<String> chosen = new HashSet<>(SpreadSample.of(new ArrayList<>(byFamily.keySet()),
                family -> byFamily.get(family).get(0).category(), family -> family, n, seed));
        return icons.stream().filter(i -> chosen.contains(i.family())).toList();
    }
}
