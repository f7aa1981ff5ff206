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
        // the explorer page by package name, as a stock server's server.unmanaged_extension_classes line
        // mounts it (docs/explorer.md); the harness turns this into that setting
        Neo4jBuilder builder = Neo4jBuilders.newInProcessBuilder()
                .withUnmanagedExtension("/mmr", "mmr.procedures.web")
                .withConfig(GraphDatabaseSettings.plugin_dir, Path.of(args[0]).toAbsolutePath())
                .withConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*", "mmr.*"));
        for (Class<?> c : List.of(org.neo4j.gds.catalog.GraphDropProc.class, org.neo4j.gds.catalog.GraphProjectProc.class,
                org.neo4j.gds.similarity.knn.KnnStreamProc.class, org.neo4j.gds.catalog.GraphListProc.class,
                org.neo4j.gds.embeddings.graphsage.GraphSageTrainProc.class,
                org.neo4j.gds.embeddings.graphsage.GraphSageStreamProc.class,
                org.neo4j.gds.model.catalog.ModelDropProc.class, org.neo4j.gds.model.catalog.ModelListProc.class)) {
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

            // Search with an image encoded inside the server: DJL and PyTorch from the plugin jar.
            db.executeTransactionally("MATCH (n) DETACH DELETE n");
            db.executeTransactionally("CREATE (:MmrCatalog {name: 'default', encoder: 'descriptor/512/1', featureDimension: 512, "
                    + "tagFeatureInit: 'random'})");
            db.executeTransactionally("UNWIND range(0, 59) AS i CREATE (:Image {id: toString(i), "
                    + "features: [d IN range(0, 511) | toFloat(sin(i * 0.1 + d) + (i % 3))]})");
            db.executeTransactionally("UNWIND range(0, 5) AS t CREATE (:Tag {name: 'tag' + t, "
                    + "features: [d IN range(0, 511) | toFloat(cos(t + d))]})");
            db.executeTransactionally("MATCH (i:Image), (t:Tag) WHERE toInteger(i.id) % 6 = toInteger(substring(t.name, 3)) "
                    + "CREATE (i)-[:TAGGED]->(t)");
            db.executeTransactionally("CALL mmr.knn({topK: 3, similarityCutoff: 0.0}) YIELD relationshipsWritten RETURN relationshipsWritten",
                    Map.of(), r -> r.resultAsString());
            db.executeTransactionally("CALL mmr.train({trainer: 'gds', embeddingDimension: 16, epochs: 1, maxIterations: 2})",
                    Map.of(), r -> r.resultAsString());
            db.executeTransactionally("CALL db.awaitIndexes(120)");
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_ARGB);
            java.awt.Graphics2D g = img.createGraphics();
            g.setColor(java.awt.Color.ORANGE);
            g.fillOval(8, 8, 48, 48);
            g.dispose();
            java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
            try {
                javax.imageio.ImageIO.write(img, "png", png);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Object hits = db.executeTransactionally("CALL mmr.search({bytes: $png, tags: ['tag1']}, {k: 3, similarityCutoff: -1.0}) "
                    + "YIELD image RETURN count(image) AS n", Map.of("png", png.toByteArray()), r -> r.next().get("n"));
            System.out.println("search with image bytes: " + hits + " results");
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            for (String path : List.of("/mmr/", "/mmr/api/info")) {
                java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(neo4j.httpURI().resolve(path))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                System.out.println("explorer " + path + ": " + r.statusCode() + " "
                        + r.body().substring(0, Math.min(80, r.body().length())).replace('\n', ' '));
            }
        } catch (InterruptedException | java.io.IOException e) {
            e.printStackTrace(System.out);
            System.exit(1);
        } catch (RuntimeException e) {
            e.printStackTrace(System.out);
            System.exit(1);
        }
        System.exit(0);
    }
}
