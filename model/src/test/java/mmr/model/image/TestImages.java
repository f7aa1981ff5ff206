package mmr.model.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

/** Small synthetic images drawn with Java2D for encoder and decoder tests. */
public final class TestImages {
    private TestImages() {}

    /** A filled circle of {@code colour} on a transparent (or white, if opaque) square canvas. */
    public static BufferedImage circle(int size, Color colour, int dx, boolean transparent) {
        BufferedImage img = new BufferedImage(size, size,
                transparent ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        if (!transparent) {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, size, size);
        }
        g.setColor(colour);
        int r = size * 3 / 8;
        g.fillOval(size / 2 - r + dx, size / 2 - r, 2 * r, 2 * r);
        g.dispose();
        return img;
    }

    /** A filled square of {@code colour} on a transparent canvas. */
    public static BufferedImage square(int size, Color colour) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setColor(colour);
        g.fillRect(size / 8, size / 8, size * 3 / 4, size * 3 / 4);
        g.dispose();
        return img;
    }

    /** A PNG signature and IHDR declaring {@code width}×{@code height} pixels, with no pixel data behind it. */
    public static byte[] pngHeaderOnly(int width, int height) {
        return pngHeaderOnly(width, height, 8);
    }

    /**
     * The heap bomb of issue 10: a PNG signature, an IHDR declaring {@code width}×{@code height} RGBA
     * pixels of {@code bitDepth} bits per channel, and one empty IDAT chunk — under 70 bytes.
     */
    public static byte[] pngBomb(int width, int height, int bitDepth) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(pngHeaderOnly(width, height, bitDepth));
        byte[] idat = "IDAT".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(0).array());
        out.writeBytes(idat);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(idat);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }

    /**
     * The CPU bomb of issue 10: a small progressive JPEG whose last scan is repeated {@code repeats}
     * more times before its end marker (each copy is another pass of the decoder over every pixel).
     */
    public static byte[] progressiveJpegRepeatingAScan(BufferedImage image, int repeats) {
        byte[] jpeg;
        try (ByteArrayOutputStream out = new ByteArrayOutputStream();
             javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
            writer.setOutput(ios);
            BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            rgb.getGraphics().drawImage(image, 0, 0, null);
            writer.write(null, new javax.imageio.IIOImage(rgb, null, null), param);
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
        int end = jpeg.length - 2;                       // the EOI marker
        byte[] scan = java.util.Arrays.copyOfRange(jpeg, lastScan, end);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, end);
        for (int r = 0; r < repeats; r++) {
            out.writeBytes(scan);
        }
        out.write(jpeg, end, 2);
        return out.toByteArray();
    }

    /** A PNG signature and IHDR declaring RGBA pixels of {@code bitDepth} bits per channel. */
    public static byte[] pngHeaderOnly(int width, int height, int bitDepth) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) bitDepth).put((byte) 6).put((byte) 0).put((byte) 0).put((byte) 0);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(13).array());
        out.writeBytes(ihdr.array());
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(ihdr.array());
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }

    public static byte[] bytes(BufferedImage image, String format) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
