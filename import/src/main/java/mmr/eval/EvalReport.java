package mmr.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** Writes {@code mmr eval}'s rows: results.json (other tools read it), results.md and PNG plots. */
public final class EvalReport {
    private EvalReport() {}

    /** Writes every output into {@code dir} (created if needed); returns the files written. */
    public static List<Path> write(Path dir, List<Map<String, Object>> rows, String header) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        Path json = dir.resolve("results.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), rows);
        written.add(json);
        Path md = dir.resolve("results.md");
        Files.writeString(md, markdown(rows, header));
        written.add(md);
        System.setProperty("java.awt.headless", "true");
        written.add(slider(dir.resolve("slider.png"), rows));
        written.add(ndcg(dir.resolve("ndcg5.png"), rows));
        written.add(dropout(dir.resolve("keyword-recall-dropout.png"), rows));
        return written;
    }

    static String markdown(List<Map<String, Object>> rows, String header) {
        StringBuilder sb = new StringBuilder("# mmr eval results\n\n").append(header).append("\n\n");
        sb.append("Mean over held-out queries, 95 % bootstrap interval in brackets; `-`: the metric does not apply.\n\n");
        sb.append("| setting | dropout | method | queries | nDCG@5 | twin@10 | subcat@10 | recall@50 | P@10 | tagP@5 | visual@10 | keyword@10 |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> r : rows) {
            sb.append("| ").append(r.get("setting")).append(" | ").append(r.get("dropout")).append(" | ")
                    .append(Evaluation.label(r)).append(" | ").append(r.get("queries"));
            for (String m : Evaluation.METRICS) {
                sb.append(" | ").append(cell(r, m));
            }
            sb.append(" |\n");
        }
        return sb.toString();
    }

    private static String cell(Map<String, Object> r, String metric) {
        Object v = r.get(metric);
        if (v == null) {
            return "-";
        }
        List<?> ci = (List<?>) r.get(metric + "Interval");
        return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", (Double) v, ((Number) ci.get(0)).doubleValue(),
                ((Number) ci.get(1)).doubleValue());
    }

    /** visual@10 and keyword@10 against visualWeight, one line per connect mode (image + keyword, dropout 0). */
    private static Path slider(Path file, List<Map<String, Object>> rows) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title("The slider (image + keyword, dropout "
                + firstDropout(rows) + ")").xAxisTitle("visualWeight").yAxisTitle("share / cosine").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        for (String connect : Evaluation.CONNECTS) {
            for (String metric : List.of("visual10", "keyword10")) {
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (Map<String, Object> r : rows) {
                    if ("imageKeyword".equals(r.get("setting")) && "mmr".equals(r.get("method"))
                            && connect.equals(r.get("connect")) && Objects.equals(r.get("dropout"), firstDropout(rows))
                            && r.get(metric) != null) {
                        x.add((Double) r.get("visualWeight"));
                        y.add((Double) r.get(metric));
                    }
                }
                if (!x.isEmpty()) {
                    chart.addSeries(metric + " (" + connect + ")", x, y);
                }
            }
        }
        for (String method : List.of("visual", "hardFilter")) {
            for (Map<String, Object> r : rows) {
                String metric = method.equals("visual") ? "visual10" : "keyword10";
                if ("imageKeyword".equals(r.get("setting")) && method.equals(r.get("method"))
                        && Objects.equals(r.get("dropout"), firstDropout(rows)) && r.get(metric) != null) {
                    double v = (Double) r.get(metric);
                    chart.addSeries(metric + " of " + method, List.of(0.0, 1.0), List.of(v, v));
                }
            }
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /** nDCG@5 per method and setting (dropout 0; mmr at connect both, visualWeight 0.5 and images, 1.0). */
    private static Path ndcg(Path file, List<Map<String, Object>> rows) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(500).title("nDCG@5 per method and setting (dropout "
                + firstDropout(rows) + ")").xAxisTitle("setting").yAxisTitle("nDCG@5").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        List<String> settings = List.of("image", "imageKeyword", "keyword");
        Set<String> methods = new LinkedHashSet<>();
        for (Map<String, Object> r : rows) {
            if (settings.contains(r.get("setting")) && shown(r)) {
                methods.add(Evaluation.label(r));
            }
        }
        for (String m : methods) {
            List<Double> y = new ArrayList<>();
            for (String s : settings) {
                double v = 0;
                for (Map<String, Object> r : rows) {
                    if (s.equals(r.get("setting")) && shown(r) && m.equals(Evaluation.label(r))
                            && Objects.equals(r.get("dropout"), firstDropout(rows)) && r.get("ndcg5") != null) {
                        v = (Double) r.get("ndcg5");
                    }
                }
                y.add(v);
            }
            chart.addSeries(m, settings, y);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    private static boolean shown(Map<String, Object> r) {
        if (!"mmr".equals(r.get("method"))) {
            return true;
        }
        String c = (String) r.get("connect");
        double w = (Double) r.get("visualWeight");
        return ("image".equals(r.get("setting")) && c.equals("images") && w == 1.0)
                || ("imageKeyword".equals(r.get("setting")) && c.equals("both") && w == 0.5)
                || "keyword".equals(r.get("setting"));
    }

    /** Keyword-only recall@50 against dropout, one line per method. */
    private static Path dropout(Path file, List<Map<String, Object>> rows) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title("Keyword-only recall@50 against tag dropout")
                .xAxisTitle("dropout").yAxisTitle("recall@50").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        Map<String, List<double[]>> lines = new LinkedHashMap<>();
        for (Map<String, Object> r : rows) {
            if ("keyword".equals(r.get("setting")) && r.get("recall50") != null) {
                lines.computeIfAbsent(Evaluation.label(r), k -> new ArrayList<>())
                        .add(new double[] {(Double) r.get("dropout"), (Double) r.get("recall50")});
            }
        }
        lines.forEach((m, pts) -> chart.addSeries(m, pts.stream().map(p -> p[0]).toList(), pts.stream().map(p -> p[1]).toList()));
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    private static Object firstDropout(List<Map<String, Object>> rows) {
        return rows.isEmpty() ? 0.0 : rows.get(0).get("dropout");
    }
}
