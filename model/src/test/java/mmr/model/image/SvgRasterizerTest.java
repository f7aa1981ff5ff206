package mmr.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** SVG as an input format: rendered like an icon should be, and every hostile document refused by name. */
class SvgRasterizerTest {
    private static final String HEART = "<path d=\"M12,21.35L10.55,20.03C5.4,15.36 2,12.27 2,8.5C2,5.41 4.42,3 7.5,3"
            + "C9.24,3 10.91,3.81 12,5.08C13.09,3.81 14.76,3 16.5,3C19.58,3 22,5.41 22,8.5C22,12.27 18.6,15.36 "
            + "13.45,20.03L12,21.35Z\"/>";
    private final ImageDecoder decoder = new ImageDecoder();

    @Test
    void rendersAnIconToTheBoundedSideWithItsShapeInPlace() throws Exception {
        BufferedImage image = decoder.decode(CraftedImages.svg(HEART), "'heart.svg'");
        assertThat(image.getWidth()).isEqualTo(SvgRasterizer.RENDER_SIDE);
        assertThat(image.getHeight()).isEqualTo(SvgRasterizer.RENDER_SIDE);
        int centre = SvgRasterizer.RENDER_SIDE / 2;
        assertThat(image.getRGB(centre, centre) >>> 24).as("inside the heart: opaque").isEqualTo(255);
        assertThat(image.getRGB(2, 2) >>> 24).as("a corner: transparent").isZero();
    }

    @Test
    void keepsTheAspectRatioAndBoundsTheRasterWhateverTheDocumentDeclares() throws Exception {
        byte[] wide = ("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4000000\" height=\"1000000\">"
                + "<rect width=\"100%\" height=\"100%\"/></svg>").getBytes(StandardCharsets.UTF_8);
        BufferedImage image = decoder.decode(wide, "'wide.svg'");
        assertThat(image.getWidth()).isEqualTo(SvgRasterizer.RENDER_SIDE);
        assertThat(image.getHeight()).isEqualTo(SvgRasterizer.RENDER_SIDE / 4);
    }

