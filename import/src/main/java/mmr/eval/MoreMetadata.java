package mmr.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import mmr.eval.Holdout.Item;

final class MoreMetadata {
    /** Share of catalog images whose dropped tags are given back. */
    static final double GIVE_BACK_SHARE = 0.10;

    private MoreMetadata() {}

    /**
     * "More metadata" (issue 12): the dropped tags of a seeded 10 % of the catalog images are given
     * back through {@code mmr.tag} (no retraining), and the same queries are scored again
     * (settings {@code moreMetadata.*}); then the model is retrained on that same graph and scored
     * once more ({@code retrained.*}). The cost of both is recorded ({@code moreMetadata.cost}).
     */
    static void run(Round round, Map<String, Object> trainConfig) {
        List<Item> catalog = round.catalog();
        SplittableRandom rng = new SplittableRandom(round.options.seed() * 31 + 7);
        List<Set<String>> fuller = new ArrayList<>();
        List<Map<String, Object>> changes = new ArrayList<>();
        for (int i = 0; i < catalog.size(); i++) {
            Set<String> tags = new TreeSet<>(round.graphTags.get(i));
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
            @SuppressWarnings("unchecked")
            long[] r = round.search.tag((String) c.get("id"), (List<String>) c.get("tags"));
            edges += r[0];
            reembedded += r[1];
        }
        double tagSeconds = (System.nanoTime() - t0) / 1e9;
        round.progress("gave back %d tags of %d images with mmr.tag in %.1f s (%d embeddings recomputed)", edges,
                changes.size(), tagSeconds, reembedded);
        Evaluation.scoreAs("moreMetadata", round.withGraphTags(fuller));
        long t1 = System.nanoTime();
        round.search.train(trainConfig);
        double trainSeconds = (System.nanoTime() - t1) / 1e9;
        round.progress("retrained on the same graph in %.1f s", trainSeconds);
        Evaluation.scoreAs("retrained", round.withGraphTags(fuller));
        Map<String, Object> cost = EvalRows.emptyRow("moreMetadata.cost", round.dropout, "mmr.tag", changes.size());
        cost.put("seconds", EvalRows.round(tagSeconds));
        cost.put("edges", edges);
        cost.put("reembedded", reembedded);
        cost.put("retrainSeconds", EvalRows.round(trainSeconds));
        round.rows.add(cost);
    }
}
