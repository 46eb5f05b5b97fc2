package org.unidiff.runtime;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.runtime.ort.ModelSession;
import org.unidiff.runtime.ort.TensorSignature;
import org.unidiff.runtime.tensor.ElementType;

/** Checks an open session's declared inputs and outputs against its {@link ComponentContract}. */
public final class ContractChecker {

    private static final Logger LOG = LoggerFactory.getLogger(ContractChecker.class);

    private ContractChecker() {
    }

    /**
     * Checks names, element types, ranks and fixed sizes.
     *
     * @param bundle   the bundle's name for messages
     * @param contract what the component must declare
     * @param session  the open model
     * @throws BundleException at the first mismatch
     */
    public static void check(String bundle, ComponentContract contract, ModelSession session) {
        String component = contract.kind().key();
        Map<String, TensorSignature> inputs = session.inputs();
        Map<String, TensorSignature> outputs = session.outputs();
        for (ComponentContract.Expected e : contract.inputs()) {
            checkTensor(bundle, component, "input", e, inputs);
        }
        Set<String> expectedInputs = contract.inputs().stream().map(ComponentContract.Expected::name)
                .collect(Collectors.toSet());
        for (String name : inputs.keySet()) {
            if (!expectedInputs.contains(name)) {
                String hint = "data_type".equals(name) && contract.kind() == ComponentKind.TRANSFORMER
                        ? " (the model takes data_type but the manifest has no data_type field)" : "";
                throw new BundleException(bundle, component, "input '" + name + "'",
                        "only the inputs " + names(contract.inputs()),
                        "an extra input '" + name + "'" + hint);
            }
        }
        for (ComponentContract.Expected e : contract.outputs()) {
            checkTensor(bundle, component, "output", e, outputs);
        }
        Set<String> expectedOutputs = contract.outputs().stream().map(ComponentContract.Expected::name)
                .collect(Collectors.toSet());
        for (String name : outputs.keySet()) {
            if (!expectedOutputs.contains(name)) {
                // Harmless: the runtime only asks for the contract's outputs.
                LOG.warn("bundle '{}', component '{}': ignoring extra output '{}'", bundle, component, name);
            }
        }
    }

    private static void checkTensor(String bundle, String component, String role, ComponentContract.Expected e,
                                    Map<String, TensorSignature> declared) {
        String field = role + " '" + e.name() + "'";
        TensorSignature sig = declared.get(e.name());
        if (sig == null) {
            throw new BundleException(bundle, component, field,
                    "an " + role + " named '" + e.name() + "' " + e.describeShape(),
                    role + "s " + declared.keySet());
        }
        Optional<ElementType> type = sig.elementType();
        boolean typeOk = type.isPresent() && (e.integer() ? type.get() == ElementType.INT64 : type.get().isFloating());
        if (!typeOk) {
            throw new BundleException(bundle, component, field + " element type",
                    e.integer() ? "int64" : "float32 or float16", sig.describe());
        }
        if (sig.rank() != e.dims().size()) {
            throw new BundleException(bundle, component, field + " rank",
                    e.dims().size() + " " + e.describeShape(), sig.rank() + " " + sig.describe());
        }
        for (int i = 0; i < sig.rank(); i++) {
            ComponentContract.Dim d = e.dims().get(i);
            long size = sig.dim(i);
            if (!d.isFree() && size >= 0 && size != d.size()) {
                String source = d.field() == null ? "" : " from " + d.field();
                throw new BundleException(bundle, component, field + " dimension " + i + " (" + d.label() + ")",
                        d.size() + source + " or a symbolic size", size + " in " + sig.describe());
            }
        }
    }

    private static String names(List<ComponentContract.Expected> list) {
        return list.stream().map(ComponentContract.Expected::name).collect(Collectors.toList()).toString();
    }
}
