package mmr.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import mmr.eval.Holdout.HeldOutQuery;
import mmr.eval.Holdout.Item;
import mmr.model.eval.Baselines;

final class Feedback {
    /** Share of held-out queries whose users give feedback. */
    static final double FEEDBACK_SHARE = 0.10;
    static final int FEEDBACK_TOP = 20;
    /** feedbackNeighbors of the third row: images liked together with the receiver's neighbours act as liked. */
    static final int FEEDBACK_NEIGHBORS = 10;

    private Feedback() {}

    /**
     * "I like that" (issue 12), simulated: a seeded 10 % of the held-out queries are users who search
     * (image only, connect both) and like the relevant results (gain > 0: same concept, subcategory or
     * category) in their top 20 through {@code mmr.feedback}; then, for each of them, a *different*
     * held-out image of the same concept (else subcategory) searches. Its nDCG@5 before any feedback
     * and after all of it is row {@code feedback.before} / {@code feedback.after}; 003's connection
     * accuracy (when one of the giver's liked images is in the receiver's top 10, another one is too)
     * is in {@code connectionAccuracy}. A held-out split keeps one image of a concept out, so that other
     * image is of the same subcategory; rows {@code feedback.catalogTwin.*} take the receiver
     * literally — the giver's concept in the catalog (another vendor's emoji, another variant of the
     * icon), searched by its id as "more like this" (it is not returned, nor counted as relevant).
     */
    static void run(Round round) {
        List<Item> catalog = round.catalog();
        Baselines baselines = round.baselines;
        List<HeldOutQuery> queries = new ArrayList<>(round.queries());
        SplittableRandom rng = new SplittableRandom(round.options.seed() * 17 + 3);
        Holdout.shuffle(queries, rng);
        List<HeldOutQuery> givers = new ArrayList<>();
        List<HeldOutQuery> receivers = new ArrayList<>();
        for (HeldOutQuery g : queries) {
            if (givers.size() >= Math.max(1, Math.round(FEEDBACK_SHARE * queries.size()))) {
                break;
            }
            HeldOutQuery r = null;
            for (String level : List.of("concept", "subcategory")) {
                for (HeldOutQuery c : queries) {
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
        List<Integer> twins = new ArrayList<>();
        List<Judgement> twinJudged = new ArrayList<>();
        List<int[]> twinBefore = new ArrayList<>();
        for (HeldOutQuery g : givers) {
            int twin = catalogTwin(g, catalog);
            twins.add(twin);
            twinJudged.add(twin < 0 ? null : asReceiver(twin, catalog, baselines));
            twinBefore.add(twin < 0 ? null : round.search.searchById(catalog.get(twin).id(), "both", 1, 0));
        }
        List<Judgement> judged = new ArrayList<>();
        List<int[]> before = new ArrayList<>();
        for (HeldOutQuery r : receivers) {
            judged.add(Judgement.of(r, catalog, baselines));
            before.add(round.search.search(r.bytes(), List.of(), "both", 1));
        }
        long t0 = System.nanoTime();
        List<Set<Integer>> likedSets = new ArrayList<>();
        long calls = 0;
        for (HeldOutQuery g : givers) {
            Judgement j = Judgement.of(g, catalog, baselines);
            int[] ranking = round.search.search(g.bytes(), List.of(), "both", 1);
            Set<Integer> liked = new LinkedHashSet<>();
            for (int i = 0; i < Math.min(FEEDBACK_TOP, ranking.length); i++) {
                if (j.gains()[ranking[i]] > 0) {
                    liked.add(ranking[i]);
                }
            }
            likedSets.add(liked);
            if (!liked.isEmpty()) {
                List<String> ids = liked.stream().map(i -> catalog.get(i).id()).toList();
                round.search.feedback(g.bytes(), ids);
                calls++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<int[]> after = new ArrayList<>();
        List<int[]> afterLearned = new ArrayList<>();
        for (HeldOutQuery r : receivers) {
            after.add(round.search.search(r.bytes(), List.of(), "both", 1));
            afterLearned.add(round.search.search(r.bytes(), List.of(), "both", 1, FEEDBACK_NEIGHBORS));
        }
        List<int[]> twinAfter = new ArrayList<>();
        List<int[]> twinAfterLearned = new ArrayList<>();
        for (int twin : twins) {
            twinAfter.add(twin < 0 ? null : round.search.searchById(catalog.get(twin).id(), "both", 1, 0));
            twinAfterLearned.add(twin < 0 ? null : round.search.searchById(catalog.get(twin).id(), "both", 1, FEEDBACK_NEIGHBORS));
        }
        round.progress("%d users liked results through mmr.feedback (%.1f s); %d other queries scored before and after",
                calls, seconds, receivers.size());
        int from = rows(round, "feedback", before, after, afterLearned, judged);
        rows(round, "feedback.catalogTwin", twinBefore, twinAfter, twinAfterLearned, twinJudged);
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
            round.rows.get(from + k).put("connectionAccuracy", with == 0 ? null : EvalRows.round((double) connected / with));
            round.rows.get(from + k).put("connectionQueries", with);
            round.rows.get(from + k).put("feedbackSeconds", EvalRows.round(seconds));
        }
    }

    /** Rows {@code <prefix>.before}, {@code .after} and {@code .afterNeighbors10}; returns the first one's index. */
    private static int rows(Round round, String prefix, List<int[]> before, List<int[]> after, List<int[]> afterLearned,
                            List<Judgement> judged) {
        int from = round.rows.size();
        List<List<int[]>> rankings = List.of(before, after, afterLearned);
        List<String> settings = List.of(".before", ".after", ".afterNeighbors" + FEEDBACK_NEIGHBORS);
        for (int k = 0; k < 3; k++) {
            round.rows.rankingRow("image", round.dropout, "mmr|both|1.0", rankings.get(k), judged, false);
            round.rows.get(from + k).put("setting", prefix + settings.get(k));
        }
        return from;
    }

    /**
     * The giver's concept in the catalog: the first catalog image of the same concept (another vendor's
     * emoji, another variant of the icon's family), -1 when there is none.
     */
    static int catalogTwin(HeldOutQuery giver, List<Item> catalog) {
        String concept = giver.item().concept();
        for (int i = 0; concept != null && i < catalog.size(); i++) {
            if (concept.equals(catalog.get(i).concept())) {
                return i;
            }
        }
        return -1;
    }

    /** A catalog image judged as a query that is not returned: its own gain and twin flag cleared. */
    static Judgement asReceiver(int position, List<Item> catalog, Baselines baselines) {
        Judgement j = Judgement.of(new HeldOutQuery(catalog.get(position), null, null), catalog, baselines);
        double[] gains = j.gains().clone();
        gains[position] = 0;
        boolean[] twin = j.twin() == null ? null : j.twin().clone();
        if (twin != null) {
            twin[position] = false;
        }
        return new Judgement(gains, twin != null && Judgement.anyTrue(twin) ? twin : null, j.subcategory(), j.keyword(), j.visual(),
                j.tags());
    }
}
