package mmr.ingest.graph;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import mmr.ingest.manifest.ManifestReader;
import mmr.model.encode.EncoderIdentity;
import mmr.model.encode.ModelChecksum;
import mmr.model.tag.TagFeatures;
import mmr.model.vector.Vectors;

/**
 * All Cypher the importer runs, in batched {@code UNWIND} statements. Writes are idempotent
 * ({@code MERGE} on the unique keys), so a re-run after a crash converges on the same graph.
 */
public final class GraphWriter {
    public static final String SCHEMA_RESOURCE = "/cypher/schema.cypher";

    private final CypherRunner cypher;

    public GraphWriter(CypherRunner cypher) {
        this.cypher = cypher;
    }

    public CypherRunner cypher() {
        return cypher;
    }

    public void applySchema() {
        for (String statement : SchemaFile.statements(SCHEMA_RESOURCE)) {
            cypher.write(statement, Map.of());
        }
    }

    /**
     * Records the encoder and tag initialisation on first import; later imports must match,
     * because features from different encoders cannot be compared.
     */
    public void ensureCatalog(EncoderIdentity encoder, TagFeatures.Init tagInit) {
        List<Map<String, Object>> rows = cypher.write(
                "MERGE (c:MmrCatalog {name: 'default'}) "
                        + "ON CREATE SET c.encoder = $encoder, c.featureDimension = $dim, c.tagFeatureInit = $tagInit, "
                        + "c.createdAt = datetime() "
                        + "RETURN c.encoder AS encoder, c.tagFeatureInit AS tagInit",
                Map.of("encoder", encoder.toString(), "dim", (long) encoder.dimension(), "tagInit", tagInit.toString()));
        Map<String, Object> row = rows.get(0);
        if (!encoder.toString().equals(row.get("encoder"))) {
            throw new IllegalStateException("this graph's features come from encoder " + row.get("encoder")
                    + " but this import uses " + encoder + "; features of different encoders cannot be compared. "
                    + "Import into a new database, or re-encode the whole catalog with " + row.get("encoder"));
        }
        if (!tagInit.toString().equals(row.get("tagInit"))) {
            throw new IllegalStateException("this graph's tag features were initialised with '" + row.get("tagInit")
                    + "' but this import asks for '" + tagInit + "'; use --tag-init " + row.get("tagInit"));
        }
    }

    /**
     * Records the manifest this import reads (absolute path and SHA-256 of its bytes) on the catalog
     * record, so that {@code mmr serve --manifest} can tell whether a database was built from it.
     */
    public void recordManifest(Path manifest) throws IOException {
        cypher.write("MATCH (c:MmrCatalog {name: 'default'}) SET c.manifest = $path, c.manifestSha256 = $sha",
                Map.of("path", manifest.toAbsolutePath().normalize().toString(), "sha", ModelChecksum.sha256(manifest)));
    }

    /** Which of {@code ids} are already imported (present with features): resumed runs skip them. */
    public Set<String> existingImages(Collection<String> ids) {
        Set<String> found = new HashSet<>();
        cypher.read("UNWIND $ids AS id MATCH (i:Image {id: id}) WHERE i.features IS NOT NULL RETURN i.id AS id",
                Map.of("ids", new ArrayList<>(ids)), r -> found.add((String) r.get("id")));
        return found;
    }

    /** Which of {@code names} already exist as Tag nodes. */
    public Set<String> existingTags(Collection<String> names) {
        Set<String> found = new HashSet<>();
        cypher.read("UNWIND $names AS name MATCH (t:Tag {name: name}) RETURN t.name AS name",
                Map.of("names", new ArrayList<>(names)), r -> found.add((String) r.get("name")));
        return found;
    }

