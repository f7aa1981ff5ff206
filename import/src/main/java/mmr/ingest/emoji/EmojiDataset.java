package mmr.ingest.emoji;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import mmr.ingest.SpreadSample;
import mmr.ingest.npm.NpmPackages;


/**
 * The demo and evaluation catalog: emoji images of two vendors (Google, Apache-2.0; Twitter,
 * CC-BY-4.0) with emojilib keywords (MIT) as tags. Packages are fetched with {@code npm pack}
 * into a cache outside the repository and turned into a JSON Lines manifest.
 * Vendor, code point, category and subcategory are kept as evaluation-only metadata.
 */
public final class EmojiDataset {
    public static final String DATASOURCE_VERSION = "16.0.0";
    public static final String EMOJILIB_VERSION = "4.0.3";
    public static final List<String> VENDORS = List.of("google", "twitter");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path cache;

    /** {@code cache}: where packages and extracted images live (e.g. ~/.cache/mmr). */
    public EmojiDataset(Path cache) {
        this.cache = cache;
    }

    /** The default cache: $MMR_CACHE, else ~/.cache/mmr. */
    public static Path defaultCache() {
        String env = System.getenv("MMR_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "mmr");
    }

    /** Options for {@link #build}. */
    public record Options(List<String> vendors, boolean skinTones, int sample, long seed) {
        public static Options all() {
            return new Options(VENDORS, false, 0, 1);
        }
    }

    /** The folder {@link #prepare} extracts into: the emoji manifest's image paths are relative to it. */
    public Path root() {
        return cache.resolve("emoji-" + DATASOURCE_VERSION);
    }

    /** Fetches (if needed) and extracts the packages; returns the folder holding emoji.json and img/. */
    public Path prepare() throws IOException {
        Path npm = cache.resolve("npm");
        Path out = root();
        Path marker = out.resolve(".complete");
        if (Files.exists(marker)) {
            return out;
        }
        Files.createDirectories(npm);
        Path google = NpmPackages.pack(npm, "emoji-datasource-google", DATASOURCE_VERSION);
        Path twitter = NpmPackages.pack(npm, "emoji-datasource-twitter", DATASOURCE_VERSION);
        Path lib = NpmPackages.pack(npm, "emojilib", EMOJILIB_VERSION);
        NpmPackages.extract(google, out, e -> e.equals("package/emoji.json") || e.startsWith("package/img/google/64/"));
        NpmPackages.extract(twitter, out, e -> e.startsWith("package/img/twitter/64/"));
        NpmPackages.extract(lib, out, e -> e.equals("package/dist/emoji-en-US.json") || e.equals("package/LICENSE"));
        Files.writeString(marker, "ok\n");
        return out;
    }

    /**
     * Writes {@code manifest.jsonl} for the prepared data. With {@code copyTo} set, the chosen images
     * are copied next to the manifest (a self-contained folder, as the test fixture is).
     * Returns the manifest path.
     */
    public Path build(Path prepared, Options options, Path copyTo) throws IOException {
        JsonNode emoji = JSON.readTree(prepared.resolve("emoji.json").toFile());
        Map<String, List<String>> keywords = keywords(prepared.resolve("dist/emoji-en-US.json"));
        List<JsonNode> concepts = new ArrayList<>();
        for (JsonNode e : emoji) {
            if (!"Component".equals(e.path("category").asText())) {
                concepts.add(e);
            }
        }
        if (options.sample() > 0) {
            concepts = SpreadSample.of(concepts, e -> e.path("category").asText(), e -> e.path("unified").asText(),
                    options.sample(), options.seed());
        }
        Path target = copyTo == null ? prepared : copyTo;
        Files.createDirectories(target);
        Path manifest = target.resolve("manifest.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(manifest, StandardCharsets.UTF_8)) {
            for (JsonNode e : concepts) {
                List<String> tags = tagsFor(e.path("unified").asText(), keywords);
                for (String vendor : options.vendors()) {
                    writeEntry(w, prepared, target, copyTo != null, vendor, e, e, tags);
                    if (options.skinTones() && e.has("skin_variations")) {
                        for (JsonNode variant : e.get("skin_variations")) {
                            writeEntry(w, prepared, target, copyTo != null, vendor, variant, e, tags);
                        }
                    }
                }
            }
        }
        return manifest;
    }

    private void writeEntry(BufferedWriter w, Path prepared, Path target, boolean copy, String vendor,
                            JsonNode image, JsonNode concept, List<String> tags) throws IOException {
        if (!image.path("has_img_" + vendor).asBoolean(false)) {
            return;
        }
        String relative = "img/" + vendor + "/64/" + image.path("image").asText();
        Path source = prepared.resolve(relative);
        if (!Files.isRegularFile(source)) {
            return;
        }
        if (copy) {
            Path dest = target.resolve(relative);
            Files.createDirectories(dest.getParent());
            Files.copy(source, dest, StandardCopyOption.REPLACE_EXISTING);
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("vendor", vendor);
        metadata.put("concept", concept.path("unified").asText());
        metadata.put("category", concept.path("category").asText());
        metadata.put("subcategory", concept.path("subcategory").asText());
        metadata.put("name", concept.path("name").asText());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", vendor + ":" + image.path("unified").asText().toLowerCase(Locale.ROOT));
        row.put("path", copy || target.equals(prepared) ? relative : source.toString());
        row.put("tags", tags);
        row.put("metadata", metadata);
        w.write(JSON.writeValueAsString(row));
        w.write('\n');
    }

    /** emojilib keywords by code point sequence (variation selectors removed); the first keyword is the name. */
    private static Map<String, List<String>> keywords(Path file) throws IOException {
        Map<String, List<String>> out = new HashMap<>();
        JsonNode lib = JSON.readTree(file.toFile());
        lib.fields().forEachRemaining(e -> {
            List<String> words = new ArrayList<>();
            e.getValue().forEach(k -> words.add(k.asText()));
            out.put(codeKey(e.getKey()), words);
        });
        return out;
    }

    /** Tags of one concept: its emojilib keywords minus the first, which is the emoji's own name. */
    private static List<String> tagsFor(String unified, Map<String, List<String>> keywords) {
        StringBuilder sb = new StringBuilder();
        for (String hex : unified.split("-")) {
            sb.appendCodePoint(Integer.parseInt(hex, 16));
        }
        List<String> words = keywords.get(codeKey(sb.toString()));
        if (words == null || words.size() < 2) {
            return List.of();
        }
        return new ArrayList<>(words.subList(1, words.size()));
    }

    private static String codeKey(String emoji) {
        StringBuilder sb = new StringBuilder();
        emoji.codePoints().filter(cp -> cp != 0xFE0F).forEach(cp -> sb.append(Integer.toHexString(cp)).append('-'));
        return sb.toString();
    }
}
