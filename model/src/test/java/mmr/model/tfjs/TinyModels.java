package mmr.model.tfjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDManager;

/** The tiny TF.js test models (resources/tfjs, written by make_tiny_tfjs.py) and the outputs numpy computed for them. */
final class TinyModels {
    static final Path LAYERS = Path.of("src/test/resources/tfjs/tiny");
    static final Path GRAPH = Path.of("src/test/resources/tfjs/tiny_graph");

    private TinyModels() {}

    /** A model folder's expected.json: its input (2×8×8×3) and, per output, the pooled rows numpy computed. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> expected(Path model) throws Exception {
        return (Map<String, Object>) JsLiteral.parse(Files.readString(model.resolve("expected.json")));
    }

    /** Every output in {@code expected} matches the net's pooled output within 1e-4. */
    static void assertMatches(TfjsNet net, Map<String, Object> expected) {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            assertMatches(net, expected, m);
        }
    }

    /** As above, in {@code m} (a net keeps its parameters in the first caller's manager). */
    @SuppressWarnings("unchecked")
    static void assertMatches(TfjsNet net, Map<String, Object> expected, NDManager m) {
        List<?> values = (List<?>) expected.get("input");
        float[] x = new float[values.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((Number) values.get(i)).floatValue();
        }
        for (var e : ((Map<String, Object>) expected.get("pooled")).entrySet()) {
            float[][] got = net.pooled(m, x, 2, 8, 8, e.getKey());
            List<List<Number>> want = (List<List<Number>>) e.getValue();
            assertThat(got).as(e.getKey()).hasNumberOfRows(want.size());
            for (int r = 0; r < got.length; r++) {
                assertThat(got[r]).as(e.getKey()).hasSize(want.get(r).size());
                for (int c = 0; c < got[r].length; c++) {
                    assertThat((double) got[r][c]).as(e.getKey() + "[" + r + "][" + c + "]")
                            .isCloseTo(want.get(r).get(c).doubleValue(), within(1e-4));
                }
            }
        }
    }
}
