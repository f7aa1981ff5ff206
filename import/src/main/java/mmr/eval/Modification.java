package mmr.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

import mmr.eval.Holdout.HeldOutQuery;
import mmr.eval.Holdout.Item;
import mmr.model.eval.Baselines;
import mmr.model.vector.Vectors;

final class Modification {
    private Modification() {}

    /**
     * "Like this, but …" (issue 12), on catalogs with subcategory metadata: for each held-out image,
     * a keyword of a sibling concept in its subcategory that the image itself lacks (seeded choice
     * among keywords on at least {@link #Holdout.MIN_KEYWORD_IMAGES} catalog images) is added to it:
     * {@code {bytes, tags: [keyword]}}. Relevant: the catalog images carrying that keyword (in their
     * full metadata), graded by visual similarity to the query: gain = 1 + max(0, cos(features)). Rows
     * {@code modification}: mmr (both; w 0.5 and 0.25) against {@code hardFilter} (visual ranking of
     * the images tagged with the keyword in the graph) and {@code lateFusion}.
     */
    static void run(Round round) {
        List<Item> catalog = round.catalog();
        int n = catalog.size();
        Map<String, Integer> frequency = Holdout.tagFrequency(catalog);
        Baselines baselines = round.baselines;
        SplittableRandom rng = new SplittableRandom(round.options.seed() * 13 + 5);
        Map<String, List<int[]>> rankings = new LinkedHashMap<>();
        List<Judgement> judged = new ArrayList<>();
        for (HeldOutQuery q : round.queries()) {
            String sub = q.item().metadata().get("subcategory");
            if (sub == null) {
                continue;
            }
            Set<String> own = new HashSet<>(q.item().tags());
            List<String> candidates = new ArrayList<>();
            for (Item c : catalog) {
                if (sub.equals(c.metadata().get("subcategory")) && !Objects.equals(c.concept(), q.item().concept())) {
                    for (String t : c.tags()) {
                        if (!own.contains(t) && frequency.getOrDefault(t, 0) >= Holdout.MIN_KEYWORD_IMAGES && !candidates.contains(t)) {
                            candidates.add(t);
                        }
                    }
                }
            }
            if (candidates.isEmpty()) {
                continue;
            }
            Collections.sort(candidates);
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
            EvalRows.add(rankings, "hardFilter", baselines.hardFilter(f, keyword, EvalSearch.RANKED));
            EvalRows.add(rankings, "lateFusion", baselines.lateFusion(f, Set.of(keyword), ImageKeywordQueries.LATE_FUSION_WEIGHT, EvalSearch.RANKED));
            for (double w : new double[] {0.5, 0.25}) {
                EvalRows.add(rankings, "mmr|both|" + w, round.search.search(q.bytes(), List.of(keyword), "both", w));
            }
        }
        int from = round.rows.size();
        rankings.forEach((m, r) -> round.rows.rankingRow("imageKeyword", round.dropout, m, r, judged, false));
        round.rows.renameSettings(from, "modification");
        round.progress("%d modification queries scored", judged.size());
    }
}
