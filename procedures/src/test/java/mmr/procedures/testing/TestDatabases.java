package mmr.procedures.testing;

import java.util.List;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;

import mmr.procedures.MmrProcedures;

/** In-process Neo4j with GDS and the mmr procedures, as the integration tests use it. */
public final class TestDatabases {
    /** The GDS procedures mmr calls; GDS's extension (on the classpath) provides the rest. */
    public static final List<Class<?>> GDS_PROCEDURES = List.of(
            org.neo4j.gds.catalog.GraphDropProc.class,
            org.neo4j.gds.catalog.GraphListProc.class,
            org.neo4j.gds.catalog.GraphProjectProc.class,
            org.neo4j.gds.similarity.knn.KnnStreamProc.class,
            org.neo4j.gds.embeddings.graphsage.GraphSageTrainProc.class,
            org.neo4j.gds.embeddings.graphsage.GraphSageStreamProc.class,
            org.neo4j.gds.model.catalog.ModelDropProc.class,
            org.neo4j.gds.model.catalog.ModelListProc.class);

    private TestDatabases() {}

    public static Neo4jBuilder builder(boolean withGds) {
        return builder(withGds, false);
    }

    /** With {@code withServer}, the HTTP server runs and serves the explorer page at /mmr. */
    public static Neo4jBuilder builder(boolean withGds, boolean withServer) {
        Neo4jBuilder b = Neo4jBuilders.newInProcessBuilder();
        b = withServer ? b.withUnmanagedExtension("/mmr", mmr.procedures.web.ExplorerResource.class) : b.withDisabledServer();
        b = b.withConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*", "mmr.*"));
        if (withGds) {
            for (Class<?> c : GDS_PROCEDURES) {
                b = b.withProcedure(c);
            }
        }
        for (Class<?> c : MmrProcedures.CLASSES) {
            b = b.withProcedure(c);
        }
        return b;
    }

    public static Neo4j start() {
        return builder(true).build();
    }
}
