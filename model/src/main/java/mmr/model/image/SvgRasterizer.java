package mmr.model.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLEventFactory;
import javax.xml.stream.XMLEventReader;
import javax.xml.stream.XMLEventWriter;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.events.Attribute;
import javax.xml.stream.events.EndElement;
import javax.xml.stream.events.StartElement;
import javax.xml.stream.events.XMLEvent;

import com.github.weisj.jsvg.SVGDocument;
import com.github.weisj.jsvg.parser.DocumentLimits;
import com.github.weisj.jsvg.parser.LoaderContext;
import com.github.weisj.jsvg.parser.SVGLoader;
import com.github.weisj.jsvg.parser.resources.ResourcePolicy;
import com.github.weisj.jsvg.renderer.NullPlatformSupport;
import com.github.weisj.jsvg.renderer.output.Output;
import com.github.weisj.jsvg.view.FloatSize;
import com.github.weisj.jsvg.view.ViewBox;

import mmr.model.text.Bounded;

/**
 * Renders an SVG document to a raster that the encoders read like any decoded image, refusing what an
 * image upload must never make the server do. Before JSVG sees the document, a streaming pass checks:
 * <ul>
 *   <li><b>size</b>: at most {@value #MAX_BYTES} bytes and {@value #MAX_ELEMENTS} elements;</li>
 *   <li><b>no entities</b>: a DOCTYPE that declares anything (an internal subset: XXE, billion laughs) is refused; a
 *       bare one, as illustration tools write ({@code <!DOCTYPE svg PUBLIC … "…svg11.dtd">}), is blanked out
 *       before rendering and its DTD never read, so no entity is ever expanded;</li>
 *   <li><b>no scripts</b>: a {@code <script>} element is refused (JSVG would ignore it; refusing says so);</li>
 *   <li><b>nothing outside the document</b>: an {@code href} or a CSS {@code url(…)} that does not point at an
 *       element of the same document ({@code #id}) — another file, a web address, a {@code data:} image that
 *       would bypass the raster decoder's bounds — is refused, and JSVG's resource policy denies all anyway.</li>
 * </ul>
 * A {@code <switch>}, which JSVG does not draw, becomes a group of the one child SVG would draw.
 * The output raster is at most {@value #RENDER_SIDE} pixels on its longer side whatever the document
 * declares, and a render stops within one element of its deadline ({@link DeadlineOutput}) with a named error.
 */
public final class SvgRasterizer {
    public static final int MAX_BYTES = 1 << 20;
    public static final int MAX_ELEMENTS = 10_000;
    /** Longer side of the rendered raster; encoders read far smaller images. */
    public static final int RENDER_SIDE = 256;
    public static final long MAX_RENDER_MILLIS = 2_000;
    /** Nesting depth and {@code <use>} depth JSVG follows, and the paths it builds. */
    private static final DocumentLimits LIMITS = new DocumentLimits(32, 8, MAX_ELEMENTS);
    private static final Pattern URL = Pattern.compile("url\\(\\s*['\"]?\\s*([^'\")\\s]*)", Pattern.CASE_INSENSITIVE);

    private SvgRasterizer() {}

