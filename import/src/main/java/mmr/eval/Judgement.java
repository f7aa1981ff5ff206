package mmr.eval;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import mmr.eval.Holdout.HeldOutQuery;
import mmr.eval.Holdout.Item;
import mmr.model.eval.Baselines;
import mmr.model.vector.Vectors;

/**
 * What one query is judged against, per catalog image: graded gains (same concept 3, subcategory 2,
 * category 1; without concept metadata, the number of shared tags), twins, subcategory members,
 * keyword carriers (in the full metadata, not the graph), feature cosines, and the query's own tags.
 */
record Judgement(double[] gains, boolean[] twin, boolean[] subcategory, boolean[] keyword, double[] visual, Set<String> tags) {

    static Judgement of(HeldOutQuery q, List<Item> catalog, Baselines baselines) {
        int n = catalog.size();
        Item qi = q.item();
        boolean meta = qi.concept() != null;
        double[] gains = new double[n];
        boolean[] twin = meta ? new boolean[n] : null;
        boolean[] sub = meta && qi.metadata().get("subcategory") != null ? new boolean[n] : null;
        boolean[] kw = new boolean[n];
        Set<String> qTags = new HashSet<>(qi.tags());
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
        // twin@10 asks whether the query's concept is found; where the catalog holds none of it, there is nothing to find.
        return new Judgement(gains, twin != null && anyTrue(twin) ? twin : null, sub, kw, visual, qTags);
    }

    static boolean anyTrue(boolean[] flags) {
        for (boolean f : flags) {
            if (f) {
                return true;
            }
        }
        return false;
    }
}