    @Test
    void recognisesSvgWithAnXmlDeclarationCommentsAndAByteOrderMark() {
        assertThat(SvgRasterizer.looksLikeSvg(CraftedImages.svg(HEART))).isTrue();
        assertThat(SvgRasterizer.looksLikeSvg(("\uFEFF <?xml version=\"1.0\"?><!-- icon -->\n<svg/>")
                .getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(SvgRasterizer.looksLikeSvg("<html><body/></html>".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(SvgRasterizer.looksLikeSvg("svg".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void billionLaughsIsRefusedFastWithoutExpandingAnEntity() {
        long t0 = System.nanoTime();
        ImageRejectedException e = rejected(CraftedImages.svgBillionLaughs());
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds to refuse").isLessThan(1);
        assertThat(e.reason()).isEqualTo(ImageRejectedException.Reason.UNSAFE);
        assertThat(e.getMessage()).isEqualTo("'q' declares entities in its DOCTYPE; entities are never expanded, so SVG "
                + "documents that declare any are refused — remove the <!DOCTYPE …> line");
    }

    @Test
    void aBareDoctypeAsIllustrationToolsWriteItIsSetAsideAndItsDtdNeverRead() throws Exception {
        String body = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\">" + HEART + "</svg>";
        String declaration = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- Generator: an illustration tool -->\n";
        BufferedImage plain = decoder.decode((declaration + body).getBytes(StandardCharsets.UTF_8), "'plain.svg'");
        for (String doctype : new String[] {
                "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">",
                "<!DOCTYPE svg SYSTEM 'file:///etc/passwd'>"}) {
            BufferedImage withDoctype = decoder.decode((declaration + doctype + "\n" + body).getBytes(StandardCharsets.UTF_8),
                    "'tool.svg'");
            assertThat(pixels(withDoctype)).as(doctype).isEqualTo(pixels(plain));
        }
        // an entity the external DTD would have to declare is still refused: nothing is read to expand it
        ImageRejectedException e = rejected(("<!DOCTYPE svg SYSTEM 'file:///etc/passwd'>\n<svg xmlns=\"http://www.w3.org/2000/svg\">"
                + "<text>&secret;</text></svg>").getBytes(StandardCharsets.UTF_8));
        assertThat(e.getMessage()).doesNotContain("root:");
        assertThat(e.reason()).isIn(ImageRejectedException.Reason.UNSAFE, ImageRejectedException.Reason.CORRUPT);
    }

    @Test
    void aSwitchDrawsTheFirstChildWhoseConditionsHold() throws Exception {
        BufferedImage heart = decoder.decode(CraftedImages.svg(HEART), "'heart.svg'");
        String full = "<rect width=\"24\" height=\"24\"/>";
        String[] switches = {
                // an illustration tool's editing data first, the drawing as the fallback
                "<switch><foreignObject requiredExtensions=\"http://ns.adobe.com/AdobeIllustrator/10.0/\" width=\"1\" height=\"1\"/>"
                        + "<g>" + HEART + "</g></switch>",
                // alternatives by language: the English one, and nothing after it
                "<switch><g systemLanguage=\"fr\">" + full + "</g><g systemLanguage=\"de, en-US\">" + HEART + "</g>" + full
                        + "</switch>"};
        for (String body : switches) {
            assertThat(pixels(decoder.decode(CraftedImages.svg(body), "'switch.svg'"))).as(body).isEqualTo(pixels(heart));
        }
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    @Test
    void anExternalEntityIsRefusedAndNothingIsRead() {
        ImageRejectedException e = rejected(CraftedImages.svgExternalEntity());
        assertThat(e.reason()).isEqualTo(ImageRejectedException.Reason.UNSAFE);
        assertThat(e.getMessage()).doesNotContain("root:");
    }

    @Test
    void scriptsAreRefused() {
        ImageRejectedException e = rejected(CraftedImages.svg("<script>while(true){}</script>" + HEART));
        assertThat(e.reason()).isEqualTo(ImageRejectedException.Reason.UNSAFE);
        assertThat(e.getMessage()).isEqualTo("'q' contains a <script> element; SVG scripts are never run, so such "
                + "documents are refused");
    }

    @Test
    void referencesOutsideTheDocumentAreRefusedWhateverTheirForm() {
        String[] bodies = {
                "<image xlink:href=\"http://169.254.169.254/latest\" width=\"24\" height=\"24\"/>",
                "<image href=\"file:///etc/passwd\" width=\"24\" height=\"24\"/>",
                "<image href=\"data:image/png;base64,iVBORw0KGgo=\" width=\"24\" height=\"24\"/>",
                "<use href=\"other.svg#icon\"/>",
                "<rect width=\"24\" height=\"24\" style=\"fill: url('http://example.org/p.svg#g')\"/>",
                "<rect width=\"24\" height=\"24\" fill=\"url(https://example.org/x#g)\"/>",
        };
        for (String body : bodies) {
            ImageRejectedException e = rejected(CraftedImages.svg(body));
            assertThat(e.reason()).as(body).isEqualTo(ImageRejectedException.Reason.UNSAFE);
            assertThat(e.getMessage()).as(body).contains("outside the document; only references to its own elements (#id)");
        }
        ImageRejectedException css = rejected(CraftedImages.svg("<style>@import 'http://example.org/a.css';</style>"));
        assertThat(css.getMessage()).isEqualTo("'q' imports a style sheet (@import); nothing outside the document is fetched");
    }

    @Test
    void referencesInsideTheDocumentAreFollowed() throws Exception {
        byte[] svg = CraftedImages.svg("<defs><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"red\"/>"
                + "</linearGradient><path id=\"h\" " + HEART.substring("<path ".length()) + "</defs>"
                + "<use href=\"#h\" fill=\"url(#g)\"/>");
        BufferedImage image = decoder.decode(svg, "'q'");
        int centre = SvgRasterizer.RENDER_SIDE / 2;
        assertThat(image.getRGB(centre, centre) & 0xFFFFFF).as("red from the gradient").isEqualTo(0xFF0000);
    }

    @Test
    void sizeElementCountAndRenderTimeAreBounded() {
        byte[] big = CraftedImages.svg("<!--" + "x".repeat(SvgRasterizer.MAX_BYTES) + "-->");
        ImageRejectedException tooBig = rejected(big);
        assertThat(tooBig.reason()).isEqualTo(ImageRejectedException.Reason.TOO_LARGE);
        assertThat(tooBig.getMessage()).isEqualTo("'q' is an SVG document of " + big.length
                + " bytes; at most 1048576 bytes are accepted");

        ImageRejectedException many = rejected(CraftedImages.svg("<g/>".repeat(SvgRasterizer.MAX_ELEMENTS + 1)));
        assertThat(many.reason()).isEqualTo(ImageRejectedException.Reason.TOO_COSTLY);
        assertThat(many.getMessage()).isEqualTo("'q' has more than 10000 elements; at most 10000 are rendered");

        long t0 = System.nanoTime();
        ImageRejectedException slow = rejected(CraftedImages.svgBlurredRectangles(9_000));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(slow.reason()).isEqualTo(ImageRejectedException.Reason.TOO_COSTLY);
        assertThat(slow.getMessage()).isEqualTo("'q' took longer than 2000 ms to render and was abandoned; at most "
                + "2000 ms are spent on one SVG");
        assertThat(seconds).as("seconds until the caller is answered").isLessThan(4);
    }

    @Test
    void malformedAndNonSvgXmlAreNamed() {
        ImageRejectedException broken = rejected("<svg xmlns=\"http://www.w3.org/2000/svg\"><path d=\"M0 0\">"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(broken.reason()).isEqualTo(ImageRejectedException.Reason.CORRUPT);
        assertThat(broken.getMessage()).startsWith("'q' is not well-formed SVG (XML): ");
        ImageRejectedException html = rejected("<html><svg/></html>".getBytes(StandardCharsets.UTF_8));
        assertThat(html.getMessage()).isEqualTo("'q' is XML whose root element is <html>, not <svg>; accepted: "
                + ImageDecoder.ACCEPTED_FORMATS);
    }

    private ImageRejectedException rejected(byte[] bytes) {
        Throwable t = catchThrowable(() -> decoder.decode(bytes, "'q'"));
        assertThat(t).isInstanceOf(ImageRejectedException.class);
        return (ImageRejectedException) t;
    }
}
