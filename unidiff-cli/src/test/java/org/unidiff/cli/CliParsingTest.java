package org.unidiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.api.GroupGuidance;
import org.unidiff.api.GroupRequest;
import org.unidiff.api.ImageToTextRequest;
import org.unidiff.api.core.MarginalRoute;
import org.unidiff.api.ReferenceMode;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.runtime.ort.CpuThreads;
import org.unidiff.runtime.ort.CudaOptions;
import org.unidiff.runtime.ort.ExecutionConfig;
import org.unidiff.runtime.ort.ExecutionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Parsing only: every subcommand's flags become the right library options; no model is opened. */
class CliParsingTest {

    private static final String[] ALL_SAMPLING = {"--seed", "7", "--steps", "25", "--sampler", "ddim",
        "--guidance", "3.5", "-n", "4", "--data-type", "1"};
    private static final SamplingOptions ALL_SAMPLING_OPTIONS = new SamplingOptions(7L, 25, "ddim", 3.5, 4, 1);

    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static <T> T parse(String... args) {
        CommandLine cli = UnidiffCli.commandLine();
        CommandLine.ParseResult result = cli.parseArgs(args);
        return (T) result.subcommand().commandSpec().userObject();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private Path png(String name, int w, int h) throws IOException {
        Path file = dir.resolve(name);
        ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
        return file;
    }

    @Test
    void generateMapsEveryFlagAndMakesOneRequestPerPrompt() {
        GenerateCommand c = parse(concat(concat(new String[] {"generate"}, ALL_SAMPLING), "--out", "pics",
                "a red circle", "  a blue square  "));

        List<TextToImageRequest> requests = c.requests();

        assertEquals(2, requests.size());
        assertEquals("a red circle", requests.get(0).prompt());
        assertEquals("a blue square", requests.get(1).prompt(), "the library strips prompts");
        assertEquals(ALL_SAMPLING_OPTIONS, requests.get(0).options());
        assertEquals(ALL_SAMPLING_OPTIONS, requests.get(1).options());
        assertEquals(Path.of("pics"), c.output.directory());
    }

    @Test
    void unsetFlagsLeaveTheBundleDefaults() {
        GenerateCommand c = parse("generate", "x");

        assertEquals(SamplingOptions.defaults(), c.requests().get(0).options());
        assertEquals(Path.of("out"), c.output.directory());
        assertFalse(c.quiet);
    }

    @Test
    void longAndShortOutputsFlagsAgree() {
        GenerateCommand longForm = parse("generate", "--outputs", "5", "x");
        GenerateCommand shortForm = parse("generate", "-n", "5", "x");

        assertEquals(5, longForm.requests().get(0).options().outputs());
        assertEquals(longForm.requests().get(0).options(), shortForm.requests().get(0).options());
    }

    @Test
    void captionReadsEveryImageWithTheSamplingFlags() throws IOException {
        Path a = png("a.png", 20, 10);
        Path b = png("b.png", 7, 9);
        CaptionCommand c = parse(concat(concat(new String[] {"caption"}, ALL_SAMPLING), a.toString(), b.toString()));

        List<ImageToTextRequest> requests = c.requests();

        assertEquals(2, requests.size());
        assertEquals(20, requests.get(0).image().getWidth());
        assertEquals(9, requests.get(1).image().getHeight());
        assertEquals(ALL_SAMPLING_OPTIONS, requests.get(1).options());
    }

    @Test
    void varyReadsTheSourceWithTheSamplingFlags() throws IOException {
        Path a = png("a.png", 12, 13);
        VaryCommand c = parse(concat(concat(new String[] {"vary"}, ALL_SAMPLING), a.toString()));

        assertEquals(13, c.request().image().getHeight());
        assertEquals(ALL_SAMPLING_OPTIONS, c.request().options());
    }

    @Test
    void groupPutsReferencesInTheFirstSlotsInOrder() throws IOException {
        Path a = png("a.png", 5, 5);
        Path b = png("b.png", 6, 6);
        GroupCommand c = parse(concat(concat(new String[] {"group"}, ALL_SAMPLING), "-r", a.toString(),
                "--reference", b.toString(), "--renoise", "a red circle", "", "a blue square"));

        GroupRequest request = c.request();

        assertEquals(3, request.slots().size());
        assertEquals(5, request.slots().get(0).reference().getWidth());
        assertEquals(6, request.slots().get(1).reference().getWidth());
        assertTrue(request.slots().get(2).generated());
        assertEquals(List.of("a red circle", "", "a blue square"),
                request.slots().stream().map(s -> s.caption()).toList());
        assertSame(ReferenceMode.RENOISE, request.referenceMode());
        assertSame(GroupGuidance.CAPTIONS_AND_REFERENCES, request.guidance());
        assertEquals(ALL_SAMPLING_OPTIONS, request.options());
        GroupCommand captionsOnly = parse("group", "-r", a.toString(), "--guide-captions-only", "x", "y");
        assertSame(GroupGuidance.CAPTIONS, captionsOnly.request().guidance());
    }

    @Test
    void groupWithoutReferencesGeneratesEverySlotWithCleanMode() {
        GroupCommand c = parse("group", "one", "two");

        GroupRequest request = c.request();

        assertTrue(request.slots().stream().allMatch(s -> s.generated()));
        assertSame(ReferenceMode.CLEAN, request.referenceMode());
        assertEquals(SamplingOptions.defaults(), request.options());
    }

    @Test
    void jointAndUnconditionalCommandsMapTheSamplingFlags() {
        JointCommand joint = parse(concat(new String[] {"joint"}, ALL_SAMPLING));
        // Guidance applies to sample-images only with --via-text, and never to sample-texts.
        SampleImagesCommand images = parse(concat(new String[] {"sample-images", "--via-text"}, ALL_SAMPLING));
        SampleTextsCommand texts = parse("sample-texts", "--seed", "7", "--steps", "25", "--sampler", "ddim", "-n", "4",
                "--data-type", "1");
        VaryTextCommand varyText = parse(concat(concat(new String[] {"vary-text"}, ALL_SAMPLING),
                "a red circle"));

        assertEquals(ALL_SAMPLING_OPTIONS, joint.request().options());
        assertEquals(ALL_SAMPLING_OPTIONS, images.request().options());
        assertSame(MarginalRoute.DIRECT, joint.request().route());
        assertSame(MarginalRoute.DIRECT, ((SampleImagesCommand) parse("sample-images")).request().route());
        assertSame(MarginalRoute.VIA_TEXT, ((JointCommand) parse("joint", "--via-text")).request().route());
        assertSame(MarginalRoute.VIA_TEXT, images.request().route());
        assertEquals(new SamplingOptions(7L, 25, "ddim", null, 4, 1), texts.request().options());
        assertEquals(ALL_SAMPLING_OPTIONS, varyText.request().options());
        assertEquals("a red circle", varyText.request().prompt());
    }

    @Test
    void defaultExecutionIsCpuWithRuntimeThreadsAndTheDefaultBundle() {
        GenerateCommand c = parse("generate", "x");

        UnidiffOptions o = c.model.unidiffOptions();

        assertNull(o.bundle());
        assertEquals(ExecutionConfig.cpu(), o.execution());
    }

    @Test
    void cudaFlagsBuildTheExecutionConfig() throws IOException {
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        Files.writeString(bundle.resolve("unidiff.json"), "{}");
        GenerateCommand c = parse("generate", "--cuda", "--device", "2", "--cpu-fallback", "--threads", "3",
                "--bundle", bundle.toString(), "x");

        UnidiffOptions o = c.model.unidiffOptions();

        assertEquals(bundle, o.bundle());
        assertEquals(new ExecutionConfig(ExecutionProvider.CUDA, CudaOptions.defaults().withDevice(2), true,
                new CpuThreads(3, 0)), o.execution());
    }

    @Test
    void variantFlagNamesTheModelFiles() {
        GenerateCommand plain = parse("generate", "x");
        GenerateCommand int8 = parse("generate", "--variant", "int8", "x");
        assertNull(plain.model.unidiffOptions().variant());
        assertEquals("int8", int8.model.unidiffOptions().variant());
    }

    @Test
    void cudaAloneUsesDeviceZeroWithoutFallback() {
        GenerateCommand c = parse("generate", "--cuda", "x");

        assertEquals(ExecutionConfig.cuda(CudaOptions.defaults()), c.model.unidiffOptions().execution());
    }

    @Test
    void everyOptionAndParameterOfEveryCommandHasHelpText() {
        CommandLine cli = UnidiffCli.commandLine();
        assertEquals(List.of("generate", "caption", "vary", "group", "joint", "sample-images", "sample-texts",
                "vary-text", "in-context", "interpolate", "run", "help"), List.copyOf(cli.getSubcommands().keySet()));
        for (CommandLine sub : cli.getSubcommands().values()) {
            String name = sub.getCommandName();
            assertTrue(sub.getCommandSpec().usageMessage().description().length > 0, name + " has a description");
            for (OptionSpec o : sub.getCommandSpec().options()) {
                assertTrue(o.description().length > 0 && !o.description()[0].isBlank(),
                        name + " " + o.longestName() + " has help text");
            }
            for (PositionalParamSpec p : sub.getCommandSpec().positionalParameters()) {
                assertTrue(p.description().length > 0 && !p.description()[0].isBlank(),
                        name + " " + p.paramLabel() + " has help text");
            }
        }
    }
}