    /** True when the bytes are XML text whose first kilobytes open an {@code <svg>} element. */
    public static boolean looksLikeSvg(byte[] b) {
        int i = 0;
        if (b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
            i = 3;
        }
        while (i < b.length && Character.isWhitespace(b[i])) {
            i++;
        }
        if (i >= b.length || b[i] != '<') {
            return false;
        }
        String head = new String(b, i, Math.min(b.length - i, 4096), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        return head.contains("<svg");
    }

    /** Renders {@code bytes}; {@code label} names the source in messages. */
    public static BufferedImage render(byte[] bytes, String label, long budgetMillis) throws ImageRejectedException {
        if (bytes.length > MAX_BYTES) {
            throw new ImageRejectedException(ImageRejectedException.Reason.TOO_LARGE, label + " is an SVG document of "
                    + bytes.length + " bytes; at most " + MAX_BYTES + " bytes are accepted");
        }
        Checked checked = check(bytes, label);
        if (checked.doctype()) {
            bytes = withoutDoctype(bytes, label);
        }
        if (checked.switches()) {
            bytes = withSwitchesChosen(bytes, label);
        }
        long millis = Math.min(budgetMillis, MAX_RENDER_MILLIS);
        try {
            return draw(bytes, label, System.nanoTime() + millis * 1_000_000L);
        } catch (DeadlineOutput.Expired e) {
            throw new ImageRejectedException(ImageRejectedException.Reason.TOO_COSTLY, label + " took longer than "
                    + millis + " ms to render and was abandoned; at most " + millis + " ms are spent on one SVG");
        } catch (RuntimeException e) {
            throw new ImageRejectedException(ImageRejectedException.Reason.CORRUPT,
                    label + " is an SVG document JSVG cannot render: " + Bounded.cut(String.valueOf(e)), e);
        }
    }

    /** A StAX factory that reads no DTD, expands no entity and resolves nothing outside the document. */
    private static XMLInputFactory readerFactory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setXMLResolver((publicId, systemId, base, namespace) -> {
            throw new XMLStreamException("'" + Bounded.cut(String.valueOf(systemId)) + "' is outside the document and never read");
        });
        return factory;
    }

    /** What the streaming pass found that rendering must handle: a bare DOCTYPE, {@code <switch>} elements. */
    record Checked(boolean doctype, boolean switches) {}

