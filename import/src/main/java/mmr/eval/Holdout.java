package mmr.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.ObjectMapper;

import mmr.ingest.manifest.ManifestEntry;
import mmr.ingest.manifest.ManifestReader;
import mmr.model.encode.ImageEncoder;
import mmr.model.image.ImageDecoder;
import mmr.model.image.ImageRejectedException;
import mmr.model.tag.TagNames;

/**
 * The catalog as the evaluation splits it: its records (read and encoded once), the held-out
 * queries — one image of a seeded share of the concepts with two or more images (or a seeded share of
 * images, without concept metadata or when no concept has two images) — and, per dropout level, the
 * tags the graph keeps. Seeded throughout: two runs split alike.
 */
public final class Holdout {
    /** A keyword must be on at least this many catalog images. */
    public static final int MIN_KEYWORD_IMAGES = 3;

    private Holdout() {}

    /** One catalog record as the evaluation sees it. */
    public record Item(String id, Path file, List<String> tags, Map<String, String> metadata, float[] features) {
        String concept() {
            return metadata.get("concept");
        }
    }

    /** A held-out image: its bytes (what mmr receives), features (what baselines receive), and its keyword (or null). */
    public record HeldOutQuery(Item item, byte[] bytes, String keyword) {}

    /** The catalog and the held-out queries. */
    public record Split(List<Item> catalog, List<HeldOutQuery> queries, boolean byConcept) {}

    /** The manifest's records with a path, tags normalised as at import. */
    static List<Item> read(Path manifest) throws IOException {
        if (!Files.isRegularFile(manifest)) {
            throw new IllegalArgumentException("manifest not found: '" + manifest + "'");
        }
        Path base = manifest.toAbsolutePath().getParent();
        List<Item> items = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (ManifestReader reader = ManifestReader.open(manifest)) {
            while (reader.hasNext()) {
                ManifestEntry e = reader.next();
                if (!(e instanceof ManifestEntry.Record r) || r.path() == null || !seen.add(r.id())) {
                    continue;
                }
                List<String> tags = new ArrayList<>(new LinkedHashSet<>(r.tags().stream()
                        .filter(t -> TagNames.problem(t).isEmpty()).map(TagNames::normalise).toList()));
                items.add(new Item(r.id(), base.resolve(r.path()), tags, r.metadata() == null ? Map.of() : r.metadata(), null));
            }
        }
        if (items.size() < 10) {
            throw new IllegalArgumentException("manifest '" + manifest + "' has " + items.size()
                    + " image(s) with a path; mmr eval needs at least 10 (held-out images are sent as bytes)");
        }
        if (items.stream().allMatch(i -> i.tags().isEmpty())) {
            throw new IllegalArgumentException("manifest '" + manifest + "' has no tags; mmr eval compares "
                    + "visual and conceptual search and needs tagged images");
        }
        return items;
    }

    /** Sets every item's features; an image that cannot be decoded is left out (of the catalog and the queries). */
    static void encode(List<Item> items, ImageEncoder encoder) throws IOException {
        ImageDecoder decoder = new ImageDecoder();
        for (int from = 0; from < items.size(); from += 64) {
            List<BufferedImage> batch = new ArrayList<>();
            List<Integer> at = new ArrayList<>();
            for (int i = from; i < Math.min(items.size(), from + 64); i++) {
                try {
                    batch.add(decoder.decode(items.get(i).file()));
                    at.add(i);
                } catch (ImageRejectedException e) {
                    // left out below
                }
            }
            float[][] f = batch.isEmpty() ? new float[0][] : encoder.encode(batch);
            for (int j = 0; j < at.size(); j++) {
                Item it = items.get(at.get(j));
                items.set(at.get(j), new Item(it.id(), it.file(), it.tags(), it.metadata(), f[j]));
            }
        }
        items.removeIf(i -> i.features() == null);
    }

