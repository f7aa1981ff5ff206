package mmr.model.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Generators of the hostile images the decoder's budget is built against (issue 10), so that no
 * crafted binary lives in git: the tests assert the decoder refuses them cheaply, and
 * {@code mmr bench search --soak --faults} sends them to a running server.
 */
public final class CraftedImages {
    private CraftedImages() {}

    /** A PNG signature and an IHDR declaring {@code width}×{@code height} RGBA pixels of {@code bitDepth} bits, no pixel data. */
    public static byte[] pngHeader(int width, int height, int bitDepth) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth).put((byte) 6)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        return out.toByteArray();
    }

    /** The heap bomb: {@link #pngHeader} and one empty IDAT chunk — under 70 bytes. */
    public static byte[] pngBomb(int width, int height, int bitDepth) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(pngHeader(width, height, bitDepth));
        chunk(out, "IDAT", new byte[0]);
        return out.toByteArray();
    }

    /**
     * The CPU bomb: {@code image} as a progressive JPEG whose last scan is repeated {@code repeats} more
     * times before its end marker (each copy is another pass of the decoder over every pixel).
     */
    public static byte[] progressiveJpegRepeatingAScan(BufferedImage image, int repeats) {
        byte[] jpeg;
        try (ByteArrayOutputStream out = new ByteArrayOutputStream();
             ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            rgb.getGraphics().drawImage(image, 0, 0, null);
            writer.setOutput(ios);
            writer.write(null, new IIOImage(rgb, null, null), param);
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
        byte[] scan = Arrays.copyOfRange(jpeg, lastScan, end);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, end);
        for (int r = 0; r < repeats; r++) {
            out.writeBytes(scan);
        }
        out.write(jpeg, end, 2);
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

    /** A WebP file whose lossless (VP8L) bitstream declares a size and holds nothing else: a header bomb. */
    public static byte[] webpHeader(int width, int height) {
        int bits = (width - 1) | (height - 1) << 14;
        byte[] payload = new byte[21];
        payload[0] = 0x2f;
        for (int i = 0; i < 4; i++) {
            payload[1 + i] = (byte) (bits >>> (8 * i));
        }
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + 8 + payload.length).put("WEBP".getBytes(StandardCharsets.US_ASCII));
        b.put("VP8L".getBytes(StandardCharsets.US_ASCII)).putInt(payload.length).put(payload);
        return b.array();
    }

    /** An SVG document of {@code body} inside a 24x24 {@code <svg>} root. */
    public static byte[] svg(String body) {
        return ("<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
                + "viewBox=\"0 0 24 24\">" + body + "</svg>").getBytes(StandardCharsets.UTF_8);
    }

    /** Billion laughs: ten levels of entities, each ten of the one below (10^9 "lol"s once expanded). */
    public static byte[] svgBillionLaughs() {
        StringBuilder dtd = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n<!ENTITY lol0 \"lol\">\n");
        for (int level = 1; level <= 9; level++) {
            dtd.append("<!ENTITY lol").append(level).append(" \"");
            dtd.append(("&lol" + (level - 1) + ";").repeat(10)).append("\">\n");
        }
        dtd.append("]>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&lol9;</text></svg>");
        return dtd.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** XXE: an external entity naming a local file. */
    public static byte[] svgExternalEntity() {
        return ("<?xml version=\"1.0\"?>\n<!DOCTYPE svg [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>\n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&secret;</text></svg>").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code count} full-canvas rectangles, each blurred: costly to render, not to parse. */
    public static byte[] svgBlurredRectangles(int count) {
        StringBuilder body = new StringBuilder("<defs><filter id=\"b\"><feGaussianBlur stdDeviation=\"9\"/></filter></defs>");
        for (int i = 0; i < count; i++) {
            body.append("<rect width=\"24\" height=\"24\" opacity=\"0.01\" filter=\"url(#b)\"/>");
        }
        return svg(body.toString());
    }
}