    /**
     * The streaming pass: well-formed, bounded, self-contained, no entity declared, no script. Reports
     * whether the document has a bare DOCTYPE (one that declares nothing), which rendering then blanks
     * out, and whether it has a {@code <switch>}, which JSVG does not render.
     */
    static Checked check(byte[] bytes, String label) throws ImageRejectedException {
        XMLInputFactory factory = readerFactory();
        boolean doctype = false;
        boolean switches = false;
        int elements = 0;
        boolean inStyle = false;
        try {
            XMLStreamReader xml = factory.createXMLStreamReader(new ByteArrayInputStream(bytes));
            try {
                while (xml.hasNext()) {
                    int event = xml.next();
                    switch (event) {
                        case XMLStreamConstants.DTD -> {
                            if (xml.getText() == null || xml.getText().indexOf('[') >= 0) {
                                throw unsafe(label, "declares entities in its DOCTYPE; entities are never expanded, so SVG "
                                        + "documents that declare any are refused — remove the <!DOCTYPE …> line");
                            }
                            doctype = true;
                        }
                        case XMLStreamConstants.ENTITY_REFERENCE -> throw unsafe(label, "uses the entity &"
                                + Bounded.cut(xml.getLocalName()) + "; entities are never expanded");
                        case XMLStreamConstants.START_ELEMENT -> {
                            String name = xml.getLocalName();
                            if (elements++ == 0 && !"svg".equals(name)) {
                                throw new ImageRejectedException(ImageRejectedException.Reason.UNSUPPORTED_FORMAT, label
                                        + " is XML whose root element is <" + Bounded.cut(name) + ">, not <svg>; accepted: "
                                        + ImageDecoder.ACCEPTED_FORMATS);
                            }
                            if (elements > MAX_ELEMENTS) {
                                throw new ImageRejectedException(ImageRejectedException.Reason.TOO_COSTLY, label
                                        + " has more than " + MAX_ELEMENTS + " elements; at most " + MAX_ELEMENTS
                                        + " are rendered");
                            }
                            if ("script".equals(name)) {
                                throw unsafe(label, "contains a <script> element; SVG scripts are never run, "
                                        + "so such documents are refused");
                            }
                            inStyle = "style".equals(name);
                            switches |= "switch".equals(name);
                            for (int a = 0; a < xml.getAttributeCount(); a++) {
                                String attr = xml.getAttributeLocalName(a);
                                String value = xml.getAttributeValue(a);
                                if ("href".equals(attr) && !value.strip().startsWith("#")) {
                                    throw external(label, value);
                                }
                                checkUrls(label, value);
                            }
                        }
                        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                            if (inStyle) {
                                String css = xml.getText();
                                if (css.toLowerCase(Locale.ROOT).contains("@import")) {
                                    throw unsafe(label, "imports a style sheet (@import); nothing outside the document "
                                            + "is fetched");
                                }
                                checkUrls(label, css);
                            }
                        }
                        case XMLStreamConstants.END_ELEMENT -> inStyle = false;
                        default -> { }
                    }
                }
            } finally {
                xml.close();
            }
        } catch (XMLStreamException e) {
            throw new ImageRejectedException(ImageRejectedException.Reason.CORRUPT, label
                    + " is not well-formed SVG (XML): " + Bounded.cut(e.getMessage()), e);
        }
        if (elements == 0) {
            throw new ImageRejectedException(ImageRejectedException.Reason.CORRUPT, label + " has no <svg> element");
        }
        return new Checked(doctype, switches);
    }

    /**
     * The document with each {@code <switch>} replaced by a group of the one child SVG renders: the first
     * whose conditions hold — no {@code requiredExtensions} (mmr supports none, so an editor's private data
     * in a {@code <foreignObject>} is passed over), and a {@code systemLanguage}, if any, that lists English.
     * JSVG does not know {@code <switch>} and would draw nothing of it.
     */
    static byte[] withSwitchesChosen(byte[] bytes, String label) throws ImageRejectedException {
        XMLInputFactory in = readerFactory();
        XMLEventFactory events = XMLEventFactory.newFactory();
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        try {
            XMLEventReader reader = in.createXMLEventReader(new ByteArrayInputStream(bytes));
            XMLEventWriter writer = XMLOutputFactory.newFactory().createXMLEventWriter(out, "UTF-8");
            Deque<OpenElement> open = new ArrayDeque<>();
            int skipping = 0;
            while (reader.hasNext()) {
                XMLEvent e = reader.nextEvent();
                if (skipping > 0) {
                    skipping += e.isStartElement() ? 1 : e.isEndElement() ? -1 : 0;
                    continue;
                }
                if (e.getEventType() == XMLStreamConstants.DTD) {
                    continue;
                }
                if (e.isStartElement()) {
                    StartElement start = e.asStartElement();
                    OpenElement parent = open.peek();
                    if (parent != null && parent.isSwitch) {
                        if (parent.childChosen || !conditionsHold(start)) {
                            skipping = 1;
                            continue;
                        }
                        parent.childChosen = true;
                    }
                    boolean isSwitch = "switch".equals(start.getName().getLocalPart());
                    open.push(new OpenElement(isSwitch));
                    if (isSwitch) {
                        e = events.createStartElement(start.getName().getPrefix(), start.getName().getNamespaceURI(), "g",
                                start.getAttributes(), start.getNamespaces());
                    }
                } else if (e.isEndElement() && open.pop().isSwitch) {
                    EndElement end = e.asEndElement();
                    e = events.createEndElement(end.getName().getPrefix(), end.getName().getNamespaceURI(), "g");
                }
                writer.add(e);
            }
            writer.close();
        } catch (XMLStreamException e) {
            throw new ImageRejectedException(ImageRejectedException.Reason.CORRUPT, label
                    + " is not well-formed SVG (XML): " + Bounded.cut(e.getMessage()), e);
        }
        return out.toByteArray();
    }

    /** An element open in {@link #withSwitchesChosen}'s pass; a switch remembers whether it has drawn a child. */
    private static final class OpenElement {
        final boolean isSwitch;
        boolean childChosen;

        OpenElement(boolean isSwitch) {
            this.isSwitch = isSwitch;
        }
    }

    private static boolean conditionsHold(StartElement child) {
        for (Iterator<Attribute> it = child.getAttributes(); it.hasNext(); ) {
            Attribute a = it.next();
            String name = a.getName().getLocalPart();
            String value = a.getValue().strip();
            if ("requiredExtensions".equals(name) && !value.isEmpty()) {
                return false;
            }
            if ("systemLanguage".equals(name) && Arrays.stream(value.split(","))
                    .map(l -> l.strip().toLowerCase(Locale.ROOT)).noneMatch(l -> l.equals("en") || l.startsWith("en-"))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The document with its bare DOCTYPE replaced by spaces (same length), so the renderer never sees a DTD to
     * read. The declaration is found in the bytes as ASCII (quotes respected); a document where it cannot be —
     * another encoding than an ASCII-compatible one — is refused.
     */
    static byte[] withoutDoctype(byte[] bytes, String label) throws ImageRejectedException {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int from = text.indexOf("<!DOCTYPE");
        int end = -1;
        char quote = 0;
        for (int i = from < 0 ? text.length() : from + 9; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '[') {
                break;
            } else if (c == '>') {
                end = i + 1;
                break;
            }
        }
        if (end < 0) {
            throw unsafe(label, "declares a DOCTYPE that cannot be set aside (an encoding other than UTF-8 or ASCII?); "
                    + "no DTD is read, so such documents are refused — remove the <!DOCTYPE …> line");
        }
        byte[] out = bytes.clone();
        Arrays.fill(out, from, end, (byte) ' ');
        return out;
    }

    private static void checkUrls(String label, String text) throws ImageRejectedException {
        if (!text.contains("url(") && !text.contains("URL(")) {
            return;
        }
        Matcher m = URL.matcher(text);
        while (m.find()) {
            if (!m.group(1).startsWith("#")) {
                throw external(label, m.group(1));
            }
        }
    }

    private static ImageRejectedException external(String label, String reference) {
        return unsafe(label, "refers to '" + Bounded.cut(reference) + "' outside the document; only references "
                + "to its own elements (#id) are followed — nothing is fetched, embedded images (data:) included");
    }

    private static ImageRejectedException unsafe(String label, String what) {
        return new ImageRejectedException(ImageRejectedException.Reason.UNSAFE, label + " " + what);
    }

    private static BufferedImage draw(byte[] bytes, String label, long deadlineNanos) throws ImageRejectedException {
        LoaderContext context = LoaderContext.builder()
                .externalResourcePolicy(ResourcePolicy.DENY_ALL)
                .documentLimits(LIMITS)
                .build();
        SVGDocument document;
        try {
            document = new SVGLoader().load(new ByteArrayInputStream(bytes), null, context);
        } catch (RuntimeException e) {
            throw new ImageRejectedException(ImageRejectedException.Reason.CORRUPT,
                    label + " is an SVG document JSVG cannot read: " + Bounded.cut(e.getMessage()), e);
        }
        if (document == null) {
            throw new ImageRejectedException(ImageRejectedException.Reason.CORRUPT, label + " is an SVG document JSVG cannot read");
        }
        FloatSize size = document.size();
        double w = size.width;
        double h = size.height;
        if (!(w > 0) || !(h > 0) || !Double.isFinite(w) || !Double.isFinite(h)) {
            throw new ImageRejectedException(ImageRejectedException.Reason.CORRUPT,
                    label + " declares an empty or invalid size " + w + "x" + h + " (width, height or viewBox)");
        }
        double scale = RENDER_SIDE / Math.max(w, h);
        int width = (int) Math.max(1, Math.min(RENDER_SIDE, Math.round(w * scale)));
        int height = (int) Math.max(1, Math.min(RENDER_SIDE, Math.round(h * scale)));
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            document.renderWithPlatform(NullPlatformSupport.INSTANCE,
                    new DeadlineOutput(Output.createForGraphics(g), deadlineNanos), new ViewBox(0, 0, width, height));
        } finally {
            g.dispose();
        }
        return image;
    }
}
