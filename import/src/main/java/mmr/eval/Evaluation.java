package mmr.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.ObjectMapper;

import mmr.ingest.ImportOptions;
import mmr.ingest.ImportReport;
import mmr.ingest.Importer;
import mmr.ingest.graph.EmbeddedCypher;
import mmr.ingest.graph.GraphWriter;
import mmr.ingest.manifest.ManifestEntry;
import mmr.ingest.manifest.ManifestReader;
import mmr.model.encode.Encoders;
import mmr.model.encode.ImageEncoder;
import mmr.model.eval.Baselines;
import mmr.model.eval.Bootstrap;
import mmr.model.eval.RankingMetrics;
import mmr.model.eval.TagProjection;
import mmr.model.image.ImageDecoder;
import mmr.model.image.ImageRejectedException;
import mmr.model.tag.TagFeatures;
import mmr.model.tag.TagNames;
import mmr.model.vector.Vectors;
import mmr.server.EmbeddedNeo4j;

/**
 * {@code mmr eval}: held-out images are removed from a catalog before kNN and training, the rest is
 * imported into a fresh embedded database (once per tag-dropout level), and every held-out image is
 * sent to mmr as a new image — through {@code bytes} — and to the baselines, with the same queries.
 * Relevance comes from evaluation-only metadata when the catalog has it, otherwise from the full tag
 * lists; neither is ever a feature, tag or edge. See docs/evaluation.md.
 */
public final class Evaluation {
    public static final int RANKED = 50;
    public static final double[] VISUAL_WEIGHTS = {1, 0.75, 0.5, 0.25, 0};
    public static final List<String> CONNECTS = List.of("images", "tags", "both");
    public static final double LATE_FUSION_WEIGHT = 0.5;
    public static final double RIDGE_LAMBDA = 1.0;
    public static final int MIN_KEYWORD_IMAGES = 3;

    /**
     * @param holdout     share of concepts (catalogs with {@code concept} metadata) or images held out, (0, 0.5]
     * @param dropouts    shares of the catalog's TAGGED edges removed before training, each in [0, 1)
     * @param trainConfig the mmr.train config map, in Cypher
     * @param maxQueries  0: all held-out images; otherwise a seeded sample of them (the --quick mode)
     */
    public record Options(Path manifest, double holdout, List<Double> dropouts, long seed, String trainConfig,
                          TagFeatures.Init tagInit, int knnTopK, double knnCutoff, int maxQueries, boolean progress) {
        public Options {
            if (!(holdout > 0 && holdout <= 0.5)) {
                throw new IllegalArgumentException("--holdout must be in (0, 0.5], got " + holdout);
            }
            for (double p : dropouts) {
                if (!(p >= 0 && p < 1)) {
                    throw new IllegalArgumentException("--dropout must be in [0, 1), got " + p);
                }
            }
        }

        public Options withManifest(Path other) {
            return new Options(other, holdout, dropouts, seed, trainConfig, tagInit, knnTopK, knnCutoff, maxQueries, progress);
        }
    }

    /** One catalog record as the evaluation sees it. */
    record Item(String id, Path file, List<String> tags, Map<String, String> metadata, float[] features) {
        String concept() {
            return metadata.get("concept");
        }
    }

    /** A held-out image: its bytes (what mmr receives), features (what baselines receive), and its keyword. */
    record QueryImage(Item item, byte[] bytes, String keyword) {}

    private final Options options;
    private final PrintWriter out;
    private final List<Map<String, Object>> rows = new ArrayList<>();

    /**
     * The image encoder the catalog and the queries are encoded with, and where the evaluation's
     * server finds its model to encode the query bytes (null for the descriptor).
     */
    public record EncoderSource(String spec, java.util.function.Supplier<ImageEncoder> open, Path modelsRoot) {
        public static final EncoderSource DESCRIPTOR = new EncoderSource("descriptor", () -> Encoders.open("descriptor"), null);
    }

    private final EncoderSource encoders;

    public Evaluation(Options options, PrintWriter out) {
        this(options, out, EncoderSource.DESCRIPTOR);
    }

    public Evaluation(Options options, PrintWriter out, EncoderSource encoders) {
        this.options = options;
        this.out = out;
        this.encoders = encoders;
    }

    public List<Map<String, Object>> rows() {
        return rows;
    }

