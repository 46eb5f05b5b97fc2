package org.unidiff.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.api.tasks.TaskRegistry;

/**
 * The page in a real browser: headless Chromium and chromedriver from the Debian packages
 * ({@code chromium}, {@code chromium-driver}; {@code scripts/test-all.sh} installs them). Selenium
 * is given the driver's path, so nothing is downloaded. Skipped, with the reason, only where
 * Chromium is not installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static final Path IN_CONTEXT_BUNDLE = Path.of("..", "models", "incontext", "bundle");
    private static final Path EXAMPLES = Path.of("..", "models", "incontext", "examples", "mask");

    private static ExampleSets SHIPPED;
    private static UnidiffServer server;
    private static Unidiff inContext;
    private static ChromeDriver driver;
    private static WebDriverWait wait;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium or chromedriver is not installed at " + CHROMIUM + " / " + CHROMEDRIVER
                        + " (apt-get install chromium chromium-driver; scripts/test-all.sh does it)");
        // Both shipped bundles in one server: the page offers every task of the chosen model.
        inContext = Unidiff.open(UnidiffOptions.defaults().withBundle(IN_CONTEXT_BUNDLE));
        try {
            SHIPPED = ExampleSets.read(EXAMPLES.getParent(), new com.fasterxml.jackson.databind.ObjectMapper());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        TaskRegistry tasks = TaskRegistry.builtIn();
        server = UnidiffServer.start(List.of(ServedModel.of("shapes", TestServers.model(), TestServers.bundleDir(), tasks),
                ServedModel.of("in-context", inContext, IN_CONTEXT_BUNDLE, tasks).withExamples(SHIPPED)), TestServers.config(),
                ServerClock.system());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1000,1900", "--hide-scrollbars");
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(20));
        driver.get("http://127.0.0.1:" + server.port() + "/");
        wait.until(d -> d.findElement(By.id("model")).getText().startsWith("Model "));
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
        if (inContext != null) {
            inContext.close();
        }
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private static void set(String id, String value) {
        WebElement e = driver.findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
    }

    private static void choose(String selectId, String value) {
        new Select(driver.findElement(By.id(selectId))).selectByValue(value);
    }

    private static void upload(String id, Path file) {
        driver.findElement(By.id(id)).sendKeys(file.toAbsolutePath().normalize().toString());
    }

    private static int cards() {
        return driver.findElements(By.cssSelector("#results .card")).size();
    }

    @Test
    @Order(1)
    void everyControlHasALabelAndThePageShowsTheModel() {
        Long unlabeled = (Long) js("return [...document.querySelectorAll('input, textarea, progress')]"
                + ".filter(e => e.labels === null || e.labels.length === 0).length;");
        assertEquals(0L, unlabeled, "controls without a label");
        assertTrue(driver.findElement(By.id("vocabulary")).getText().contains("circle"));
        assertTrue(driver.findElement(By.id("cancel")).getAttribute("disabled") != null, "cancel enabled while idle");
        @SuppressWarnings("unchecked")
        List<String> tasks = (List<String>) js("return [...document.getElementById('task').options].map(o => o.value);");
        assertEquals(List.of("text-to-image", "image-to-text", "joint", "image-only", "text-only", "image-variation",
                "text-variation", "group", "inversion", "interpolation"), tasks, "every task of the first model");
        @SuppressWarnings("unchecked")
        List<String> models = (List<String>) js("return [...document.getElementById('model-select').options].map(o => o.value);");
        assertEquals(List.of("shapes", "in-context"), models);
    }

    @Test
    @Order(2)
    void generateWithTheKeyboardShowsProgressMovingThenTheImage() {
        set("steps", "150");
        set("count", "1");
        js("window.progressLog = []; new MutationObserver(() => window.progressLog.push("
                + "document.getElementById('progress').value)).observe(document.getElementById('progress'),"
                + " {attributes: true});");
        int before = cards();
        choose("task", "text-to-image");
        WebElement prompt = driver.findElement(By.id("field-prompt"));
        prompt.clear();
        prompt.sendKeys("a large red circle in the center on a black background");
        prompt.sendKeys(Keys.TAB);
        WebElement focused = driver.switchTo().activeElement();
        assertEquals("run", focused.getAttribute("id"), "Tab from the prompt reaches Run");
        focused.sendKeys(Keys.ENTER);
        wait.until(d -> cards() > before);
        @SuppressWarnings("unchecked")
        List<Number> log = (List<Number>) js("return window.progressLog;");
        long between = log.stream().mapToDouble(Number::doubleValue).filter(v -> v > 0 && v < 1).distinct().count();
        assertTrue(between >= 3, "the progress bar did not move through the run: " + log);
        Long width = (Long) js("return document.querySelector('#results .card img').naturalWidth;");
        assertEquals(64L, width);
        String text = driver.findElement(By.cssSelector("#results .card")).getText();
        assertTrue(text.contains("seed") && text.contains("150"), "parameters shown: " + text);
        String href = driver.findElement(By.cssSelector("#results .card a[download]")).getAttribute("href");
        assertTrue(href.startsWith("data:image/png;base64,"), href);
        assertTrue(driver.findElement(By.id("status")).getText().startsWith("Done"));
    }

    @Test
    @Order(3)
    void captionAnUploadedImage() throws IOException {
        Path png = dir.resolve("red-circle.png");
        Files.write(png, Base64.getDecoder().decode(TestServers.redCirclePng()));
        set("steps", "20");
        choose("task", "image-to-text");
        upload("field-image", png);
        int before = cards();
        driver.findElement(By.id("run")).click();
        wait.until(d -> cards() > before);
        WebElement card = driver.findElement(By.cssSelector("#results .card"));
        assertEquals("image-to-text", card.findElement(By.tagName("h3")).getText());
        String caption = card.findElement(By.cssSelector(".text")).getText();
        assertFalse(caption.isBlank());
        assertTrue(caption.contains("circle") || caption.contains("red"), "caption of a red circle: " + caption);
    }

    @Test
    @Order(4)
    void cancelALongJob() {
        set("steps", "1000");
        choose("task", "text-to-image");
        int before = cards();
        driver.findElement(By.id("run")).click();
        wait.until(d -> ((Number) js("return document.getElementById('progress').value;")).doubleValue() > 0.01);
        long start = System.nanoTime();
        driver.findElement(By.id("cancel")).click();
        wait.until(d -> d.findElement(By.id("status")).getText().equals("Cancelled"));
        double seconds = (System.nanoTime() - start) / 1e9;
        // A bound against a cancel that never lands, not a timing: the engine stops within one evaluation.
        assertTrue(seconds < 60, "cancel took " + seconds + " s");
        assertEquals(before, cards(), "a cancelled job showed a result");
        assertTrue(driver.findElement(By.id("run")).isEnabled());
        wait.until(d -> server.metrics().cancelled() == 1);
    }

    @Test
    @Order(5)
    void theServersErrorMessageIsShown() {
        set("steps", "20");
        set("count", "99");
        driver.findElement(By.id("run")).click();
        WebElement error = driver.findElement(By.id("error"));
        wait.until(d -> error.isDisplayed());
        assertTrue(error.getText().contains("outputs must be an integer from 1 to 16, found 99"), error.getText());
        assertEquals("alert", error.getAttribute("role"));
        set("count", "1");
    }

    @Test
    @Order(6)
    void aGroupFromTheBuilderAndAScreenshotOfThePage() throws IOException {
        set("steps", "50");
        set("count", "1");
        int before = cards();
        choose("task", "group");
        assertEquals(2, driver.findElements(By.cssSelector("#task-form .entries li")).size(), "two slots to start");
        driver.findElement(By.id("run")).click();
        wait.until(d -> cards() > before);
        assertEquals(2, driver.findElements(By.cssSelector("#results .card:first-child img")).size());
        set("count", "4");
        choose("task", "text-to-image");
        set("field-prompt", "a small blue square at the top left on a white background");
        driver.findElement(By.id("run")).click();
        wait.until(d -> cards() > before + 1);
        js("window.scrollTo(0, 0);");
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path out = Path.of("target", "screenshots", "server-page.png");
        Files.createDirectories(out.getParent());
        Files.copy(shot.toPath(), out, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(out) > 10_000, "screenshot too small");
    }

    @Test
    @Order(7)
    void anInterpolationShowsItsFramesAndAnAnimation() throws IOException {
        Path first = dir.resolve("first.png");
        Files.write(first, Base64.getDecoder().decode(TestServers.redCirclePng()));
        set("steps", "10");
        set("count", "1");
        choose("model-select", "shapes");
        choose("task", "interpolation");
        upload("field-first", first);
        upload("field-last", EXAMPLES.resolve("pair1_input.png"));
        set("field-frames", "4");
        int before = cards();
        driver.findElement(By.id("run")).click();
        wait.until(d -> cards() > before);
        WebElement card = driver.findElement(By.cssSelector("#results .card"));
        assertEquals("interpolation", card.findElement(By.tagName("h3")).getText());
        assertEquals(4, card.findElements(By.cssSelector(".images img")).size(), "four frames");
        String gif = card.findElement(By.cssSelector(".animation img")).getAttribute("src");
        assertTrue(gif.startsWith("data:image/gif;base64,"), gif.substring(0, Math.min(40, gif.length())));
        assertEquals(2, card.findElements(By.cssSelector(".text")).size(), "the two captions");
    }

    @Test
    @Order(8)
    void anInContextRequestOnTheSecondModel() {
        set("steps", "10");
        choose("model-select", "in-context");
        assertTrue(driver.findElement(By.id("model")).getText().startsWith("Model in-context"));
        assertEquals(List.of("in-context"), js("return [...document.getElementById('task').options].map(o => o.value);"));
        List<WebElement> pairs = driver.findElements(By.cssSelector("#task-form .entries li"));
        assertEquals(2, pairs.size(), "two example pairs to start");
        for (int i = 0; i < pairs.size(); i++) {
            List<WebElement> files = pairs.get(i).findElements(By.cssSelector("input[type=file]"));
            files.get(0).sendKeys(EXAMPLES.resolve("pair" + (i + 1) + "_input.png").toAbsolutePath().normalize().toString());
            files.get(1).sendKeys(EXAMPLES.resolve("pair" + (i + 1) + "_target.png").toAbsolutePath().normalize().toString());
        }
        upload("field-query", EXAMPLES.resolve("pair3_input.png"));
        int before = cards();
        driver.findElement(By.id("run")).click();
        wait.until(d -> cards() > before);
        WebElement card = driver.findElement(By.cssSelector("#results .card"));
        assertEquals("in-context", card.findElement(By.tagName("h3")).getText());
        assertEquals(1, card.findElements(By.cssSelector(".images img")).size());
        assertEquals(64L, js("return document.querySelector('#results .card img').naturalWidth;"));
        assertTrue(card.getText().contains("in-context"), card.getText());
        choose("model-select", "shapes");
    }

    @Test
    @Order(9)
    void aShippedExampleFolderFillsThePairsAndGivesTheApisAnswer() throws IOException {
        set("steps", "10");
        set("seed", "21");
        choose("model-select", "in-context");
        assertEquals(List.of("background_black", "mask", "move_top_right", "recolor_green"),
                js("return [...document.getElementById('example-set').options].map(o => o.value);"));
        choose("example-set", "mask");
        driver.findElement(By.id("use-example-set")).click();
        wait.until(d -> d.findElements(By.cssSelector("#task-form .entries li")).size() == 4
                && (Long) js("return [...document.querySelectorAll('#task-form .entries input[type=file]')]"
                + ".filter(i => i.files.length === 1).length;") == 8L);
        upload("field-query", EXAMPLES.resolve("pair3_input.png"));
        int before = cards();
        driver.findElement(By.id("run")).click();
        wait.until(d -> cards() > before);
        String src = driver.findElement(By.cssSelector("#results .card img")).getAttribute("src");
        java.awt.image.BufferedImage shown = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                java.util.Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1))));
        // The same request through the API: the folder's four pairs in order, the same query and seed.
        java.awt.image.BufferedImage expected = inContext.inContext(new org.unidiff.api.InContextRequest(
                org.unidiff.api.files.ExampleFolder.read(EXAMPLES),
                org.unidiff.api.files.Images.read(EXAMPLES.resolve("pair3_input.png")),
                new org.unidiff.api.core.SamplingOptions(21, 10, null, null, 1, null))).images().get(0);
        assertEquals(expected.getWidth(), shown.getWidth());
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                assertEquals(expected.getRGB(x, y), shown.getRGB(x, y), "pixel " + x + "," + y);
            }
        }
        choose("model-select", "shapes");
        assertEquals(0L, js("return document.querySelectorAll('#example-set').length;"),
                "a model without example sets offers none");
    }
}
