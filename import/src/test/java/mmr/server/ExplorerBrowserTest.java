package mmr.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import mmr.ingest.ImportOptions;
import mmr.ingest.Importer;
import mmr.ingest.graph.EmbeddedCypher;
import mmr.ingest.graph.GraphWriter;
import mmr.model.encode.DescriptorEncoder;
import mmr.procedures.testing.EmojiFixture;
import mmr.server.EmbeddedNeo4j;

/**
 * The explorer page end to end in headless Chromium (Debian's chromium and chromium-driver) against
 * the embedded server on the emoji fixture: pick an image, read the results, move the slider from
 * visual to conceptual and check what it promises, upload an image and a text file. Saves
 * screenshots and the page's own timings under target/explorer/ (docs/benchmarks.md).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExplorerBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String QUERY_ID = "google:1f42c";   // dolphin
    private static final String QUERY_TAG = "animal";   // 12 of the fixture's 120 images
    private static final Path OUT = Path.of("target", "explorer");

    private EmbeddedNeo4j neo4j;
    private ChromeDriver browser;
    private Path fixtureDir;
    private Path home;
    private int httpPort;
    private int boltPort;
    private final List<String> timings = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the explorer's browser test needs Debian's chromium and chromium-driver ("
                    + CHROMIUM + ", " + CHROMEDRIVER + "): apt-get install chromium chromium-driver (.ci/run does)");
        }
        Path manifest = EmojiFixture.manifest();
        fixtureDir = manifest.getParent();
        home = Files.createTempDirectory("mmr-explorer");
        httpPort = freePort();
        boltPort = freePort();
        neo4j = EmbeddedNeo4j.start(home, boltPort, httpPort, false, fixtureDir);
        EmbeddedCypher cypher = new EmbeddedCypher(neo4j.db(), "test");
        try (DescriptorEncoder encoder = new DescriptorEncoder()) {
            new Importer(new GraphWriter(cypher), encoder, ImportOptions.defaults(manifest)).run();
        }
        neo4j.db().executeTransactionally("CALL mmr.train({epochs: 3})", Map.of(), r -> r.resultAsString());
        neo4j.db().executeTransactionally("CALL db.awaitIndexes(300)");
        Files.createDirectories(OUT);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory("mmr-chromium"), "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (neo4j != null) {
            neo4j.close();
        }
        Files.write(OUT.resolve("timings.txt"), timings, StandardCharsets.UTF_8);
        timings.forEach(System.out::println);
    }

    private String url(String path) {
        return "http://localhost:" + httpPort + path;
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private long seq() {
        return Long.parseLong(browser.findElement(By.id("results")).getAttribute("data-seq"));
    }

    /** Waits until results newer than {@code after} are rendered; returns their sequence number. */
    private long awaitResults(long after) {
        waiting().until(d -> seq() > after && !d.findElements(By.cssSelector("#results li.result")).isEmpty()
                && !d.findElement(By.id("results")).getAttribute("class").contains("updating"));
        return seq();
    }

    private void screenshot(String name) throws IOException {
        js("window.scrollTo(0, 0)");
        Files.write(OUT.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
    }

    /** The rendered results: visual score and tags of each card, in rank order. */
    private List<Map<String, String>> results() {
        List<Map<String, String>> out = new ArrayList<>();
        for (WebElement li : browser.findElements(By.cssSelector("#results li.result"))) {
            out.add(Map.of("id", li.getAttribute("data-id"), "visual", li.getAttribute("data-visual"),
                    "tags", li.getAttribute("data-tags"), "shared", li.getAttribute("data-shared")));
        }
        return out;
    }

    private static double meanVisual(List<Map<String, String>> results, int top) {
        return results.subList(0, Math.min(top, results.size())).stream().mapToDouble(r -> Double.parseDouble(r.get("visual")))
                .average().orElseThrow();
    }

    private static double shareWithTag(List<Map<String, String>> results, int top, String tag) {
        List<Map<String, String>> head = results.subList(0, Math.min(top, results.size()));
        return head.stream().filter(r -> List.of(r.get("shared").split("\\|")).contains(tag)).count() / (double) head.size();
    }

    @Test
    @Order(1)
    void pickAnImageThenSlideFromVisualToConceptual() throws Exception {
        browser.get(url("/mmr/"));
        waiting().until(d -> !d.findElements(By.cssSelector("#catalog li")).isEmpty());
        assertThat(browser.findElement(By.id("catalog-info")).getText()).contains("120 images");

        // find the dolphin through the keyword filter (one of its tags), click it
        WebElement filter = browser.findElement(By.id("filter"));
        filter.sendKeys("flipper");
        waiting().until(d -> d.findElement(By.id("page-info")).getText().endsWith(" 2 images"));
        assertThat(browser.findElements(By.cssSelector("#catalog li")).stream().map(li -> li.getAttribute("data-id")).toList())
                .containsExactly(QUERY_ID, "twitter:1f42c");
        browser.findElement(By.cssSelector("#catalog li[data-id='" + QUERY_ID + "'] button")).click();
        long s = awaitResults(0);
        assertThat(results()).hasSize(24).noneMatch(r -> r.get("id").equals(QUERY_ID));
        // every result's thumbnail is loaded and drawn (the first screenful: the rest load lazily)
        waiting().until(d -> (Boolean) js("return [...document.querySelectorAll('#results li.result img')].slice(0, 6)"
                + ".every(i => i.complete && i.naturalWidth > 0)"));
        assertThat(browser.findElement(By.id("cypher")).getAttribute("textContent"))
                .startsWith("CALL mmr.search({id: '" + QUERY_ID + "'}, {k: 24, visualWeight: 0.5, connect: 'both'})");
        assertThat(browser.findElements(By.cssSelector("#attached-images li"))).isNotEmpty();
        // the image's own tags became chips; keep only one, so the slider's conceptual side is that tag
        waiting().until(d -> !d.findElements(By.cssSelector("#chips li")).isEmpty());
        List<String> chips = browser.findElements(By.cssSelector("#chips li")).stream().map(li -> li.getAttribute("data-tag")).toList();
        assertThat(chips).contains(QUERY_TAG);
        for (String chip : chips) {
            if (!chip.equals(QUERY_TAG)) {
                browser.findElement(By.cssSelector("#chips li[data-tag='" + chip + "'] button")).click();
                s = awaitResults(s);
            }
        }
        assertThat(browser.findElements(By.cssSelector("#chips li"))).hasSize(1);
        screenshot("explorer-1280.png");

        // slider by keyboard: Home = visual (w1 = 1), ten steps right = 0.5, End = conceptual (w1 = 0)
        WebElement slider = browser.findElement(By.id("slider"));
        List<String> positions = List.of("1", "0.5", "0");
        List<Double> visual = new ArrayList<>();
        List<Double> tagShare = new ArrayList<>();
        List<List<String>> ids = new ArrayList<>();
        for (String w : positions) {
            if (w.equals("1")) {
                slider.sendKeys(Keys.HOME);
            } else if (w.equals("0.5")) {
                for (int i = 0; i < 10; i++) {
                    slider.sendKeys(Keys.ARROW_RIGHT);
                }
            } else {
                slider.sendKeys(Keys.END);
            }
            long before = s;
            waiting().until(d -> seq() > before && w.equals(d.findElement(By.id("results")).getAttribute("data-w"))
                    && !d.findElement(By.id("results")).getAttribute("class").contains("updating"));
            s = seq();
            List<Map<String, String>> r = results();
            visual.add(meanVisual(r, 10));
            tagShare.add(shareWithTag(r, 10, QUERY_TAG));
            ids.add(r.stream().map(m -> m.get("id")).toList());
        }
        timings.add(String.format(Locale.ROOT, "slider w1 1 -> 0.5 -> 0: mean visual score of the top 10 %s, share carrying '%s' %s",
                visual, QUERY_TAG, tagShare));
        assertThat(ids.get(0)).as("the results change").isNotEqualTo(ids.get(2));
        assertThat(visual.get(1)).isLessThanOrEqualTo(visual.get(0));
        assertThat(visual.get(2)).isLessThan(visual.get(0)).isLessThanOrEqualTo(visual.get(1));
        assertThat(tagShare.get(1)).isGreaterThanOrEqualTo(tagShare.get(0));
        assertThat(tagShare.get(2)).isGreaterThan(tagShare.get(0)).isGreaterThanOrEqualTo(tagShare.get(1));
        assertThat(browser.findElement(By.id("slider")).getAttribute("aria-valuetext")).isEqualTo("0% visual, 100% conceptual");
        screenshot("explorer-conceptual.png");
    }

    @Test
    @Order(2)
    void sliderLatencyAndPageLoad() throws Exception {
        // On the fixture; -Dmmr.explorer.url=http://localhost:7474/mmr/ measures a running server
        // instead (docs/benchmarks.md: the emoji graph of ./mmr serve).
        String page = System.getProperty("mmr.explorer.url", url("/mmr/"));
        // page load to first results, from a shareable link
        List<Double> loads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            browser.get("about:blank");
            browser.get(page + "#id=" + QUERY_ID + "&tags=animal&w=0.50");
            awaitResults(0);
            loads.add(((Number) js("return window.mmrTimings.firstResults")).doubleValue());
        }
        // slider moves: one step at a time, each waited for
        WebElement slider = browser.findElement(By.id("slider"));
        long s = seq();
        for (int i = 0; i < 20; i++) {
            slider.sendKeys(i % 2 == 0 ? Keys.ARROW_RIGHT : Keys.ARROW_LEFT);
            s = awaitResults(s);
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> searches = (List<Map<String, Object>>) js("return window.mmrTimings.searches");
        List<Double> slides = searches.stream().filter(m -> "slider".equals(m.get("trigger")))
                .map(m -> ((Number) m.get("ms")).doubleValue()).sorted().toList();
        List<Double> server = searches.stream().filter(m -> "slider".equals(m.get("trigger")))
                .map(m -> ((Number) m.get("serverMs")).doubleValue()).sorted().toList();
        assertThat(slides).hasSize(20);
        List<Double> sortedLoads = loads.stream().sorted().toList();
        timings.add("measured on " + page);
        timings.add(String.format(Locale.ROOT, "page load to first results (ms, 5 loads): median %.0f, max %.0f %s",
                sortedLoads.get(2), sortedLoads.get(4), loads));
        timings.add(String.format(Locale.ROOT, "slider change to updated results (ms, 20 moves, incl. 40 ms debounce): "
                + "p50 %.0f, p90 %.0f, max %.0f; server time p50 %.1f", slides.get(9), slides.get(17), slides.get(19), server.get(9)));
    }

    @Test
    @Order(3)
    void uploadAnImageAndATextFile() throws Exception {
        browser.get(url("/mmr/"));
        waiting().until(d -> !d.findElements(By.cssSelector("#catalog li")).isEmpty());
        Path png = fixtureDir.resolve("img/twitter/64/1f42c.png");
        browser.findElement(By.id("upload")).sendKeys(png.toAbsolutePath().toString());
        long s = awaitResults(0);
        waiting().until(d -> !d.findElements(By.cssSelector("#predicted-tags li")).isEmpty());
        List<String> predicted = browser.findElements(By.cssSelector("#predicted-tags button")).stream()
                .map(b -> b.getAttribute("data-tag")).toList();
        assertThat(predicted).hasSize(8);
        assertThat(browser.findElement(By.id("query-preview")).getAttribute("src")).startsWith("blob:");
        assertThat(browser.findElement(By.id("cypher")).getAttribute("textContent")).contains("{base64: $image}");
        // one click adds a predicted tag as a chip and searches again
        browser.findElement(By.cssSelector("#predicted-tags button")).click();
        awaitResults(s);
        assertThat(browser.findElements(By.cssSelector("#chips li")).stream().map(li -> li.getAttribute("data-tag")).toList())
                .containsExactly(predicted.get(0));
        assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
        screenshot("explorer-upload.png");

        Path text = Files.createTempFile("notes", ".txt");
        Files.writeString(text, "hello, this is not an image\n");
        browser.findElement(By.id("upload")).sendKeys(text.toAbsolutePath().toString());
        waiting().until(d -> d.findElement(By.id("error")).isDisplayed());
        assertThat(browser.findElement(By.id("error")).getText())
                .isEqualTo("mmr.search: the base64 image is not an image in a supported format; accepted: PNG, JPEG, GIF, BMP, TIFF, WebP, SVG");
        assertThat(results()).as("the previous results stay").isNotEmpty();
        assertThat(browser.findElement(By.id("query-preview")).getAttribute("src")).as("and the previous query").startsWith("blob:");
        assertThat(browser.findElements(By.cssSelector("#chips li"))).hasSize(1);
    }

    @Test
    @Order(4)
    void narrowScreen() throws Exception {
        browser.manage().window().setSize(new Dimension(400, 900));
        browser.get(url("/mmr/#id=" + QUERY_ID + "&w=0.70"));
        awaitResults(0);
        long overflow = (Long) js("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(overflow).as("no horizontal scrolling at 400 px").isLessThanOrEqualTo(0L);
        screenshot("explorer-400.png");
        browser.manage().window().setSize(new Dimension(1280, 1000));
    }

    @Test
    @Order(5)
    void neo4jBrowserConnectsWithTheDemoSettings() throws Exception {
        browser.get(url(EmbeddedNeo4j.browserPath(boltPort)));
        waiting().until(d -> d.getTitle().contains("Neo4j Browser"));
        try {
            // with authentication off and the form filled in, Browser connects by itself, then runs the
            // post-connect command that applies mmr's style
            List<String> expected = List.of("You have a working connection", "Connected to Neo4j",
                    ":style " + url("/mmr/assets/mmr.grass"), "node.Image", "caption: \"{id}\"");
            new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> {
                String text = d.findElement(By.tagName("body")).getText();
                return expected.stream().allMatch(text::contains);
            });
        } finally {
            Files.writeString(OUT.resolve("browser.txt"), browser.findElement(By.tagName("body")).getText());
            screenshot("neo4j-browser.png");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
