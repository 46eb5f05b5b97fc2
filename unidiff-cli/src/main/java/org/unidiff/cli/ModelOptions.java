package org.unidiff.cli;

import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.options.ModelFlags;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Which model bundle to open and where it runs: the shared {@link ModelFlags} ({@code --bundle},
 * {@code --cuda}, {@code --device}, {@code --cpu-fallback}, {@code --threads}, {@code --variant},
 * declared and checked in module unidiff-options for every front end), with their refusals
 * reported as usage errors of the command.
 */
public final class ModelOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Mixin
    ModelFlags flags = new ModelFlags();

    /**
     * The library options these flags ask for.
     *
     * @throws ParameterException for flags that contradict each other or a bundle directory without a manifest
     */
    public UnidiffOptions unidiffOptions() {
        try {
            return flags.options();
        } catch (InvalidRequestException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage().replaceFirst("^invalid request: ", ""), e);
        }
    }
}
