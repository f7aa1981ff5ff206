package mmr.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import mmr.eval.Holdout.HeldOutQuery;
import mmr.eval.Holdout.Item;
import mmr.eval.Holdout.Split;
import mmr.model.encode.DescriptorEncoder;
import mmr.model.encode.ImageEncoder;
import mmr.model.eval.RankingMetrics;
import mmr.model.tag.TagFeatures;
import mmr.model.vector.Vectors;
import mmr.procedures.testing.EmojiFixture;

/**
 * The judge checked by hand on the emoji fixture: every method's rankings line up with the queries
 * (row i is query i's, a query without a keyword holds an empty place), and for one query the
 * baselines' rankings, the hard filter's re-ranking and an mmr search are recomputed here, outside
 * the evaluation, and scored by hand.
 */
class EvaluationJudgeTest {

    @Test
    void everyMethodsRowScoresItsOwnQueriesRankings() throws Exception {
        Evaluation.Options options = new Evaluation.Options(EmojiFixture.manifest(), 0.5, List.of(0.0), 1, Map.of("epochs", 2L),
                TagFeatures.Init.CENTROID, 5, 0.65, 0, false);
        List<Item> all = Holdout.read(options.manifest());
        try (ImageEncoder encoder = new DescriptorEncoder()) {
            Holdout.encode(all, encoder);
            Split split = Holdout.split(all, options.holdout(), options.seed(), 0);
            List<HeldOutQuery> queries = split.queries();
            assertThat(queries).as("held-out queries, some without a keyword").hasSizeGreaterThan(10)
                    .anyMatch(q -> q.keyword() == null).anyMatch(q -> q.keyword() != null);
            Evaluation evaluation = new Evaluation(options, new PrintWriter(new StringWriter()));
            evaluation.withRound(split, 0.0, encoder, round -> {
                Evaluation.score(round);
                for (String setting : List.of("image", "imageKeyword", "keyword")) {
                    round.rankings(setting).forEach((method, rankings) -> {
                        assertThat(rankings).as("%s %s: one place per query", setting, method).hasSize(queries.size());
                        for (int i = 0; i < queries.size(); i++) {
                            if (!setting.equals("image") && queries.get(i).keyword() == null && !method.equals("visual")) {
                                assertThat(rankings.get(i)).as("%s %s: query %d has no keyword", setting, method, i).isNull();
                            }
                        }
                    });
                }
                int q = IntStream.range(0, queries.size()).filter(i -> queries.get(i).keyword() != null).findFirst().orElseThrow();
                HeldOutQuery query = queries.get(q);
                List<Item> catalog = split.catalog();
                float[] unit = Vectors.normalised(query.item().features());

                // visual: the catalog by cosine of features, computed here
                List<Integer> byCosine = IntStream.range(0, catalog.size()).boxed()
                        .sorted(Comparator.comparingDouble((Integer i) -> -Vectors.cosine(unit, catalog.get(i).features()))
                                .thenComparingInt(i -> i)).toList();
                int[] visual = round.rankings("image").get("visual").get(q);
                assertThat(visual).hasSize(EvalSearch.RANKED);
                for (int r = 0; r < visual.length; r++) {
                    assertThat(Vectors.cosine(unit, catalog.get(visual[r]).features()))
                            .as("rank %d of visual", r).isCloseTo(Vectors.cosine(unit, catalog.get(byCosine.get(r)).features()), within(1e-6));
                }

                // keyword hard filter: exactly the keyword's carriers in the graph (dropout 0: every tag), at most RANKED
                Set<Integer> carriers = new HashSet<>();
                for (int i = 0; i < catalog.size(); i++) {
                    if (catalog.get(i).tags().contains(query.keyword())) {
                        carriers.add(i);
                    }
                }
                int[] filter = round.rankings("keyword").get("hardFilter").get(q);
                assertThat(filter).hasSize(Math.min(EvalSearch.RANKED, carriers.size()));
                assertThat(carriers).containsAll(IntStream.of(filter).boxed().toList());
                // its re-ranking keeps only candidates, so every result still carries the keyword
                int[] reranked = round.rankings("keyword").get("rerank(hardFilter)").get(q);
                assertThat(carriers).containsAll(IntStream.of(reranked).boxed().toList());
                assertThat(reranked).hasSize(filter.length);

                // the keyword row's metrics for this query, by hand: nDCG@5 of binary gains, recall@50 of the carriers
                boolean[] relevant = new boolean[catalog.size()];
                carriers.forEach(i -> relevant[i] = true);
                double dcg = 0;
                for (int r = 0; r < Math.min(5, reranked.length); r++) {
                    dcg += (relevant[reranked[r]] ? 1 : 0) / (Math.log(r + 2) / Math.log(2));
                }
                double ideal = 0;
                for (int r = 0; r < Math.min(5, carriers.size()); r++) {
                    ideal += 1 / (Math.log(r + 2) / Math.log(2));
                }
                double[] gains = new double[catalog.size()];
                carriers.forEach(i -> gains[i] = 1);
                assertThat(RankingMetrics.ndcg(reranked, gains, 5)).isCloseTo(dcg / ideal, within(1e-9));
                assertThat(RankingMetrics.recall(reranked, relevant, 50))
                        .isCloseTo(Math.min(50, reranked.length) / (double) Math.min(50, carriers.size()), within(1e-9));

                // mmr, image only: the row's ranking is mmr.search's for the query's bytes
                List<Integer> searched = new ArrayList<>();
                int[] asRow = round.rankings("image").get("mmr|images|1.0").get(q);
                for (int position : round.search.search(query.bytes(), List.of(), "images", 1)) {
                    searched.add(position);
                }
                assertThat(IntStream.of(asRow).boxed().toList()).isEqualTo(searched);
            });
            // the rows: every keyword method counts exactly the queries that have a keyword
            long withKeyword = queries.stream().filter(x -> x.keyword() != null).count();
            assertThat(evaluation.rows()).filteredOn(r -> "keyword".equals(r.get("setting"))).isNotEmpty()
                    .allSatisfy(r -> assertThat(((Number) r.get("queries")).longValue()).as("%s", r.get("method")).isEqualTo(withKeyword));
        }
    }
}
