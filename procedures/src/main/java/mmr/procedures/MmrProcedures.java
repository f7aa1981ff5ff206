package mmr.procedures;

import java.util.List;

import mmr.procedures.catalog.CatalogProc;
import mmr.procedures.curate.FeedbackProc;
import mmr.procedures.curate.TagProc;
import mmr.procedures.geodesic.PathProc;
import mmr.procedures.knn.KnnProc;
import mmr.procedures.progress.ProgressProc;
import mmr.procedures.rerank.RerankProc;
import mmr.procedures.search.SearchProc;
import mmr.procedures.train.EmbedProc;
import mmr.procedures.train.TrainProc;

/** Every procedure class of the plugin, for hosts that register them by hand (tests, embedded runner). */
public final class MmrProcedures {
    public static final List<Class<?>> CLASSES = List.of(KnnProc.class, CatalogProc.class, TrainProc.class, EmbedProc.class,
            SearchProc.class, TagProc.class, FeedbackProc.class,
            RerankProc.class, PathProc.class, ProgressProc.class);

    private MmrProcedures() {}
}
