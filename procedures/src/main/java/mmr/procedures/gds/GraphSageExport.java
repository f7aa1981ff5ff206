package mmr.procedures.gds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.neo4j.gds.core.model.Model;
import org.neo4j.gds.core.model.ModelCatalog;
import org.neo4j.gds.core.model.OpenModelCatalogProvider;
import org.neo4j.gds.embeddings.graphsage.AggregatorType;
import org.neo4j.gds.embeddings.graphsage.Layer;
import org.neo4j.gds.embeddings.graphsage.ModelData;
import org.neo4j.gds.embeddings.graphsage.MultiLabelFeatureFunction;
import org.neo4j.gds.embeddings.graphsage.algo.GraphSageTrainConfig;
import org.neo4j.gds.ml.core.functions.Weights;
import org.neo4j.gds.ml.core.tensor.Matrix;

import mmr.model.sage.SageWeights;

/**
 * Reads a trained GraphSAGE model out of GDS's in-memory model catalog into mmr's own
 * {@link SageWeights}, which outlive a restart and need no GDS to run. Part of the GDS adapter:
 * the only place that touches GDS's model classes.
 */
public final class GraphSageExport {
    private GraphSageExport() {}

    public static SageWeights export(String modelName) {
        ModelCatalog catalog = new OpenModelCatalogProvider().get()
                .orElseThrow(() -> new IllegalStateException("the GDS model catalog is not available"));
        Model<?, ?, ?> model = catalog.getAllModels().filter(m -> m.name().equals(modelName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no GDS model named '" + modelName + "' in the model catalog"));
        if (!(model.data() instanceof ModelData data) || !(model.trainConfig() instanceof GraphSageTrainConfig config)) {
            throw new IllegalArgumentException("GDS model '" + modelName + "' is a " + model.algoType()
                    + " model, not GraphSAGE");
        }
        if (config.aggregator() != AggregatorType.MEAN) {
            throw new IllegalArgumentException("GDS model '" + modelName + "' uses the " + config.aggregator()
                    + " aggregator; mmr runs the mean aggregator only");
        }
        List<SageWeights.Layer> layers = new ArrayList<>();
        for (Layer layer : data.layers()) {
            List<Weights<?>> weights = new ArrayList<>(layer.aggregator().weights());
            if (weights.size() != 1) {
                throw new IllegalStateException("expected one weight matrix per mean layer, found " + weights.size());
            }
            layers.add(new SageWeights.Layer(layer.sampleSize(), matrix((Matrix) weights.get(0).data())));
        }
        Map<String, SageWeights.Matrix> projections = new LinkedHashMap<>();
        if (data.featureFunction() instanceof MultiLabelFeatureFunction multi) {
            multi.weightsByLabel().forEach((label, w) -> projections.put(label.name(), matrix(w.data())));
        }
        return new SageWeights(layers, SageWeights.Activation.parse(config.activationFunction().name()), projections);
    }

    private static SageWeights.Matrix matrix(Matrix m) {
        double[] data = new double[m.rows() * m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            for (int c = 0; c < m.cols(); c++) {
                data[r * m.cols() + c] = m.dataAt(r, c);
            }
        }
        return new SageWeights.Matrix(m.rows(), m.cols(), data);
    }
}
