package mmr.procedures.packaging;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;

/**
 * Run in a JVM whose classpath has Neo4j and GDS but no mmr classes: starts the harness with
 * {@code args[0]} as the plugins directory, so mmr can only come from the plugin jar there.
 * References no mmr class. Prints what it found; exits non-zero on any failure.
 */
public final class PluginLoadProbe {
    public static void main(String[] args) {
        Neo4jBuilder builder = Neo4jBuilders.newInProcessBuilder()
                .withDisabledServer()
                .withConfig(GraphDatabaseSettings.plugin_dir, Path.of(args[0]).toAbsolutePath())
                .withConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*", "mmr.*"));
        for (Class<?> c : List.of(org.neo4j.gds.catalog.GraphDropProc.class, org.neo4j.gds.catalog.GraphProjectProc.class,
                org.neo4j.gds.similarity.knn.KnnStreamProc.class)) {
            builder = builder.withProcedure(c);
        }
        try (Neo4j neo4j = builder.build()) {
            GraphDatabaseService db = neo4j.defaultDatabaseService();
            Object names = db.executeTransactionally(
                    "SHOW PROCEDURES YIELD name WHERE name STARTS WITH 'mmr.' RETURN collect(name) AS names",
                    Map.of(), r -> r.next().get("names"));
            System.out.println("procedures: " + names);
            db.executeTransactionally("UNWIND range(0, 19) AS i CREATE (:Image {id: toString(i), "
                    + "features: [toFloat(i % 4), 1.0, toFloat(i % 3)]})");
            Object written = db.executeTransactionally("CALL mmr.knn({topK: 2}) YIELD relationshipsWritten RETURN relationshipsWritten",
                    Map.of(), r -> r.next().get("relationshipsWritten"));
            System.out.println("knn relationshipsWritten: " + written);
            Object info = db.executeTransactionally("CALL mmr.catalog.info() YIELD images, similar RETURN images, similar",
                    Map.of(), r -> r.next());
            System.out.println("catalog: " + info);
        } catch (RuntimeException e) {
            e.printStackTrace(System.out);
            System.exit(1);
        }
        System.exit(0);
    }
}