    public List<Map<String, Object>> run() throws IOException {
        long t0 = System.nanoTime();
        List<Item> all = read();
        try (ImageEncoder encoder = encoders.open().get()) {
            encode(all, encoder);
            Split split = split(all);
            out.printf(Locale.ROOT, "mmr eval: %d catalog images, %d held-out queries (%s), dropout %s, train %s%n",
                    split.catalog.size(), split.queries.size(), split.byConcept ? "one image of " + pct(options.holdout())
                            + " of concepts" : pct(options.holdout()) + " of images", options.dropouts(), options.trainConfig());
            for (double p : options.dropouts()) {
                evaluate(split, p, encoder);
            }
        }
        out.printf(Locale.ROOT, "mmr eval: done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return rows;
    }

    // ---------------------------------------------------------------- data

    private List<Item> read() throws IOException {
        if (!Files.isRegularFile(options.manifest())) {
            throw new IllegalArgumentException("manifest not found: '" + options.manifest() + "'");
        }
        Path base = options.manifest().toAbsolutePath().getParent();
        List<Item> items = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        try (ManifestReader reader = ManifestReader.open(options.manifest())) {
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
            throw new IllegalArgumentException("manifest '" + options.manifest() + "' has " + items.size()
                    + " image(s) with a path; mmr eval needs at least 10 (held-out images are sent as bytes)");
        }
        if (items.stream().allMatch(i -> i.tags().isEmpty())) {
            throw new IllegalArgumentException("manifest '" + options.manifest() + "' has no tags; mmr eval compares "
                    + "visual and conceptual search and needs tagged images");
        }
        return items;
    }

    private void encode(List<Item> items, ImageEncoder encoder) throws IOException {
        ImageDecoder decoder = new ImageDecoder();
        long t0 = System.nanoTime();
        for (int from = 0; from < items.size(); from += 64) {
            List<BufferedImage> batch = new ArrayList<>();
            List<Integer> at = new ArrayList<>();
            for (int i = from; i < Math.min(items.size(), from + 64); i++) {
                try {
                    batch.add(decoder.decode(items.get(i).file()));
                    at.add(i);
                } catch (ImageRejectedException e) {
                    // left out below: an image that cannot be decoded is in neither the catalog nor the queries
                }
            }
            float[][] f = batch.isEmpty() ? new float[0][] : encoder.encode(batch);
            for (int j = 0; j < at.size(); j++) {
                Item it = items.get(at.get(j));
                items.set(at.get(j), new Item(it.id(), it.file(), it.tags(), it.metadata(), f[j]));
            }
        }
        items.removeIf(i -> i.features() == null);
        progress("encoded %d images with %s in %.1f s", items.size(), encoder.identity(), (System.nanoTime() - t0) / 1e9);
    }

    /** The catalog and the held-out queries: one image of a seeded share of concepts, or a seeded share of images. */
    record Split(List<Item> catalog, List<QueryImage> queries, boolean byConcept) {}

    private Split split(List<Item> all) throws IOException {
        SplittableRandom rng = new SplittableRandom(options.seed());
        boolean byConcept = all.stream().allMatch(i -> i.concept() != null);
        Set<String> heldOut = new java.util.HashSet<>();
        if (byConcept) {
            Map<String, List<Item>> byC = new java.util.TreeMap<>();
            all.forEach(i -> byC.computeIfAbsent(i.concept(), c -> new ArrayList<>()).add(i));
            List<String> concepts = new ArrayList<>(byC.keySet());
            shuffle(concepts, rng);
            int n = Math.max(1, (int) Math.round(options.holdout() * concepts.size()));
            for (String c : concepts.subList(0, n)) {
                List<Item> members = byC.get(c);
                heldOut.add(members.get(rng.nextInt(members.size())).id());
            }
        } else {
            List<Item> shuffled = new ArrayList<>(all);
            shuffle(shuffled, rng);
            int n = Math.max(1, (int) Math.round(options.holdout() * all.size()));
            shuffled.subList(0, n).forEach(i -> heldOut.add(i.id()));
        }
        List<Item> catalog = all.stream().filter(i -> !heldOut.contains(i.id())).toList();
        Map<String, Integer> frequency = new HashMap<>();
        catalog.forEach(i -> i.tags().forEach(t -> frequency.merge(t, 1, Integer::sum)));
        List<QueryImage> queries = new ArrayList<>();
        for (Item i : all) {
            if (!heldOut.contains(i.id())) {
                continue;
            }
            List<String> eligible = i.tags().stream().filter(t -> frequency.getOrDefault(t, 0) >= MIN_KEYWORD_IMAGES)
                    .sorted().toList();
            String keyword = eligible.isEmpty() ? null : eligible.get(rng.nextInt(eligible.size()));
            queries.add(new QueryImage(i, Files.readAllBytes(i.file()), keyword));
        }
        if (options.maxQueries() > 0 && queries.size() > options.maxQueries()) {
            shuffle(queries, rng);
            queries = new ArrayList<>(queries.subList(0, options.maxQueries()));
            queries.sort(java.util.Comparator.comparing(q -> q.item().id()));
        }
        return new Split(catalog, queries, byConcept);
    }

    // ---------------------------------------------------------------- one dropout level

    private void evaluate(Split split, double dropout, ImageEncoder encoder) throws IOException {
        List<Item> catalog = split.catalog();
        SplittableRandom rng = new SplittableRandom(options.seed() ^ Double.doubleToLongBits(dropout));
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
        Path dir = Files.createTempDirectory("mmr-eval");
        try {
            Path manifest = dir.resolve("catalog.jsonl");
            writeManifest(manifest, catalog, graphTags);
            try (EmbeddedNeo4j neo4j = EmbeddedNeo4j.start(dir.resolve("neo4j"), EmbeddedNeo4j.OFF, EmbeddedNeo4j.OFF, false, null,
                    encoders.modelsRoot())) {
                EmbeddedCypher cypher = new EmbeddedCypher(neo4j.db(), "mmr eval");
                build(cypher, manifest, encoder, dropout);
                score(split, dropout, graphTags, cypher);
                if (options.maxQueries() == 0) {
                    modification(split, dropout, graphTags, cypher);   // read-only; not in --quick runs
                    Map<String, Object> cost = emptyRow("rerank.cost", dropout, "mmr.rerank", split.queries().size());
                    cost.put("candidates", RERANKED);
                    cost.put("millisP50", rerankP50.get(dropout) == null ? null : round(rerankP50.get(dropout)));
                    rows.add(cost);
                }
                if (dropout > 0) {
                    moreMetadata(split, dropout, graphTags, cypher);
                } else if (options.maxQueries() == 0) {
                    feedback(split, dropout, graphTags, cypher);       // writes feedback edges; not in --quick runs
                }
                printRows(dropout);
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** Share of catalog images whose dropped tags the "more metadata" setting gives back. */
    public static final double GIVE_BACK_SHARE = 0.10;

    /**
     * "More metadata" (issue 12): the dropped tags of a seeded 10 % of the catalog images are given
     * back through {@code mmr.tag} (no retraining), and the same queries are scored again
     * (settings {@code moreMetadata.*}); then the model is retrained on that same graph and scored
     * once more ({@code retrained.*}). The cost of both is recorded ({@code moreMetadata.cost}).
     */
    private void moreMetadata(Split split, double dropout, List<Set<String>> graphTags, EmbeddedCypher cypher) {
        List<Item> catalog = split.catalog();
        SplittableRandom rng = new SplittableRandom(options.seed() * 31 + 7);
        List<Set<String>> fuller = new ArrayList<>();
        List<Map<String, Object>> changes = new ArrayList<>();
        for (int i = 0; i < catalog.size(); i++) {
            Set<String> tags = new TreeSet<>(graphTags.get(i));
            if (rng.nextDouble() < GIVE_BACK_SHARE) {
                List<String> dropped = new ArrayList<>();
                for (String t : catalog.get(i).tags()) {
                    if (!tags.contains(t)) {
                        dropped.add(t);
                    }
                }
                if (!dropped.isEmpty()) {
                    tags.addAll(dropped);
                    changes.add(Map.of("id", catalog.get(i).id(), "tags", dropped));
                }
            }
            fuller.add(tags);
        }
        long t0 = System.nanoTime();
        long edges = 0;
        long reembedded = 0;
        for (Map<String, Object> c : changes) {
            Map<String, Object> r = cypher.write("CALL mmr.tag($id, $tags) YIELD changed, reembedded RETURN size(changed) AS edges, reembedded",
                    c).get(0);
            edges += ((Number) r.get("edges")).longValue();
            reembedded += ((Number) r.get("reembedded")).longValue();
        }
        double tagSeconds = (System.nanoTime() - t0) / 1e9;
        progress("dropout %s: gave back %d tags of %d images with mmr.tag in %.1f s (%d embeddings recomputed)", dropout, edges,
                changes.size(), tagSeconds, reembedded);
        scoreAs("moreMetadata", split, dropout, fuller, cypher);
        long t1 = System.nanoTime();
        cypher.write("CALL mmr.train(" + options.trainConfig() + ")", Map.of());
        double trainSeconds = (System.nanoTime() - t1) / 1e9;
        progress("dropout %s: retrained on the same graph in %.1f s", dropout, trainSeconds);
        scoreAs("retrained", split, dropout, fuller, cypher);
        Map<String, Object> cost = emptyRow("moreMetadata.cost", dropout, "mmr.tag", changes.size());
        cost.put("seconds", round(tagSeconds));
        cost.put("edges", edges);
        cost.put("reembedded", reembedded);
        cost.put("retrainSeconds", round(trainSeconds));
        rows.add(cost);
    }

    /** Share of held-out queries whose users give feedback in the "I like that" setting. */
    public static final double FEEDBACK_SHARE = 0.10;
    static final int FEEDBACK_TOP = 20;
    /** feedbackNeighbors of the third row: images liked together with the receiver's neighbours act as liked. */
    static final int FEEDBACK_NEIGHBORS = 10;

    /**
     * "I like that" (issue 12), simulated: a seeded 10 % of the held-out queries are users who search
     * (image only, connect both) and like the relevant results (gain > 0: same concept, subcategory or
     * category) in their top 20 through {@code mmr.feedback}; then, for each of them, a *different*
     * held-out image of the same concept (else subcategory) searches. Its nDCG@5 before any feedback
     * and after all of it is row {@code feedback.before} / {@code feedback.after}; 003's connection
     * accuracy (when one of the giver's liked images is in the receiver's top 10, another one is too)
     * is in {@code connectionAccuracy}.
     */
    private void feedback(Split split, double dropout, List<Set<String>> graphTags, EmbeddedCypher cypher) {
        List<Item> catalog = split.catalog();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < catalog.size(); i++) {
            index.put(catalog.get(i).id(), i);
        }
        float[][] unit = new float[catalog.size()][];
        for (int i = 0; i < unit.length; i++) {
            unit[i] = Vectors.normaliseInPlace(catalog.get(i).features().clone());
        }
        Baselines baselines = new Baselines(unit, graphTags);
        List<QueryImage> queries = new ArrayList<>(split.queries());
        SplittableRandom rng = new SplittableRandom(options.seed() * 17 + 3);
        shuffle(queries, rng);
        List<QueryImage> givers = new ArrayList<>();
        List<QueryImage> receivers = new ArrayList<>();
        for (QueryImage g : queries) {
            if (givers.size() >= Math.max(1, Math.round(FEEDBACK_SHARE * queries.size()))) {
                break;
            }
            QueryImage r = null;
            for (String level : List.of("concept", "subcategory")) {
                for (QueryImage c : queries) {
                    String a = g.item().metadata().get(level);
                    if (c != g && a != null && a.equals(c.item().metadata().get(level)) && !receivers.contains(c) && !givers.contains(c)) {
                        r = c;
                        break;
                    }
                }
                if (r != null) {
                    break;
                }
            }
            if (r != null) {
                givers.add(g);
                receivers.add(r);
            }
        }
        if (givers.isEmpty()) {
            return;
        }
        List<Judgement> judged = new ArrayList<>();
        List<int[]> before = new ArrayList<>();
        for (QueryImage r : receivers) {
            judged.add(judge(r, catalog, baselines));
            before.add(search(cypher, index, r.bytes(), List.of(), "both", 1));
        }
        long t0 = System.nanoTime();
        List<Set<Integer>> likedSets = new ArrayList<>();
        long calls = 0;
        for (QueryImage g : givers) {
            Judgement j = judge(g, catalog, baselines);
            int[] ranking = search(cypher, index, g.bytes(), List.of(), "both", 1);
            Set<Integer> liked = new java.util.LinkedHashSet<>();
            for (int i = 0; i < Math.min(FEEDBACK_TOP, ranking.length); i++) {
                if (j.gains()[ranking[i]] > 0) {
                    liked.add(ranking[i]);
                }
            }
            likedSets.add(liked);
            if (!liked.isEmpty()) {
                List<String> ids = liked.stream().map(i -> catalog.get(i).id()).toList();
                cypher.write("CALL mmr.feedback({bytes: $b}, $liked)", Map.of("b", g.bytes(), "liked", ids));
                calls++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<int[]> after = new ArrayList<>();
        List<int[]> afterLearned = new ArrayList<>();
        for (QueryImage r : receivers) {
            after.add(search(cypher, index, r.bytes(), List.of(), "both", 1));
            afterLearned.add(search(cypher, index, r.bytes(), List.of(), "both", 1, FEEDBACK_NEIGHBORS));
        }
        progress("dropout %s: %d users liked results through mmr.feedback (%.1f s); %d other queries scored before and after",
                dropout, calls, seconds, receivers.size());
        int from = rows.size();
        row("image", dropout, "mmr|both|1.0", before, judged, false);
        row("image", dropout, "mmr|both|1.0", after, judged, false);
        row("image", dropout, "mmr|both|1.0", afterLearned, judged, false);
        rows.get(from).put("setting", "feedback.before");
        rows.get(from + 1).put("setting", "feedback.after");
        rows.get(from + 2).put("setting", "feedback.afterNeighbors" + FEEDBACK_NEIGHBORS);
        for (int k = 0; k < 3; k++) {
            List<int[]> rankings = k == 0 ? before : k == 1 ? after : afterLearned;
            int with = 0;
            int connected = 0;
            for (int q = 0; q < rankings.size(); q++) {
                int hits = 0;
                for (int i = 0; i < Math.min(10, rankings.get(q).length); i++) {
                    hits += likedSets.get(q).contains(rankings.get(q)[i]) ? 1 : 0;
                }
                if (hits >= 1) {
                    with++;
                    connected += hits >= 2 ? 1 : 0;
                }
            }
            rows.get(from + k).put("connectionAccuracy", with == 0 ? null : round((double) connected / with));
            rows.get(from + k).put("connectionQueries", with);
            rows.get(from + k).put("feedbackSeconds", round(seconds));
        }
    }

    /**
     * "Like this, but …" (issue 12), on catalogs with subcategory metadata: for each held-out image,
     * a keyword of a sibling concept in its subcategory that the image itself lacks (seeded choice
     * among keywords on at least {@link #MIN_KEYWORD_IMAGES} catalog images) is added to it:
     * {@code {bytes, tags: [keyword]}}. Relevant: the catalog images carrying that keyword (in their
     * full metadata), graded by visual similarity to the query: gain = 1 + max(0, cos(features)). Rows
     * {@code modification}: mmr (both; w 0.5 and 0.25) against {@code hardFilter} (visual ranking of
     * the images tagged with the keyword in the graph) and {@code lateFusion}.
     */
    private void modification(Split split, double dropout, List<Set<String>> graphTags, EmbeddedCypher cypher) {
        List<Item> catalog = split.catalog();
        int n = catalog.size();
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> frequency = new HashMap<>();
        float[][] unit = new float[n][];
        for (int i = 0; i < n; i++) {
            index.put(catalog.get(i).id(), i);
            unit[i] = Vectors.normaliseInPlace(catalog.get(i).features().clone());
            catalog.get(i).tags().forEach(t -> frequency.merge(t, 1, Integer::sum));
        }
        Baselines baselines = new Baselines(unit, graphTags);
        SplittableRandom rng = new SplittableRandom(options.seed() * 13 + 5);
        Map<String, List<int[]>> rankings = new LinkedHashMap<>();
        List<Judgement> judged = new ArrayList<>();
        for (QueryImage q : split.queries()) {
            String sub = q.item().metadata().get("subcategory");
            if (sub == null) {
                continue;
            }
            Set<String> own = new java.util.HashSet<>(q.item().tags());
            List<String> candidates = new ArrayList<>();
            for (Item c : catalog) {
                if (sub.equals(c.metadata().get("subcategory")) && !java.util.Objects.equals(c.concept(), q.item().concept())) {
                    for (String t : c.tags()) {
                        if (!own.contains(t) && frequency.getOrDefault(t, 0) >= MIN_KEYWORD_IMAGES && !candidates.contains(t)) {
                            candidates.add(t);
                        }
                    }
                }
            }
            if (candidates.isEmpty()) {
                continue;
            }
            java.util.Collections.sort(candidates);
            String keyword = candidates.get(rng.nextInt(candidates.size()));
            float[] f = Vectors.normaliseInPlace(q.item().features().clone());
            double[] cos = baselines.cosines(f);
            double[] gains = new double[n];
            boolean[] carries = new boolean[n];
            for (int i = 0; i < n; i++) {
                carries[i] = catalog.get(i).tags().contains(keyword);
                gains[i] = carries[i] ? 1 + Math.max(0, cos[i]) : 0;
            }
            judged.add(new Judgement(gains, null, null, carries, cos, Set.of(keyword)));
            add(rankings, "hardFilter", baselines.hardFilter(f, keyword, RANKED));
            add(rankings, "lateFusion", baselines.lateFusion(f, Set.of(keyword), LATE_FUSION_WEIGHT, RANKED));
            for (double w : new double[] {0.5, 0.25}) {
                add(rankings, "mmr|both|" + w, search(cypher, index, q.bytes(), List.of(keyword), "both", w));
            }
        }
        int from = rows.size();
        rankings.forEach((m, r) -> row("imageKeyword", dropout, m, r, judged, false));
        for (int i = from; i < rows.size(); i++) {
            rows.get(i).put("setting", "modification");
        }
        progress("dropout %s: %d modification queries scored", dropout, judged.size());
    }

    /** {@link #score}, with the new rows' settings prefixed by {@code variant}. */
    private void scoreAs(String variant, Split split, double dropout, List<Set<String>> graphTags, EmbeddedCypher cypher) {
        int from = rows.size();
        score(split, dropout, graphTags, cypher);
        for (int i = from; i < rows.size(); i++) {
            rows.get(i).put("setting", variant + "." + rows.get(i).get("setting"));
        }
    }

    private static void writeManifest(Path file, List<Item> catalog, List<Set<String>> graphTags) throws IOException {
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

    private void build(EmbeddedCypher cypher, Path manifest, ImageEncoder encoder, double dropout) throws IOException {
        Map<String, Object> knn = new LinkedHashMap<>();
        knn.put("topK", (long) options.knnTopK());
        knn.put("similarityCutoff", options.knnCutoff());
        ImportOptions io = new ImportOptions(manifest, 256, ImageDecoder.DEFAULT_MAX_PIXELS, options.tagInit(),
                encoder.identity(), true, knn, false);
        ImportReport report = new Importer(new GraphWriter(cypher), null, io).run();
        progress("dropout %s: imported %d images, kNN in %.1f s", dropout, report.imported(), report.knnSeconds());
        long t0 = System.nanoTime();
        Map<String, Object> row = cypher.write("CALL mmr.train(" + options.trainConfig() + ")", Map.of()).get(0);
        List<?> losses = (List<?>) row.get("epochLosses");
        progress("dropout %s: trained in %.1f s (final loss %s)", dropout, (System.nanoTime() - t0) / 1e9,
                losses.isEmpty() ? "-" : String.format(Locale.ROOT, "%.4f", ((Number) losses.get(losses.size() - 1)).doubleValue()));
    }

    // ---------------------------------------------------------------- scoring

    /** What one query is judged against, per catalog image. */
    private record Judgement(double[] gains, boolean[] twin, boolean[] subcategory, boolean[] keyword, double[] visual,
                             Set<String> tags) {}

    private void score(Split split, double dropout, List<Set<String>> graphTags, EmbeddedCypher cypher) {
        List<Item> catalog = split.catalog();
        int n = catalog.size();
        float[][] unit = new float[n][];
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            unit[i] = Vectors.normaliseInPlace(catalog.get(i).features().clone());
            index.put(catalog.get(i).id(), i);
        }
        Baselines baselines = new Baselines(unit, graphTags);
        TagProjection projection = new TagProjection(unit, graphTags, RIDGE_LAMBDA);
        List<QueryImage> queries = split.queries();
        List<Judgement> judgements = new ArrayList<>();
        for (QueryImage q : queries) {
            judgements.add(judge(q, catalog, baselines));
        }
        Map<String, List<int[]>> image = new LinkedHashMap<>();
        Map<String, List<int[]>> imageKeyword = new LinkedHashMap<>();
        Map<String, List<int[]>> keyword = new LinkedHashMap<>();
        Map<String, List<List<String>>> tagPrediction = new LinkedHashMap<>();
        long searchNanos = 0;
        int searches = 0;
        int done = 0;
        List<Double> rerankMillis = new ArrayList<>();
        for (QueryImage q : queries) {
            float[] f = Vectors.normaliseInPlace(q.item().features().clone());
            Set<String> kw = q.keyword() == null ? Set.of() : Set.of(q.keyword());
            int[] visual = baselines.visual(f, RANKED);
            add(image, "visual", visual);
            add(image, "tagProjection", projection.rank(q.item().features(), RANKED));
            add(imageKeyword, "visual", visual);
            add(imageKeyword, "hardFilter", q.keyword() == null ? null : baselines.hardFilter(f, q.keyword(), RANKED));
            add(imageKeyword, "lateFusion", q.keyword() == null ? null : baselines.lateFusion(f, kw, LATE_FUSION_WEIGHT, RANKED));
            add(keyword, "hardFilter", q.keyword() == null ? null : baselines.hardFilter(null, q.keyword(), RANKED));
            add(keyword, "lateFusion", q.keyword() == null ? null : baselines.lateFusion(null, kw, LATE_FUSION_WEIGHT, RANKED));
            add(keyword, "tagProjection", q.keyword() == null ? null : projection.rankKeyword(q.keyword(), RANKED));
            tagPrediction.computeIfAbsent("neighbourVotes", m -> new ArrayList<>()).add(baselines.neighbourVotes(f, 5, 5));
            tagPrediction.computeIfAbsent("tagProjection", m -> new ArrayList<>()).add(projection.predict(q.item().features(), 5));
            for (String connect : CONNECTS) {
                // Without tags E = E_i whatever the weight (Searcher): one image-only search serves all five rows.
                long s0 = System.nanoTime();
                int[] imageOnly = search(cypher, index, q.bytes(), List.of(), connect, 1);
                searches++;
                for (double w : VISUAL_WEIGHTS) {
                    String key = "mmr|" + connect + "|" + w;
                    add(image, key, imageOnly);
                    if (q.keyword() != null) {
                        searches++;
                    }
                    add(imageKeyword, key, q.keyword() == null ? null
                            : search(cypher, index, q.bytes(), List.of(q.keyword()), connect, w));
                }
                searchNanos += System.nanoTime() - s0;
            }
            // keyword only: mmr's default ranks along the graph (distance 'auto'); cosine, the default before, as the ablation
            add(keyword, "mmr|tags|0.0", q.keyword() == null ? null
                    : geodesic(cypher, index, null, List.of(q.keyword()), Map.of(), "keyword", "mmr"));
            add(keyword, "mmr(cosine)|tags|0.0", q.keyword() == null ? null
                    : search(cypher, index, null, List.of(q.keyword()), "tags", 0));
            for (var ablation : GEODESIC_ABLATIONS.entrySet()) {   // the walk's bounds, against its defaults
                add(keyword, ablation.getKey() + "|tags|0.0", q.keyword() == null ? null
                        : geodesic(cypher, index, null, List.of(q.keyword()), ablation.getValue(), "keyword", ablation.getKey()));
            }
            if (q.keyword() != null) {   // graph re-ranking (mmr.rerank) of the top 100 of three inputs, mmr's as by default
                int[] keywordFilter = baselines.hardFilter(null, q.keyword(), RERANKED);
                int[] keywordMmr = geodesic(cypher, index, null, List.of(q.keyword()), Map.of("k", (long) RERANKED), null, null);
                int[] bothFilter = baselines.hardFilter(f, q.keyword(), RERANKED);
                int[] bothMmr = search(cypher, index, q.bytes(), List.of(q.keyword()), "both", 0.5, 0, RERANKED);
                for (var variant : RERANK_VARIANTS.entrySet()) {   // the defaults, then the ablations
                    List<Double> millis = variant.getValue().isEmpty() ? rerankMillis : new ArrayList<>();
                    String name = variant.getKey();
                    add(keyword, name + "(hardFilter)", rerank(cypher, index, catalog, keywordFilter, millis, variant.getValue()));
                    add(keyword, name + "(mmr)", rerank(cypher, index, catalog, keywordMmr, millis, variant.getValue()));
                    add(imageKeyword, name + "(hardFilter)", rerank(cypher, index, catalog, bothFilter, millis, variant.getValue()));
                    add(imageKeyword, name + "(mmr)", rerank(cypher, index, catalog, bothMmr, millis, variant.getValue()));
                }
            }
            // geodesic ranking (paper 004), through Tag nodes and through images only; and at four hops
            Map<String, Map<String, Object>> walks = new java.util.LinkedHashMap<>();
            walks.put("geodesic", Map.of("distance", "geodesic"));
            walks.put("geodesic(imagesOnly)", Map.of("distance", "geodesic", "imagesOnly", true));
            walks.put("geodesic(maxHops 4)", Map.of("distance", "geodesic", "maxHops", 4L));
            for (var walk : walks.entrySet()) {
                String method = walk.getKey();
                Map<String, Object> config = walk.getValue();
                add(image, method, geodesic(cypher, index, q.bytes(), List.of(), config, "image", method));
                add(imageKeyword, method, q.keyword() == null ? null
                        : geodesic(cypher, index, q.bytes(), List.of(q.keyword()), config, "imageKeyword", method));
            }
            tagPrediction.computeIfAbsent("mmr|images|1.0", m -> new ArrayList<>()).add(predictTags(cypher, q.bytes()));
            done++;
            if (options.progress() && (done % 10 == 0 || done == queries.size())) {
                System.err.printf(Locale.ROOT, "\r  dropout %s: %d/%d queries (%.1f ms per search)", dropout, done, queries.size(),
                        searchNanos / 1e6 / Math.max(1, searches));
                if (done == queries.size()) {
                    System.err.println();
                }
            }
        }
        if (!rerankMillis.isEmpty()) {
            List<Double> sorted = rerankMillis.stream().sorted().toList();
            progress("dropout %s: mmr.rerank of %d candidates: p50 %.2f ms, p99 %.2f ms over %d calls", dropout, RERANKED,
                    sorted.get(sorted.size() / 2), sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))), sorted.size());
            rerankP50.put(dropout, sorted.get(sorted.size() / 2));
        }
        geodesicRows(dropout, queries.size());
        image.forEach((m, r) -> row("image", dropout, m, r, judgements, false));
        imageKeyword.forEach((m, r) -> row("imageKeyword", dropout, m, r, judgements, false));
        keyword.forEach((m, r) -> row("keyword", dropout, m, r, judgements, true));
        tagPrediction.forEach((m, predicted) -> {
            double[] p = new double[queries.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = RankingMetrics.tagPrecision(predicted.get(i), judgements.get(i).tags(), 5);
            }
            Map<String, Object> r = emptyRow("tagPrediction", dropout, m, queries.size());
            put(r, "tagPrecision5", p);
            rows.add(r);
        });
    }

    private Judgement judge(QueryImage q, List<Item> catalog, Baselines baselines) {
        int n = catalog.size();
        Item qi = q.item();
        boolean meta = qi.concept() != null;
        double[] gains = new double[n];
        boolean[] twin = meta ? new boolean[n] : null;
        boolean[] sub = meta && qi.metadata().get("subcategory") != null ? new boolean[n] : null;
        boolean[] kw = new boolean[n];
        Set<String> qTags = new java.util.HashSet<>(qi.tags());
        for (int i = 0; i < n; i++) {
            Item c = catalog.get(i);
            if (meta) {
                boolean sameConcept = qi.concept().equals(c.concept());
                boolean sameSub = sub != null && qi.metadata().get("subcategory").equals(c.metadata().get("subcategory"));
                boolean sameCat = qi.metadata().get("category") != null
                        && qi.metadata().get("category").equals(c.metadata().get("category"));
                gains[i] = sameConcept ? 3 : sameSub ? 2 : sameCat ? 1 : 0;
                twin[i] = sameConcept;
                if (sub != null) {
                    sub[i] = sameSub;
                }
            } else {
                int overlap = 0;
                for (String t : c.tags()) {
                    overlap += qTags.contains(t) ? 1 : 0;
                }
                gains[i] = overlap;
            }
            kw[i] = q.keyword() != null && c.tags().contains(q.keyword());
        }
        double[] visual = baselines.cosines(Vectors.normaliseInPlace(qi.features().clone()));
        return new Judgement(gains, twin, sub, kw, visual, qTags);
    }

    private static void add(Map<String, List<int[]>> rankings, String method, int[] ranking) {
        rankings.computeIfAbsent(method, m -> new ArrayList<>()).add(ranking);
    }

    private int[] search(EmbeddedCypher cypher, Map<String, Integer> index, byte[] bytes, List<String> tags, String connect,
                         double w) {
        return search(cypher, index, bytes, tags, connect, w, 0);
    }

    private int[] search(EmbeddedCypher cypher, Map<String, Integer> index, byte[] bytes, List<String> tags, String connect,
                         double w, int feedbackNeighbors) {
        return search(cypher, index, bytes, tags, connect, w, feedbackNeighbors, RANKED);
    }

    /** Geodesic searches of the current dropout: per "setting|method", [queries, retrievable] and their times. */
    private final Map<String, long[]> geodesicCounts = new LinkedHashMap<>();
    private final Map<String, List<Double>> geodesicMillis = new LinkedHashMap<>();

    /** Keyword-only ablations of the geodesic walk's bounds (the default: maxHops 2, maxExpanded 2000, tagFanout 50). */
    public static final Map<String, Map<String, Object>> GEODESIC_ABLATIONS = new java.util.LinkedHashMap<>();

    static {
        GEODESIC_ABLATIONS.put("mmr(maxHops 4)", Map.of("maxHops", 4L));
        GEODESIC_ABLATIONS.put("mmr(maxHops 8)", Map.of("maxHops", 8L));
        GEODESIC_ABLATIONS.put("mmr(tagFanout 10)", Map.of("tagFanout", 10L));
        GEODESIC_ABLATIONS.put("mmr(tagFanout 1000)", Map.of("tagFanout", 1000L));
    }

    /** An mmr.search query map: image bytes and/or tags. */
    private static Map<String, Object> query(byte[] bytes, List<String> tags) {
        Map<String, Object> query = new HashMap<>();
        if (bytes != null) {
            query.put("bytes", bytes);
        }
        if (!tags.isEmpty()) {
            query.put("tags", tags);
        }
        return query;
    }

    /**
     * {@code mmr.search} with the default config (connect both, the default weight, distance 'auto')
     * and {@code extra}: the ranking, and whether the query was retrievable — its first 10 results all
     * reached along the graph.
     */
    private int[] geodesic(EmbeddedCypher cypher, Map<String, Integer> index, byte[] bytes, List<String> tags,
                           Map<String, Object> extra, String setting, String method) {
        int[] reached = {0};
        long t0 = System.nanoTime();
        Map<String, Object> config = new HashMap<>(extra);
        config.putIfAbsent("k", (long) RANKED);
        int[] hits = ranking(cypher, index, query(bytes, tags), config, reached);
        if (setting == null) {   // an input of other rows, not a row of its own
            return hits;
        }
        geodesicMillis.computeIfAbsent(setting + "|" + method, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6);
        long[] c = geodesicCounts.computeIfAbsent(setting + "|" + method, k -> new long[2]);
        c[0]++;
        c[1] += reached[0] >= 10 ? 1 : 0;
        return hits;
    }

    /** Rows {@code geodesic.retrievable}: per setting and walk, the retrievable share and the call's time (k = RANKED). */
    private void geodesicRows(double dropout, int queries) {
        geodesicCounts.forEach((key, c) -> {
            String[] parts = key.split("\\|");
            List<Double> sorted = geodesicMillis.get(key).stream().sorted().toList();
            Map<String, Object> r = emptyRow("geodesic.retrievable", dropout, parts[1], (int) c[0]);
            r.put("querySetting", parts[0]);
            r.put("retrievable", round(c[1] / (double) c[0]));
            double p50 = round(sorted.get(sorted.size() / 2));
            double p99 = round(sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))));
            r.put("millisP50", options.maxQueries() == 0 ? p50 : null);   // times only in full runs: quick ones are compared
            r.put("millisP99", options.maxQueries() == 0 ? p99 : null);
            rows.add(r);
            progress("dropout %s: %s %s: %.1f %% of %d queries retrievable (10 results along the graph), p50 %.1f ms, p99 %.1f ms",
                    dropout, parts[0], parts[1], 100.0 * c[1] / c[0], c[0], p50, p99);
        });
        geodesicCounts.clear();
        geodesicMillis.clear();
    }

    /** Candidates re-ranked by {@code mmr.rerank} in the rerank rows. */
    static final int RERANKED = 100;
    private final Map<Double, Double> rerankP50 = new HashMap<>();

    /**
     * {@code mmr.rerank} of a ranking (initial score: 1 − position / length, so every input is taken
     * by its order alone); returns the first {@link #RANKED} of the new order and records the call's time.
     */
    private int[] rerank(EmbeddedCypher cypher, Map<String, Integer> index, List<Item> catalog, int[] ranking, List<Double> millis) {
        return rerank(cypher, index, catalog, ranking, millis, Map.of());
    }

    /** The config of the cross-modal ablation rows. */
    static final Map<String, Object> TAG_EDGES = Map.of("edges", "tags");

    /** mmr.rerank configs of the rerank rows: the defaults ({@code rerank}), then the ablations. */
    public static final Map<String, Map<String, Object>> RERANK_VARIANTS = new java.util.LinkedHashMap<>();

    static {
        RERANK_VARIANTS.put("rerank", Map.of());
        RERANK_VARIANTS.put("rerankTags", TAG_EDGES);
        RERANK_VARIANTS.put("rerankAlpha0.2", Map.of("alpha", 0.2));
        RERANK_VARIANTS.put("rerankEmbedding", Map.of("vectors", "embedding"));
    }

    private int[] rerank(EmbeddedCypher cypher, Map<String, Integer> index, List<Item> catalog, int[] ranking, List<Double> millis,
                         Map<String, Object> config) {
        if (ranking == null || ranking.length == 0) {
            return ranking;
        }
        List<Map<String, Object>> candidates = new ArrayList<>();
        for (int i = 0; i < ranking.length; i++) {
            candidates.add(Map.of("image", catalog.get(ranking[i]).id(), "score", 1 - (double) i / ranking.length));
        }
        List<Integer> out = new ArrayList<>();
        long t0 = System.nanoTime();
        cypher.read("CALL mmr.rerank($c, $cfg) YIELD image RETURN image.id AS id", Map.of("c", candidates, "cfg", config),
                row -> out.add(index.get((String) row.get("id"))));
        millis.add((System.nanoTime() - t0) / 1e6);
        return out.stream().limit(RANKED).mapToInt(Integer::intValue).toArray();
    }

    private int[] search(EmbeddedCypher cypher, Map<String, Integer> index, byte[] bytes, List<String> tags, String connect,
                         double w, int feedbackNeighbors, int k) {
        // distance pinned to cosine: the image-side rows are what 'auto' gives them; the keyword-only ones are the
        // ablation of the default before issue 13 (and the input of rerank(mmr))
        return ranking(cypher, index, query(bytes, tags), Map.of("k", (long) k, "connect", connect, "visualWeight", w,
                "feedbackNeighbors", (long) feedbackNeighbors, "distance", "cosine"), new int[1]);
    }

    /**
     * mmr.search's ranking as catalog positions; {@code reached[0]} counts those of the first 10 ranked
     * along the graph. A keyword that dropout removed from the graph finds nothing, as a hard filter would.
     */
    private static int[] ranking(EmbeddedCypher cypher, Map<String, Integer> index, Map<String, Object> query,
                                 Map<String, Object> config, int[] reached) {
        List<Integer> hits = new ArrayList<>();
        try {
            cypher.read("CALL mmr.search($q, $c) YIELD image, rankedBy RETURN image.id AS id, rankedBy",
                    Map.of("q", query, "c", config), row -> {
                        if (hits.size() < 10 && "geodesic".equals(row.get("rankedBy"))) {
                            reached[0]++;
                        }
                        hits.add(index.get((String) row.get("id")));
                    });
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("is in the graph")) {
                throw e;
            }
        }
        return hits.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<String> predictTags(EmbeddedCypher cypher, byte[] bytes) {
        List<String> names = new ArrayList<>();
        cypher.read("CALL mmr.predictTags({bytes: $b}, {k: 5, connect: 'images'}) YIELD name RETURN name",
                Map.of("b", bytes), row -> names.add((String) row.get("name")));
        return names;
    }

    private void row(String setting, double dropout, String method, List<int[]> rankings, List<Judgement> judgements,
                     boolean keywordOnly) {
        int q = rankings.size();
        double[] ndcg = nan(q), twin = nan(q), sub = nan(q), recall = nan(q), precision = nan(q), visual = nan(q),
                keyword = nan(q);
        int used = 0;
        for (int i = 0; i < q; i++) {
            int[] r = rankings.get(i);
            Judgement j = judgements.get(i);
            if (r == null) {
                continue;       // no keyword for this query
            }
            used++;
            if (keywordOnly) {
                double[] g = new double[j.keyword().length];
                for (int c = 0; c < g.length; c++) {
                    g[c] = j.keyword()[c] ? 1 : 0;
                }
                ndcg[i] = RankingMetrics.ndcg(r, g, 5);
                recall[i] = RankingMetrics.recall(r, j.keyword(), 50);
                precision[i] = RankingMetrics.precision(r, j.keyword(), 10);
                keyword[i] = RankingMetrics.precision(r, j.keyword(), 10);
                continue;
            }
            ndcg[i] = RankingMetrics.ndcg(r, j.gains(), 5);
            if (j.twin() != null) {
                twin[i] = RankingMetrics.hit(r, j.twin(), 10);
            }
            if (j.subcategory() != null) {
                sub[i] = RankingMetrics.precision(r, j.subcategory(), 10);
            }
            visual[i] = RankingMetrics.meanOf(r, j.visual(), 10);
            if (setting.equals("imageKeyword")) {
                keyword[i] = RankingMetrics.precision(r, j.keyword(), 10);
            }
        }
        Map<String, Object> row = emptyRow(setting, dropout, method, used);
        put(row, "ndcg5", ndcg);
        put(row, "twin10", twin);
        put(row, "subcat10", sub);
        put(row, "recall50", recall);
        put(row, "precision10", precision);
        put(row, "visual10", visual);
        put(row, "keyword10", keyword);
        rows.add(row);
    }

    static final List<String> METRICS = List.of("ndcg5", "twin10", "subcat10", "recall50", "precision10", "tagPrecision5",
            "visual10", "keyword10");

    private static Map<String, Object> emptyRow(String setting, double dropout, String method, int queries) {
        Map<String, Object> row = new LinkedHashMap<>();
        String[] parts = method.split("\\|");
        row.put("setting", setting);
        row.put("dropout", dropout);
        row.put("method", parts[0]);
        row.put("connect", parts.length > 1 ? parts[1] : null);
        row.put("visualWeight", parts.length > 1 ? Double.parseDouble(parts[2]) : null);
        row.put("queries", queries);
        for (String m : METRICS) {
            row.put(m, null);
            row.put(m + "Interval", null);
        }
        return row;
    }

    private void put(Map<String, Object> row, String metric, double[] values) {
        Bootstrap.Estimate e = Bootstrap.of(values, options.seed() + metric.hashCode());
        if (e.n() == 0) {
            return;
        }
        row.put(metric, round(e.mean()));
        row.put(metric + "Interval", List.of(round(e.low()), round(e.high())));
    }

    private void printRows(double dropout) {
        out.printf(Locale.ROOT, "%n%-13s %-20s %7s %7s %7s %7s %7s %7s %7s %7s %7s%n", "setting", "method (dropout " + dropout + ")",
                "queries", "nDCG@5", "twin@10", "sub@10", "rec@50", "P@10", "tagP@5", "vis@10", "kw@10");
        for (Map<String, Object> r : rows) {
            if (!r.get("dropout").equals(dropout)) {
                continue;
            }
            out.printf(Locale.ROOT, "%-13s %-20s %7s", r.get("setting"), label(r), r.get("queries"));
            for (String m : METRICS) {
                Object v = r.get(m);
                out.printf(Locale.ROOT, " %7s", v == null ? "-" : String.format(Locale.ROOT, "%.3f", (Double) v));
            }
            out.println();
        }
        out.flush();
    }

    static String label(Map<String, Object> r) {
        return r.get("connect") == null ? (String) r.get("method")
                : r.get("method") + " " + r.get("connect") + " " + r.get("visualWeight");
    }

    private static double[] nan(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }

    private static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }

    private static <T> void shuffle(List<T> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) {
            java.util.Collections.swap(list, i, rng.nextInt(i + 1));
        }
    }

    private void progress(String format, Object... args) {
        if (options.progress()) {
            System.err.printf(Locale.ROOT, "  " + format + "%n", args);
        }
    }

    private static String pct(double x) {
        return String.format(Locale.ROOT, "%.0f %%", 100 * x);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
