package org.unidiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.unidiff.api.core.DefaultBundle;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.tasks.FieldAssignments;
import org.unidiff.api.tasks.FieldLimits;
import org.unidiff.api.tasks.FieldSpec;
import org.unidiff.api.tasks.FileImages;
import org.unidiff.api.tasks.FolderResults;
import org.unidiff.api.tasks.JsonRequestFields;
import org.unidiff.api.tasks.TaskDefinition;
import org.unidiff.api.tasks.TaskRegistry;
import org.unidiff.runtime.manifest.BundleFamily;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/**
 * {@code unidiff run TASK FIELD=VALUE...}: any task of the registry (the library's and those a jar
 * on the class path provides), its request given as field assignments or a JSON file, its result
 * written to a folder. The task-specific commands (generate, caption, ...) are friendlier forms of
 * the same tasks.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run any registered task. Fields are FIELD=VALUE words (images are file paths; list entries "
                + "as examples[0].input=a.png); the sampling fields too (seed=7 steps=25 guidanceScale=3 outputs=2).",
            "unidiff run --list shows every task and its fields."})
final class RunCommand extends ModelCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "TASK", description = "The task's id (text-to-image, ...).")
    String task;

    @Parameters(index = "1..*", paramLabel = "FIELD=VALUE", description = "The request's fields.")
    List<String> fields = new ArrayList<>();

    @Option(names = "--request", paramLabel = "FILE",
            description = "The request as a JSON object (image fields are paths); FIELD=VALUE words override it.")
    Path requestFile;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "out",
            description = "Folder for the output files (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--overwrite", description = "Replace output files that exist.")
    boolean overwrite;

    @Option(names = "--list", description = "List the registered tasks and their fields, then exit.")
    boolean list;

    private final TaskRegistry registry = TaskRegistry.installed();
    private TaskDefinition<?, ?> definition;

    @Override
    Job prepare() {
        if (list) {
            describe(registry).forEach(out()::println);
            out().flush();
            return null;   // nothing to run: no model is opened
        }
        if (task == null) {
            throw new ParameterException(spec.commandLine(), "Missing TASK: one of " + String.join(", ", registry.ids()));
        }
        definition = registry.find(task).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "Unknown task '" + task + "': one of " + String.join(", ", registry.ids())));
        FieldLimits limits = FieldLimits.defaults();
        ObjectNode json = FieldAssignments.toJson(definition, fields, readRequestFile(), limits);
        // Read now, so that a bad field or image fails before the model loads.
        Object request = definition.read(new JsonRequestFields(json, limits, new FileImages(Path.of(""))));
        String prefix = task + "-seed" + definition.recipe().options(cast(request)).seed();
        return unidiff -> {
            List<Object> results = withProgress(task, control -> definition.runRead(unidiff, List.of(request), control));
            Object result = results.get(0);
            FolderResults sink = new FolderResults(out, prefix, definition.parametersOf(result), overwrite);
            definition.writeResult(result, sink);
            sink.textLines().forEach(out()::println);
            for (Path file : sink.written()) {
                out().println("wrote " + file);
            }
            definition.parametersOf(result).warning().ifPresent(w -> spec.commandLine().getErr().println(w));
            out().flush();
        };
    }

    @SuppressWarnings("unchecked")
    private static <Q> Q cast(Object request) {
        return (Q) request;
    }

    /** The request file's object, or an empty one. */
    private ObjectNode readRequestFile() {
        if (requestFile == null) {
            return null;
        }
        try {
            JsonNode node = new ObjectMapper().readTree(Files.readAllBytes(requestFile));
            if (node == null || !node.isObject()) {
                throw new InvalidRequestException("--request", "a JSON object", requestFile);
            }
            ((ObjectNode) node).remove("task");   // the TASK argument names it
            return (ObjectNode) node;
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--request " + requestFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    Path preferredBundle() {
        // A task of the in-context family opens the committed in-context bundle when run from a checkout.
        return definition != null && definition.family() == BundleFamily.IN_CONTEXT
                ? DefaultBundle.inCheckout(InContextCommand.BUNDLE).orElse(null) : null;
    }

    /** The registry's tasks and their fields, as {@code --list} prints them. */
    static List<String> describe(TaskRegistry registry) {
        List<String> lines = new ArrayList<>();
        for (TaskDefinition<?, ?> t : registry.all()) {
            StringBuilder sb = new StringBuilder(t.id()).append(" (").append(t.family().id()).append("):");
            for (FieldSpec f : t.fields()) {
                if (!f.sampling()) {
                    sb.append(' ').append(describe(f));
                }
            }
            lines.add(sb.toString());
        }
        lines.add("every task also takes seed, steps, sampler, guidanceScale, outputs, dataType");
        return lines;
    }

    private static String describe(FieldSpec f) {
        String kind = f.kind() == FieldSpec.Kind.LIST
                ? "[" + String.join(", ", f.entries().stream().map(RunCommand::describe).toList()) + "]..."
                : f.kind() == FieldSpec.Kind.CHOICE ? String.join("|", f.choices()) : f.kind().name().toLowerCase();
        return f.required() ? f.name() + "=" + kind : "[" + f.name() + "=" + kind + "]";
    }
}
