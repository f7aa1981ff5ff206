package mmr.model.image;

import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.ImageObserver;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.github.weisj.jsvg.renderer.output.Output;
import com.github.weisj.jsvg.renderer.output.TextOutput;

/**
 * JSVG's drawing surface with a deadline: every shape and image drawn first checks the clock, so a
 * costly document stops within one element of its budget instead of running on after the caller has
 * been told it was abandoned (Java2D cannot be interrupted from outside).
 */
final class DeadlineOutput implements Output {
    /** Thrown through JSVG's renderer when the deadline has passed. */
    static final class Expired extends RuntimeException {
        Expired() {
            super("render deadline passed", null, false, false);
        }
    }

    private final Output out;
    private final long deadlineNanos;

    DeadlineOutput(Output out, long deadlineNanos) {
        this.out = out;
        this.deadlineNanos = deadlineNanos;
    }

    private void check() {
        if (System.nanoTime() > deadlineNanos || Thread.currentThread().isInterrupted()) {
            throw new Expired();
        }
    }

    @Override public void fillShape(Shape shape) { check(); out.fillShape(shape); }
    @Override public void drawShape(Shape shape) { check(); out.drawShape(shape); }
    @Override public void drawImage(BufferedImage image) { check(); out.drawImage(image); }
    @Override public void drawImage(Image image, ImageObserver observer) { check(); out.drawImage(image, observer); }
    @Override public void drawImage(Image image, AffineTransform at, ImageObserver observer) {
        check();
        out.drawImage(image, at, observer);
    }
    @Override public void setPaint(Paint paint) { out.setPaint(paint); }
    @Override public void setPaint(Supplier<Paint> paint) { out.setPaint(paint); }
    @Override public void setStroke(Stroke stroke) { out.setStroke(stroke); }
    @Override public Stroke stroke() { return out.stroke(); }
    @Override public void applyClip(Shape clip) { out.applyClip(clip); }
    @Override public void setClip(Shape clip) { out.setClip(clip); }
    @Override public Optional<Float> contextFontSize() { return out.contextFontSize(); }
    @Override public Output createChild() { check(); return new DeadlineOutput(out.createChild(), deadlineNanos); }
    @Override public void dispose() { out.dispose(); }
    @Override public void debugPaint(Consumer<Graphics2D> painter) { out.debugPaint(painter); }
    @Override public Rectangle2D clipBounds() { return out.clipBounds(); }
    @Override public RenderingHints renderingHints() { return out.renderingHints(); }
    @Override public Object renderingHint(RenderingHints.Key key) { return out.renderingHint(key); }
    @Override public void setRenderingHint(RenderingHints.Key key, Object value) { out.setRenderingHint(key, value); }
    @Override public AffineTransform transform() { return out.transform(); }
    @Override public void setTransform(AffineTransform at) { out.setTransform(at); }
    @Override public void applyTransform(AffineTransform at) { out.applyTransform(at); }
    @Override public void rotate(double angle) { out.rotate(angle); }
    @Override public void scale(double sx, double sy) { out.scale(sx, sy); }
    @Override public void translate(double dx, double dy) { out.translate(dx, dy); }
    @Override public float currentOpacity() { return out.currentOpacity(); }
    @Override public void applyOpacity(float opacity) { out.applyOpacity(opacity); }
    @Override public SafeState safeState() { return out.safeState(); }
    @Override public TextOutput textOutput() { return out.textOutput(); }
    @Override public boolean supportsFilters() { return out.supportsFilters(); }
    @Override public boolean supportsColors() { return out.supportsColors(); }
    @Override public boolean isSoftClippingEnabled() { return out.isSoftClippingEnabled(); }
    @Override public boolean hasMaskedPaint() { return out.hasMaskedPaint(); }
}
