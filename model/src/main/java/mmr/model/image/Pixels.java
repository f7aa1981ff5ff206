package mmr.model.image;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;

/**
 * An image's pixels as {@link BufferedImage#getRGB(int, int, int, int, int[], int, int)} gives them —
 * non-premultiplied ARGB in sRGB, row by row — read straight from the raster's array for the types
 * decoders and encoders meet most (a JPEG decodes to 3-byte BGR, a PNG with alpha to 4-byte ABGR, an
 * SVG renders to int ARGB, a composited image is int RGB). {@code getRGB} converts pixel by pixel
 * through the colour model, several milliseconds for a 1000×750 photo; the values are the same. Other
 * types (grey, indexed, premultiplied, custom colour spaces) go through {@code getRGB}.
 */
public final class Pixels {
    private Pixels() {}

    public static int[] argb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        WritableRaster raster = image.getRaster();
        int x0 = -raster.getSampleModelTranslateX();
        int y0 = -raster.getSampleModelTranslateY();
        int type = image.getType();
        int[] out = new int[w * h];
        if ((type == BufferedImage.TYPE_INT_RGB || type == BufferedImage.TYPE_INT_ARGB)
                && raster.getSampleModel() instanceof SinglePixelPackedSampleModel sm
                && raster.getDataBuffer() instanceof DataBufferInt buffer && buffer.getNumBanks() == 1) {
            int[] data = buffer.getData();
            int opaque = type == BufferedImage.TYPE_INT_RGB ? 0xFF000000 : 0;
            int stride = sm.getScanlineStride();
            for (int y = 0; y < h; y++) {
                int from = buffer.getOffset() + (y + y0) * stride + x0;
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = data[from + x] | opaque;
                }
            }
            return out;
        }
        if ((type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_4BYTE_ABGR)
                && raster.getSampleModel() instanceof ComponentSampleModel sm
                && raster.getDataBuffer() instanceof DataBufferByte buffer && buffer.getNumBanks() == 1) {
            byte[] data = buffer.getData();
            int[] band = sm.getBandOffsets();   // R, G, B (, A)
            int step = sm.getPixelStride();
            int stride = sm.getScanlineStride();
            boolean alpha = type == BufferedImage.TYPE_4BYTE_ABGR;
            for (int y = 0; y < h; y++) {
                int at = buffer.getOffset() + (y + y0) * stride + x0 * step;
                for (int x = 0; x < w; x++, at += step) {
                    int a = alpha ? data[at + band[3]] & 0xFF : 0xFF;
                    out[y * w + x] = a << 24 | (data[at + band[0]] & 0xFF) << 16 | (data[at + band[1]] & 0xFF) << 8
                            | (data[at + band[2]] & 0xFF);
                }
            }
            return out;
        }
        return image.getRGB(0, 0, w, h, out, 0, w);
    }
}
