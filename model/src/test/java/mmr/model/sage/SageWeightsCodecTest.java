package mmr.model.sage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SageWeightsCodecTest {
    @Test
    void roundTripsThroughFlatProperties() {
        SageWeights w = new SageWeights(List.of(
                new SageWeights.Layer(25, new SageWeights.Matrix(3, 2, new double[] {1, 2, 3, 4, 5, 6})),
                new SageWeights.Layer(10, new SageWeights.Matrix(2, 3, new double[] {-1, 0.5, 0, 0, 1e-9, 7}))),
                SageWeights.Activation.RELU,
                Map.of("Image", new SageWeights.Matrix(2, 3, new double[] {1, 0, 0, 0, 1, 0}),
                        "Tag", new SageWeights.Matrix(2, 2, new double[] {0, 1, 1, 0})));
        Map<String, Object> props = SageWeightsCodec.toProperties(w);
        assertThat(props.values()).allMatch(v -> v instanceof String || v instanceof Long || v instanceof long[]
                || v instanceof double[] || v instanceof String[]);
        SageWeights back = SageWeightsCodec.fromProperties(props);
        assertThat(back.activation()).isEqualTo(w.activation());
        assertThat(back.layers()).hasSize(2);
        for (int k = 0; k < 2; k++) {
            assertThat(back.layers().get(k).sampleSize()).isEqualTo(w.layers().get(k).sampleSize());
            assertThat(back.layers().get(k).weights().data()).containsExactly(w.layers().get(k).weights().data());
        }
        assertThat(back.projections().keySet()).containsExactlyInAnyOrder("Image", "Tag");
        assertThat(back.projections().get("Tag").data()).containsExactly(0, 1, 1, 0);
    }

    @Test
    void incompleteModelsAreNamed() {
        Map<String, Object> props = new HashMap<>(SageWeightsCodec.toProperties(new SageWeights(
                List.of(new SageWeights.Layer(5, new SageWeights.Matrix(1, 1, new double[] {1}))), SageWeights.Activation.SIGMOID, Map.of())));
        props.remove("layer1_weights");
        assertThatThrownBy(() -> SageWeightsCodec.fromProperties(props))
                .hasMessage("stored model is incomplete: layer1_rows/cols/weights missing or of the wrong type");
    }
}
