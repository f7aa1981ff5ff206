package mmr.cli;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

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
        q.put("jpeg 6000x6000, one scan repeated 1000x", Map.of("bytes", progressiveJpegRepeatingAScan(6000, 1000)));
        q.put("png 70 B declaring 6324x6324 16-bit RGBA", Map.of("bytes", pngBomb(6324, 6324, 16)));
        q.put("33 MB of bytes", Map.of("bytes", new byte[33 * 1024 * 1024]));
        q.put("a 1 MB tag", Map.of("tags", List.of("x".repeat(1_000_000))));
        q.put("1001 tags", Map.of("tags", Collections.nCopies(1001, "cat")));
        q.put("blank png", Map.of("bytes", png(new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB))));
        q.put("not an image", Map.of("bytes", "hello".getBytes(StandardCharsets.US_ASCII)));
        return q;
    }

    /** A progressive JPEG of one flat grey, its last scan repeated {@code repeats} more times. */
    static byte[] progressiveJpegRepeatingAScan(int side, int repeats) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.GRAY);
        g.fillRect(0, 0, side, side);
        g.dispose();
        byte[] jpeg;
        try (ByteArrayOutputStream out = new ByteArrayOutputStream();
             ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, null), param);
            writer.dispose();
            ios.flush();
            jpeg = out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int lastScan = -1;
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
                lastScan = i;
            }
        }
        int end = jpeg.length - 2;
        byte[] scan = Arrays.copyOfRange(jpeg, lastScan, end);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, end);
        for (int r = 0; r < repeats; r++) {
            out.writeBytes(scan);
        }
        out.write(jpeg, end, 2);
        return out.toByteArray();
    }

    /** A PNG signature, an IHDR of {@code width}×{@code height} RGBA at {@code bitDepth}, and an empty IDAT. */
    static byte[] pngBomb(int width, int height, int bitDepth) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth).put((byte) 6)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(out, "IDAT", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] png(BufferedImage image) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> names() {
        return new ArrayList<>(queries().keySet());
    }
}
