package mmr.ingest.synthetic;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * Seeded stand-ins for camera photos, for speed work on the decode-bound path a photo catalog takes:
 * JPEGs of a photo's size and decode cost (a gradient, translucent shapes, per-pixel noise so that
 * they compress like a photo, about 1.3 MB at 4000×3000), with a manifest of two tags each. They are
 * not a catalog to evaluate search on.
 */
public final class SyntheticPhotos {
    private SyntheticPhotos() {}

    /** Writes {@code count} JPEGs into {@code folder} and their manifest; returns the manifest. */
    public static Path write(Path folder, int count, int width, int height, long seed) throws IOException {
        Files.createDirectories(folder);
        IntStream.range(0, count).parallel().forEach(k -> {
            try {
                ImageIO.write(draw(width, height, seed + k), "jpg", photo(folder, k).toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Path manifest = folder.resolve("manifest.jsonl");
        try (PrintWriter m = new PrintWriter(Files.newBufferedWriter(manifest, StandardCharsets.UTF_8))) {
            for (int k = 0; k < count; k++) {
                m.println("{\"id\": \"p" + k + "\", \"path\": \"" + photo(folder, k).getFileName() + "\", \"tags\": [\"t" + (k % 7)
                        + "\", \"s" + (k % 3) + "\"]}");
            }
        }
        return manifest;
    }

    /** The file of photo {@code k} in {@code folder}; the manifest names it relative to the folder, with id {@code p<k>}. */
    public static Path photo(Path folder, int k) {
        return folder.resolve("p" + k + ".jpg");
    }

    static BufferedImage draw(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        Graphics2D g = image.createGraphics();
        try {
            g.setPaint(new GradientPaint(0, 0, colour(random, 255), width, height, colour(random, 255)));
            g.fillRect(0, 0, width, height);
            for (int i = 0; i < 300; i++) {
                g.setColor(colour(random, 120));
                int s = 20 + random.nextInt(Math.max(1, width / 6));
                if (random.nextBoolean()) {
                    g.fillOval(random.nextInt(width), random.nextInt(height), s, s);
                } else {
                    g.fillRect(random.nextInt(width), random.nextInt(height), s, s / 2);
                }
            }
        } finally {
            g.dispose();
        }
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < pixels.length; i++) {
            int noise = random.nextInt(17) - 8;
            int c = pixels[i];
            pixels[i] = clamp(((c >> 16) & 0xFF) + noise) << 16 | clamp(((c >> 8) & 0xFF) + noise) << 8 | clamp((c & 0xFF) + noise);
        }
        return image;
    }

    private static Color colour(Random random, int alpha) {
        return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256), alpha);
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
