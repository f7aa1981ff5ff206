package mmr.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mmr bench scale-report}: reads the {@code scale.json} of every run under a folder (as
 * {@code mmr bench scale --dir} leaves them), prints one markdown table per dimension with each
 * stage's wall time, peak heap and store size per N, fits each stage's growth exponent (the slope of
 * log time against log N, over the runs from 100k images up) and draws the log–log plot.
 */
@Command(name = "scale-report", mixinStandardHelpOptions = true,
        description = "Tables, growth exponents and a log-log plot from the scale.json files of mmr bench scale runs.")
final class BenchScaleReport implements Callable<Integer> {
    static final List<String> TIMED = List.of("import", "knn", "train", "search");

    @Spec
    CommandSpec spec;

    @Option(names = "--runs", required = true, description = "Folder whose subfolders hold scale.json files")
    Path runs;

    @Option(names = "--plot", description = "PNG to write (e.g. docs/img/scale.png)")
    Path plot;

    /** One finished run: its catalog and the seconds, peak heap and store of each stage. */
    record Run(long images, int dimension, Map<String, Map<String, Object>> stages) {
        Double seconds(String stage) {
            Map<String, Object> s = stages.get(stage);
            return s == null ? null : ((Number) s.get("seconds")).doubleValue();
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Run> all = read(runs);
        Map<Integer, List<Run>> byDimension = new TreeMap<>();
        for (Run r : all) {
            byDimension.computeIfAbsent(r.dimension(), d -> new ArrayList<>()).add(r);
        }
        for (var e : byDimension.entrySet()) {
            List<Run> rs = e.getValue();
            rs.sort((a, b) -> Long.compare(a.images(), b.images()));
            out.printf(Locale.ROOT, "%n%d-d features%n%n", e.getKey());
            out.println("| images | import | kNN | train | search stage | peak heap (import / kNN / train) | store |");
            out.println("|---|---|---|---|---|---|---|");
            for (Run r : rs) {
                out.printf(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s / %s / %s MB | %s |%n", r.images(), time(r, "import"), time(r, "knn"),
                        time(r, "train"), time(r, "search"), heap(r, "import"), heap(r, "knn"), heap(r, "train"), store(r));
            }
            out.println();
            for (String stage : TIMED) {
                Double exponent = exponent(rs, stage, 100_000);
                if (exponent != null) {
                    out.printf(Locale.ROOT, "growth exponent of %s from 100k images up: %.2f%n", stage, exponent);
                }
            }
        }
        if (plot != null) {
            draw(byDimension, plot);
            out.printf(Locale.ROOT, "%nplot: %s%n", plot);
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    static List<Run> read(Path root) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Run> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.sorted().toList()) {
                Path f = d.resolve("scale.json");
                if (!Files.isRegularFile(f)) {
                    continue;
                }
                Map<String, Object> run = json.readValue(f.toFile(), LinkedHashMap.class);
                Map<String, Object> catalog = (Map<String, Object>) run.get("catalog");
                out.add(new Run(((Number) catalog.get("images")).longValue(), ((Number) catalog.get("dimension")).intValue(),
                        (Map<String, Map<String, Object>>) run.get("stages")));
            }
        }
        return out;
    }

    /** Least-squares slope of log(seconds) against log(N) over the runs with at least {@code from} images. */
    static Double exponent(List<Run> runs, String stage, long from) {
        List<double[]> points = new ArrayList<>();
        for (Run r : runs) {
            Double s = r.seconds(stage);
            if (r.images() >= from && s != null && s > 0) {
                points.add(new double[] {Math.log(r.images()), Math.log(s)});
            }
        }
        if (points.size() < 2) {
            return null;
        }
        double mx = points.stream().mapToDouble(p -> p[0]).average().orElseThrow();
        double my = points.stream().mapToDouble(p -> p[1]).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        for (double[] p : points) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        return sxx == 0 ? null : sxy / sxx;
    }

    private static String time(Run r, String stage) {
        Double s = r.seconds(stage);
        if (s == null) {
            return "—";
        }
        return s >= 120 ? String.format(Locale.ROOT, "%.1f min", s / 60) : String.format(Locale.ROOT, "%.0f s", s);
    }

    private static String heap(Run r, String stage) {
        Map<String, Object> s = r.stages().get(stage);
        return s == null ? "—" : String.format(Locale.ROOT, "%,d", ((Number) s.get("peakHeapMB")).longValue());
    }

