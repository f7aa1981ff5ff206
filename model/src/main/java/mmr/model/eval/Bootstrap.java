package mmr.model.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Mean of per-query values with a seeded 95 % percentile bootstrap interval (NaN values are left out). */
public final class Bootstrap {
    public static final int RESAMPLES = 1000;

    /** @param n values that were not NaN */
    public record Estimate(double mean, double low, double high, int n) {}

    private Bootstrap() {}

    public static Estimate of(double[] values, long seed) {
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).toArray();
        if (v.length == 0) {
            return new Estimate(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] means = new double[RESAMPLES];
        for (int b = 0; b < RESAMPLES; b++) {
            double s = 0;
            for (int i = 0; i < v.length; i++) {
                s += v[rng.nextInt(v.length)];
            }
            means[b] = s / v.length;
        }
        Arrays.sort(means);
        return new Estimate(mean, means[(int) Math.floor(0.025 * (RESAMPLES - 1))],
                means[(int) Math.ceil(0.975 * (RESAMPLES - 1))], v.length);
    }
}
