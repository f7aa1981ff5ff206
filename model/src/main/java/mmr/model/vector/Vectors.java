package mmr.model.vector;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Dense float-vector arithmetic shared by encoders, tag initialisation and ranking. */
public final class Vectors {
    private Vectors() {}

    public static double dot(float[] a, float[] b) {
        requireSameLength(a, b);
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    public static double norm(float[] a) {
        return Math.sqrt(dot(a, a));
    }

    /** Cosine similarity; 0 when either vector is all zeros (no direction to compare). */
    public static double cosine(float[] a, float[] b) {
        double na = norm(a);
        double nb = norm(b);
        if (na == 0 || nb == 0) {
            return 0;
        }
        return dot(a, b) / (na * nb);
    }

    /** A unit-length copy of {@code v} (a zero vector stays zero). */
    public static float[] normalised(float[] v) {
        return normaliseInPlace(v.clone());
    }

    /** Scales {@code v} in place to unit length; an all-zero vector stays zero. */
    public static float[] normaliseInPlace(float[] v) {
        double n = norm(v);
        if (n > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / n);
            }
        }
        return v;
    }

    /** Element-wise mean of equally long vectors. */
    public static float[] mean(List<float[]> vectors) {
        if (vectors.isEmpty()) {
            throw new IllegalArgumentException("mean of no vectors is undefined");
        }
        int dim = vectors.get(0).length;
        double[] acc = new double[dim];
        for (float[] v : vectors) {
            if (v.length != dim) {
                throw new IllegalArgumentException(
                        "vectors of different dimensions: " + dim + " and " + v.length);
            }
            for (int i = 0; i < dim; i++) {
                acc[i] += v[i];
            }
        }
        float[] out = new float[dim];
        for (int i = 0; i < dim; i++) {
            out[i] = (float) (acc[i] / vectors.size());
        }
        return out;
    }

    /** Index of the first NaN or infinite component, or -1 when all are finite. */
    public static int firstNonFinite(float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }

    private static void requireSameLength(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "vectors of different dimensions: " + a.length + " and " + b.length);
        }
    }

    /** {@code v} as float32 bytes, little-endian (see {@link #fromBytes}). */
    public static byte[] toBytes(float[] v) {
        ByteBuffer out = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(v);
        return out.array();
    }

    /** The floats {@link #toBytes} wrote; a length that is not a multiple of 4 is an error. */
    public static float[] fromBytes(byte[] bytes) {
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("float32 bytes must come in fours, got " + bytes.length);
        }
        float[] out = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** A stored or transported vector (float[], double[] or a list of numbers) as float[]; null stays null. */
    public static float[] toFloats(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof float[] f) {
            return f;
        }
        if (value instanceof double[] d) {
            float[] out = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                out[i] = (float) d[i];
            }
            return out;
        }
        if (value instanceof List<?> list) {
            float[] out = new float[list.size()];
            for (int i = 0; i < out.length; i++) {
                Object x = list.get(i);
                if (!(x instanceof Number n)) {
                    throw new IllegalArgumentException("vector element " + i + " is not a number: " + x);
                }
                out[i] = n.floatValue();
            }
            return out;
        }
        throw new IllegalArgumentException("not a vector: " + value.getClass().getSimpleName());
    }
}
