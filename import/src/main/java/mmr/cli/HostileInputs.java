package mmr.cli;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import mmr.model.image.CraftedImages;

/**
 * The hostile queries of issue 10, generated (no binaries in git), for {@code mmr bench search --soak
 * --faults}: decoder bombs, oversized and degenerate values. Each is a query map for mmr.search that
 * must fail with a clear error, fast, without disturbing other clients.
 */
final class HostileInputs {
    private HostileInputs() {}

    /** Name → query map. */
    static Map<String, Map<String, Object>> queries() {
        Map<String, Map<String, Object>> q = new LinkedHashMap<>();
        q.put("jpeg 6000x6000, one scan repeated 1000x", Map.of("bytes",
                CraftedImages.progressiveJpegRepeatingAScan(flatGrey(6000), 1000)));
        q.put("png 70 B declaring 6324x6324 16-bit RGBA", Map.of("bytes", CraftedImages.pngBomb(6324, 6324, 16)));
        q.put("webp 41 B declaring 16384x16384", Map.of("bytes", CraftedImages.webpHeader(16384, 16384)));
        q.put("33 MB of bytes", Map.of("bytes", new byte[33 * 1024 * 1024]));
        q.put("a 1 MB tag", Map.of("tags", List.of("x".repeat(1_000_000))));
        q.put("1001 tags", Map.of("tags", Collections.nCopies(1001, "cat")));
        q.put("blank png", Map.of("bytes", png(new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB))));
        q.put("not an image", Map.of("bytes", "hello".getBytes(StandardCharsets.US_ASCII)));
        q.put("svg billion laughs", Map.of("bytes", CraftedImages.svgBillionLaughs()));
        q.put("svg external entity (XXE)", Map.of("bytes", CraftedImages.svgExternalEntity()));
        q.put("svg fetching a web address", Map.of("bytes", CraftedImages.svg(
                "<image href=\"http://169.254.169.254/latest/meta-data\" width=\"24\" height=\"24\"/>")));
        q.put("svg 9000 blurred layers", Map.of("bytes", CraftedImages.svgBlurredRectangles(9_000)));
        return q;
    }

    private static BufferedImage flatGrey(int side) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.GRAY);
        g.fillRect(0, 0, side, side);
        g.dispose();
        return image;
    }

    private static byte[] png(BufferedImage image) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