    @SuppressWarnings("unchecked")
    private static String store(Run r) {
        for (String stage : List.of("search", "train", "knn", "import")) {
            Map<String, Object> s = r.stages().get(stage);
            if (s != null && s.get("storeMB") instanceof Map<?, ?> m) {
                return String.format(Locale.ROOT, "%,d MB", ((Number) m.get("total")).longValue());
            }
        }
        return "—";
    }

    private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)};

    /** Seconds against images, both on log axes; one colour per stage, solid for the widest dimension, dashed otherwise. */
    static void draw(Map<Integer, List<Run>> byDimension, Path file) throws IOException {
        int w = 900;
        int h = 600;
        int left = 80;
        int right = 200;
        int top = 40;
        int bottom = 60;
        double minN = Double.MAX_VALUE;
        double maxN = 0;
        double minS = Double.MAX_VALUE;
        double maxS = 0;
        for (List<Run> rs : byDimension.values()) {
            for (Run r : rs) {
                minN = Math.min(minN, r.images());
                maxN = Math.max(maxN, r.images());
                for (String stage : TIMED) {
                    Double s = r.seconds(stage);
                    if (s != null && s > 0) {
                        minS = Math.min(minS, s);
                        maxS = Math.max(maxS, s);
                    }
                }
            }
        }
        if (maxN == 0 || maxS == 0) {
            throw new IllegalStateException("no finished stages to plot");
        }
        double x0 = Math.floor(Math.log10(minN));
        double x1 = Math.ceil(Math.log10(maxN));
        double y0 = Math.floor(Math.log10(minS));
        double y1 = Math.ceil(Math.log10(maxS));
        if (x1 == x0) {
            x1 = x0 + 1;
        }
        if (y1 == y0) {
            y1 = y0 + 1;
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int pw = w - left - right;
        int ph = h - top - bottom;
        g.setColor(new Color(0xdddddd));
        for (double e = x0; e <= x1; e++) {
            int x = left + (int) Math.round((e - x0) / (x1 - x0) * pw);
            g.drawLine(x, top, x, top + ph);
            g.setColor(Color.DARK_GRAY);
            g.drawString(images((long) Math.pow(10, e)), x - 14, top + ph + 18);
            g.setColor(new Color(0xdddddd));
        }
        for (double e = y0; e <= y1; e++) {
            int y = top + ph - (int) Math.round((e - y0) / (y1 - y0) * ph);
            g.drawLine(left, y, left + pw, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(seconds(Math.pow(10, e)), 10, y + 4);
            g.setColor(new Color(0xdddddd));
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);
        g.drawString("images (log)", left + pw / 2 - 30, h - 15);
        g.drawString("wall time of each stage, log-log (mmr bench scale, 2 cores)", left, 25);
        int widest = byDimension.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
        int legendY = top + 10;
        for (var e : byDimension.entrySet()) {
            boolean solid = e.getKey() == widest;
            for (int si = 0; si < TIMED.size(); si++) {
                String stage = TIMED.get(si);
                List<int[]> pts = new ArrayList<>();
                for (Run r : e.getValue()) {
                    Double s = r.seconds(stage);
                    if (s != null && s > 0) {
                        int x = left + (int) Math.round((Math.log10(r.images()) - x0) / (x1 - x0) * pw);
                        int y = top + ph - (int) Math.round((Math.log10(s) - y0) / (y1 - y0) * ph);
                        pts.add(new int[] {x, y});
                    }
                }
                if (pts.isEmpty()) {
                    continue;
                }
                g.setColor(COLOURS[si]);
                g.setStroke(solid ? new BasicStroke(2f) : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {6f, 5f}, 0f));
                for (int i = 1; i < pts.size(); i++) {
                    g.drawLine(pts.get(i - 1)[0], pts.get(i - 1)[1], pts.get(i)[0], pts.get(i)[1]);
                }
                for (int[] p : pts) {
                    g.fillOval(p[0] - 4, p[1] - 4, 8, 8);
                }
                g.drawLine(left + pw + 15, legendY - 4, left + pw + 45, legendY - 4);
                g.setColor(Color.BLACK);
                g.drawString(stage + ", " + e.getKey() + "-d", left + pw + 52, legendY);
                legendY += 20;
            }
        }
        g.dispose();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(img, "png", file.toFile());
    }

    private static String images(long n) {
        return n >= 1_000_000 ? n / 1_000_000 + "M" : n >= 1000 ? n / 1000 + "k" : String.valueOf(n);
    }

    private static String seconds(double s) {
        return s >= 3600 ? String.format(Locale.ROOT, "%.0f h", s / 3600) : s >= 60 ? String.format(Locale.ROOT, "%.0f min", s / 60)
                : String.format(Locale.ROOT, "%.0f s", s);
    }
}