    /**
     * One image of a seeded share {@code holdout} of the concepts with two or more images, or a seeded share of images; each
     * query's keyword is a seeded choice among its tags on at least {@link #MIN_KEYWORD_IMAGES}
     * catalog images. {@code maxQueries} &gt; 0 keeps a seeded sample of the queries.
     */
    static Split split(List<Item> all, double holdout, long seed, int maxQueries) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, List<Item>> byC = new TreeMap<>();
        if (all.stream().allMatch(i -> i.concept() != null)) {
            all.forEach(i -> byC.computeIfAbsent(i.concept(), c -> new ArrayList<>()).add(i));
        }
        // A concept with one image has nothing left in the catalog to find: only shared concepts are held out. A catalog
        // whose concepts are all single images (an icon set without variants) is split by images, judged by its metadata.
        List<String> concepts = new ArrayList<>(byC.keySet().stream().filter(c -> byC.get(c).size() > 1).toList());
        boolean byConcept = !concepts.isEmpty();
        Set<String> heldOut = new HashSet<>();
        if (byConcept) {
            shuffle(concepts, rng);
            int n = Math.max(1, (int) Math.round(holdout * concepts.size()));
            for (String c : concepts.subList(0, n)) {
                List<Item> members = byC.get(c);
                heldOut.add(members.get(rng.nextInt(members.size())).id());
            }
        } else {
            List<Item> shuffled = new ArrayList<>(all);
            shuffle(shuffled, rng);
            int n = Math.max(1, (int) Math.round(holdout * all.size()));
            shuffled.subList(0, n).forEach(i -> heldOut.add(i.id()));
        }
        List<Item> catalog = all.stream().filter(i -> !heldOut.contains(i.id())).toList();
        Map<String, Integer> frequency = tagFrequency(catalog);
        List<HeldOutQuery> queries = new ArrayList<>();
        for (Item i : all) {
            if (!heldOut.contains(i.id())) {
                continue;
            }
            List<String> eligible = i.tags().stream().filter(t -> frequency.getOrDefault(t, 0) >= MIN_KEYWORD_IMAGES)
                    .sorted().toList();
            String keyword = eligible.isEmpty() ? null : eligible.get(rng.nextInt(eligible.size()));
            queries.add(new HeldOutQuery(i, Files.readAllBytes(i.file()), keyword));
        }
        if (maxQueries > 0 && queries.size() > maxQueries) {
            shuffle(queries, rng);
            queries = new ArrayList<>(queries.subList(0, maxQueries));
            queries.sort(Comparator.comparing(q -> q.item().id()));
        }
        return new Split(catalog, queries, byConcept);
    }

    /** How many catalog images carry each tag (in their full metadata). */
    static Map<String, Integer> tagFrequency(List<Item> catalog) {
        Map<String, Integer> frequency = new HashMap<>();
        catalog.forEach(i -> i.tags().forEach(t -> frequency.merge(t, 1, Integer::sum)));
        return frequency;
    }

    /** Per catalog image, the tags the graph keeps when a seeded share {@code dropout} of TAGGED edges is removed. */
    static List<Set<String>> graphTags(List<Item> catalog, long seed, double dropout) {
        SplittableRandom rng = new SplittableRandom(seed ^ Double.doubleToLongBits(dropout));
        List<Set<String>> graphTags = new ArrayList<>();
        for (Item i : catalog) {
            Set<String> kept = new TreeSet<>();
            for (String t : i.tags()) {
                if (rng.nextDouble() >= dropout) {
                    kept.add(t);
                }
            }
            graphTags.add(kept);
        }
        return graphTags;
    }

    /** The catalog as a manifest of precomputed features and the graph's tags: what the evaluation database imports. */
    static void writeManifest(Path file, List<Item> catalog, List<Set<String>> graphTags) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (var w = Files.newBufferedWriter(file)) {
            for (int i = 0; i < catalog.size(); i++) {
                Item it = catalog.get(i);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", it.id());
                row.put("features", it.features());
                row.put("tags", new ArrayList<>(graphTags.get(i)));
                row.put("metadata", it.metadata());
                w.write(json.writeValueAsString(row));
                w.write('\n');
            }
        }
    }

    static <T> void shuffle(List<T> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, rng.nextInt(i + 1));
        }
    }
}
