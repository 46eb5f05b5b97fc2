package org.unidiff.cli;

import org.unidiff.api.core.Task;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.unidiff.api.core.DefaultBundle;
import org.unidiff.api.ExamplePair;
import org.unidiff.api.ImageResult;
import org.unidiff.api.InContextRequest;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.ReferenceMode;
import org.unidiff.api.files.ExampleFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code unidiff in-context}: example pairs show a transform, the model applies it to a query
 * (bundles of the in-context family, e.g. {@code models/incontext/bundle}).
 */
@Command(name = Task.IN_CONTEXT_ID, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"In-context task (LaVin-DiT style): k example pairs (input, output) and a query; the model "
                + "generates the query's output.",
            "Pairs come from --pair (repeated) or from --examples DIR in LaVin-DiT's naming (NAME_input.png with "
                + "NAME_target.png), drawn at random with replacement, seeded by --seed.",
            "Prints the path of every PNG written and of a contact sheet: the pairs, the query, the answers.",
            "Without --bundle (and without -Dunidiff.bundle or $UNIDIFF_BUNDLE) it opens " + InContextCommand.BUNDLE
                + " of the checkout (the working directory or a parent)."})
final class InContextCommand extends ModelCommand {

    /** Where a checkout keeps the committed in-context bundle. */
    static final String BUNDLE = "models/incontext/bundle";

    @Option(names = "--pair", arity = "2", paramLabel = "IMAGE", description = "An example: input then output "
            + "image; repeat for more pairs.")
    List<Path> pairFiles = new ArrayList<>();

    @Option(names = "--examples", paramLabel = "DIR", description = "A folder of NAME_input.png / NAME_target.png "
            + "pairs to draw examples from.")
    Path examples;

    @Option(names = {"-k", "--pairs"}, paramLabel = "K", defaultValue = "4",
            description = "Pairs drawn from --examples (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--query", required = true, paramLabel = "IMAGE", description = "The image to transform.")
    Path query;

    @Option(names = "--renoise", description = "Feed examples and query re-noised each step instead of clean.")
    boolean renoise;

    @Mixin
    SamplingArgs sampling;

    @Mixin
    OutputFolder output;

    private final List<ExampleFolder.PairFiles> chosen = new ArrayList<>();

    @Override
    Path preferredBundle() {
        return DefaultBundle.inCheckout(BUNDLE).orElse(null);
    }

    @Override
    OutputFolder outputFolder() {
        return output;
    }

    /** The request, reading every image now so bad files fail before the model loads. */
    InContextRequest request() {
        if (!pairFiles.isEmpty() && examples != null) {
            throw new ParameterException(spec.commandLine(), "give examples with --pair or --examples, not both");
        }
        if (pairFiles.isEmpty() && examples == null) {
            throw new ParameterException(spec.commandLine(), "no examples: give --pair IN.png OUT.png (repeatable) "
                    + "or --examples DIR");
        }
        chosen.clear();
        if (examples != null) {
            chosen.addAll(draw(folderPairs(examples)));
        } else {
            for (int i = 0; i < pairFiles.size(); i += 2) {
                chosen.add(new ExampleFolder.PairFiles("pair " + (i / 2 + 1), pairFiles.get(i), pairFiles.get(i + 1)));
            }
        }
        List<ExamplePair> pairs = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            ExampleFolder.PairFiles p = chosen.get(i);
            pairs.add(new ExamplePair(readImage("pair " + (i + 1) + " input", p.input()),
                    readImage("pair " + (i + 1) + " output", p.target())));
        }
        return new InContextRequest(pairs, readImage("--query", query),
                renoise ? ReferenceMode.RENOISE : ReferenceMode.CLEAN, sampling.toOptions());
    }

    /** NAME_input.png / NAME_target.png pairs of a folder, by name ({@link ExampleFolder}). */
    private List<ExampleFolder.PairFiles> folderPairs(Path dir) {
        try {
            return ExampleFolder.list(dir);
        } catch (InvalidRequestException e) {
            throw new ParameterException(spec.commandLine(), "--examples " + dir + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--examples " + dir + ": cannot be listed ("
                    + e.getMessage() + ")", e);
        }
    }

    /** k pairs at random with replacement, as LaVin-DiT draws them, seeded by --seed so runs repeat. */
    private List<ExampleFolder.PairFiles> draw(List<ExampleFolder.PairFiles> all) {
        if (k < 1 || k > InContextRequest.MAX_EXAMPLES) {
            throw new ParameterException(spec.commandLine(), "--pairs must be 1 to " + InContextRequest.MAX_EXAMPLES
                    + ", got " + k);
        }
        SplittableRandom random = new SplittableRandom(sampling.seed);
        List<ExampleFolder.PairFiles> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            out.add(all.get(random.nextInt(all.size())));
        }
        return out;
    }

    @Override
    Job prepare() {
        InContextRequest request = request();
        return unidiff -> {
            ImageResult result = withProgress(Task.IN_CONTEXT_ID, control -> unidiff.inContext(request, control));
            Map<String, String> text = OutputFolder.with(result.parameters().asText(), "query",
                    query.getFileName().toString());
            // Every input's full path enters the tag, so runs on other examples or queries never share names.
            StringBuilder inputs = new StringBuilder(query.toAbsolutePath().normalize().toString());
            for (ExampleFolder.PairFiles p : chosen) {
                inputs.append('|').append(p.input().toAbsolutePath().normalize()).append('|')
                        .append(p.target().toAbsolutePath().normalize());
            }
            String tag = OutputFolder.tag(OutputFolder.with(text, "input_paths", inputs.toString(), "renoise",
                    Boolean.toString(renoise)));
            String stem = "in-context-" + OutputFolder.slug(stripExtension(query.getFileName().toString()))
                    + "-k" + request.examples().size() + "-s" + result.parameters().seed() + "-" + tag;
            BufferedImage first = result.image();
            int w = first.getWidth();
            int h = first.getHeight();
            List<ContactSheet.Cell> cells = new ArrayList<>();
            for (int i = 0; i < request.examples().size(); i++) {
                ExamplePair pair = request.examples().get(i);
                cells.add(new ContactSheet.Cell(ContactSheet.thumbnail(pair.input(), w, h), "example " + (i + 1) + " in"));
                cells.add(new ContactSheet.Cell(ContactSheet.thumbnail(pair.output(), w, h),
                        "example " + (i + 1) + " out"));
            }
            cells.add(new ContactSheet.Cell(ContactSheet.thumbnail(request.query(), w, h), "query"));
            for (int i = 0; i < result.images().size(); i++) {
                Path file = output.save(result.images().get(i), stem + "-" + i + ".png",
                        OutputFolder.with(text, "output", Integer.toString(i)));
                out().println(file);
                cells.add(new ContactSheet.Cell(result.images().get(i), "answer " + i));
            }
            out().println(output.saveSheet(cells, 2 * request.examples().size() + 1 + result.images().size(), text, tag));
        };
    }

    private static String stripExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
