package mmr.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;

import org.junit.jupiter.api.Test;

/** A camera's JPEG stands upright as its EXIF orientation says, as a browser shows it. */
class ExifOrientationTest {
    private final ImageDecoder decoder = new ImageDecoder();

    /** 40×20 as stored: the left half red, the right half blue, a green bar along the top of the left half. */
    private static BufferedImage stored() {
        BufferedImage image = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 20, 20);
        g.setColor(Color.BLUE);
        g.fillRect(20, 0, 20, 20);
        g.setColor(Color.GREEN);
        g.fillRect(0, 0, 20, 4);
        g.dispose();
        return image;
    }

    @Test
    void eachOrientationTurnsTheStoredPixelsUpright() throws Exception {
        byte[] plain = TestImages.bytes(stored(), "jpg");
        assertThat(ExifOrientation.of(plain)).isEqualTo(1);
        BufferedImage asStored = decoder.decode(plain, "'plain.jpg'");
        assertThat(asStored.getWidth()).isEqualTo(40);

        // 6: turned a quarter clockwise to stand upright — the left half (red) becomes the top, its green edge the right side
        BufferedImage six = decoder.decode(withOrientation(plain, 6, true), "'six.jpg'");
        assertThat(six.getWidth()).isEqualTo(20);
        assertThat(six.getHeight()).isEqualTo(40);
        assertColour(six, 10, 30, Color.BLUE);
        assertColour(six, 8, 10, Color.RED);
        assertColour(six, 18, 10, Color.GREEN);
        // 8: a quarter counter-clockwise — red at the bottom, green on its left
        BufferedImage eight = decoder.decode(withOrientation(plain, 8, false), "'eight.jpg'");
        assertThat(eight.getHeight()).isEqualTo(40);
        assertColour(eight, 10, 5, Color.BLUE);
        assertColour(eight, 12, 30, Color.RED);
        assertColour(eight, 1, 30, Color.GREEN);
        // 3: upside down — blue on the left, green along the bottom of the right half
        BufferedImage three = decoder.decode(withOrientation(plain, 3, true), "'three.jpg'");
        assertThat(three.getWidth()).isEqualTo(40);
        assertColour(three, 10, 10, Color.BLUE);
        assertColour(three, 30, 8, Color.RED);
        assertColour(three, 30, 18, Color.GREEN);
        // 2: mirrored — blue on the left, green along the top of the right half
        BufferedImage two = decoder.decode(withOrientation(plain, 2, false), "'two.jpg'");
        assertColour(two, 10, 10, Color.BLUE);
        assertColour(two, 30, 1, Color.GREEN);
        // every quarter-turn orientation gives the same image as turning the stored one by hand
        for (int o = 5; o <= 8; o++) {
            BufferedImage turned = decoder.decode(withOrientation(plain, o, o % 2 == 0), "'o.jpg'");
            BufferedImage byHand = ExifOrientation.apply(asStored, o);
            assertThat(turned.getRGB(0, 0, turned.getWidth(), turned.getHeight(), null, 0, turned.getWidth()))
                    .as("orientation " + o).isEqualTo(byHand.getRGB(0, 0, byHand.getWidth(), byHand.getHeight(), null, 0,
                            byHand.getWidth()));
        }
    }

    @Test
    void aMalformedOrMissingExifReadsAsStored() {
        byte[] plain = TestImages.bytes(stored(), "jpg");
        byte[] truncated = withOrientation(plain, 6, true);
        truncated[4] = (byte) 0x7F;                                // APP1's length now runs past the end
        assertThat(ExifOrientation.of(truncated)).isEqualTo(1);
        byte[] outOfRange = withOrientation(plain, 6, false);
        outOfRange[2 + 2 + 2 + 6 + 8 + 2 + 8] = 9;                 // the orientation's value: 9 is not one
        assertThat(ExifOrientation.of(outOfRange)).isEqualTo(1);
        assertThat(ExifOrientation.of(TestImages.bytes(stored(), "png"))).isEqualTo(1);
        assertThat(ExifOrientation.of(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1, 0})).isEqualTo(1);
    }

    /** The JPEG with an APP1 Exif segment holding one IFD entry, the orientation, right after its SOI marker. */
    static byte[] withOrientation(byte[] jpeg, int orientation, boolean bigEndian) {
        ByteArrayOutputStream tiff = new ByteArrayOutputStream();
        tiff.writeBytes(bigEndian ? new byte[] {'M', 'M', 0, 42} : new byte[] {'I', 'I', 42, 0});
        tiff.writeBytes(u32(8, bigEndian));                                   // IFD0 right after the header
        tiff.writeBytes(u16(1, bigEndian));                                   // one entry
        tiff.writeBytes(u16(0x0112, bigEndian));
        tiff.writeBytes(u16(3, bigEndian));                                   // SHORT
        tiff.writeBytes(u32(1, bigEndian));                                   // count 1
        tiff.writeBytes(u16(orientation, bigEndian));
        tiff.writeBytes(new byte[] {0, 0});
        tiff.writeBytes(u32(0, bigEndian));                                   // no next IFD
        byte[] body = tiff.toByteArray();
        int length = 2 + 6 + body.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        out.writeBytes(body);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    private static byte[] u16(int v, boolean bigEndian) {
        return bigEndian ? new byte[] {(byte) (v >> 8), (byte) v} : new byte[] {(byte) v, (byte) (v >> 8)};
    }

    private static byte[] u32(long v, boolean bigEndian) {
        byte[] b = {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
        return bigEndian ? b : new byte[] {b[3], b[2], b[1], b[0]};
    }

    private static void assertColour(BufferedImage image, int x, int y, Color expected) {
        Color c = new Color(image.getRGB(x, y));
        assertThat(Math.abs(c.getRed() - expected.getRed()) + Math.abs(c.getGreen() - expected.getGreen())
                + Math.abs(c.getBlue() - expected.getBlue())).as("colour at " + x + "," + y + ": " + c).isLessThan(90);
    }
}