    /** Creates tags; {@code features} may be null (filled in later by centroid initialisation). */
    public void writeTags(Map<String, float[]> features) {
        if (features.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>(features.size());
        features.forEach((name, f) -> {
            Map<String, Object> row = new HashMap<>();
            row.put("name", name);
            row.put("features", f);
            rows.add(row);
        });
        cypher.write("UNWIND $rows AS row MERGE (t:Tag {name: row.name}) "
                + "ON CREATE SET t.features = row.features", Map.of("rows", rows));
    }

    /** One image to write: its tags must exist already. */
    public record ImageRow(String id, String source, float[] features, List<String> tags, Map<String, String> evaluation) {}

    public void writeImages(List<ImageRow> images) {
        if (images.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>(images.size());
        for (ImageRow image : images) {
            Map<String, Object> row = new HashMap<>();
            row.put("id", image.id());
            row.put("source", image.source());
            row.put("features", image.features());
            row.put("tags", image.tags());
            Map<String, Object> eval = new LinkedHashMap<>();
            image.evaluation().forEach((k, v) -> eval.put(evaluationProperty(k), v));
            row.put("eval", eval);
            rows.add(row);
        }
        cypher.write("UNWIND $rows AS row "
                + "MERGE (i:Image {id: row.id}) "
                + "SET i.source = row.source, i.features = row.features, i += row.eval "
                + "WITH i, row UNWIND row.tags AS name "
                + "MATCH (t:Tag {name: name}) MERGE (i)-[:TAGGED]->(t)", Map.of("rows", rows));
    }

    /**
     * Evaluation-only metadata lives under an {@code eval_} prefix so no pipeline step mistakes it
     * for a feature or a tag.
     */
    public static String evaluationProperty(String key) {
        return "eval_" + ManifestReader.metadataKey(key);
    }

    /** Sets every tag's features to the unit mean of its images' features; returns tags updated. */
    public long initialiseTagCentroids(int dimension, int batchSize) {
        Map<String, double[]> sums = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        cypher.read("MATCH (t:Tag)<-[:TAGGED]-(i:Image) WHERE i.features IS NOT NULL "
                + "RETURN t.name AS name, i.features AS features", Map.of(), r -> {
                    float[] f = Vectors.toFloats(r.get("features"));
                    double[] acc = sums.computeIfAbsent((String) r.get("name"), k -> new double[dimension]);
                    for (int d = 0; d < dimension; d++) {
                        acc[d] += f[d];
                    }
                    counts.merge((String) r.get("name"), 1, Integer::sum);
                });
        List<Map<String, Object>> batch = new ArrayList<>();
        long written = 0;
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            float[] mean = new float[dimension];
            for (int d = 0; d < dimension; d++) {
                mean[d] = (float) e.getValue()[d];
            }
            batch.add(Map.of("name", e.getKey(), "features", Vectors.normaliseInPlace(mean)));
            if (batch.size() == batchSize) {
                written += flushCentroids(batch);
            }
        }
        return written + flushCentroids(batch);
    }

    private long flushCentroids(List<Map<String, Object>> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        cypher.write("UNWIND $rows AS row MATCH (t:Tag {name: row.name}) SET t.features = row.features",
                Map.of("rows", new ArrayList<>(batch)));
        long n = batch.size();
        batch.clear();
        return n;
    }

    /**
     * With a trained model present, embeds every Image and Tag that has no embedding yet (what an
     * import added) with {@code mmr.embed}, in batches. Returns how many nodes were embedded.
     */
    public long embedNewNodes(int batchSize) {
        List<Map<String, Object>> model = cypher.write("CALL mmr.model.info() YIELD name, current "
                + "WHERE current AND name = 'default' RETURN name", Map.of());
        if (model.isEmpty()) {
            return 0;
        }
        long total = 0;
        while (true) {
            List<Map<String, Object>> rows = cypher.write("MATCH (n) WHERE (n:Image OR n:Tag) AND n.embedding IS NULL "
                    + "AND n.features IS NOT NULL WITH n LIMIT $batch WITH collect(n) AS batch WHERE size(batch) > 0 "
                    + "CALL mmr.embed(batch) YIELD nodes RETURN nodes", Map.of("batch", (long) batchSize));
            long done = rows.isEmpty() ? 0 : ((Number) rows.get(0).get("nodes")).longValue();
            if (done == 0) {
                return total;
            }
            total += done;
        }
    }

    /** Rebuilds the SIMILAR edges with {@code mmr.knn} (the mmr plugin must be installed). */
    public Map<String, Object> rebuildKnn(Map<String, Object> config) {
        return cypher.write("CALL mmr.knn($config)", Map.of("config", config)).get(0);
    }
}
