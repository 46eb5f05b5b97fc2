package org.unidiff.sampling.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A task as data: the passes the transformer makes at every model evaluation and how their
 * outputs combine. The runtime executes any plan the same way ({@link GuidedJointModel}), so a
 * new task needs a new plan, not new code.
 *
 * <p>Pass 0 is the conditional pass; its {@link Role#GENERATE} (slot, stream)s are the solved
 * state. Every further pass is an unconditional variant serving as the guidance counterpart of
 * one or more generated (slot, stream)s ({@link #counterparts()}); a generated (slot, stream)
 * without a counterpart takes the conditional prediction unguided.
 *
 * <p>Rules checked at construction: at least one pass, all of one group size; something is
 * generated in pass 0; a later pass generates only what pass 0 generates (the state holds
 * nothing else); a counterpart links a (slot, stream) generated in pass 0 to a pass where it is
 * generated too (so both passes see the same state and differ only in what conditions it), at
 * most one per (slot, stream); every later pass is somebody's counterpart.
 */
public final class TaskPlan {

    private final String name;
    private final List<Pass> passes;
    private final List<Counterpart> counterparts;
    private final int[][] counterpartPass;

    private TaskPlan(String name, List<Pass> passes, List<Counterpart> counterparts, int[][] counterpartPass) {
        this.name = name;
        this.passes = passes;
        this.counterparts = counterparts;
        this.counterpartPass = counterpartPass;
    }

    /**
     * A plan from explicit passes and guidance links.
     *
     * @param name         a short name for logs and results
     * @param passes       pass 0 conditional, then the unconditional passes
     * @param counterparts for guided (slot, stream)s, the pass of their unconditional prediction
     * @throws IllegalArgumentException if a rule of the class description is broken
     */
    public static TaskPlan of(String name, List<Pass> passes, List<Counterpart> counterparts) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a task plan needs a non-blank name");
        }
        if (passes == null || passes.isEmpty()) {
            throw new IllegalArgumentException("plan '" + name + "' has no passes; expected the conditional pass first");
        }
        List<Pass> passList = List.copyOf(passes);
        List<Counterpart> links = List.copyOf(counterparts);
        Pass conditional = passList.get(0);
        int groupSize = conditional.groupSize();
        for (int p = 1; p < passList.size(); p++) {
            if (passList.get(p).groupSize() != groupSize) {
                throw new IllegalArgumentException("plan '" + name + "': pass " + p + " ('" + passList.get(p).name()
                        + "') has " + passList.get(p).groupSize() + " slots but the conditional pass has " + groupSize);
            }
        }
        boolean generatesSomething = false;
        for (int g = 0; g < groupSize; g++) {
            for (Stream s : Stream.values()) {
                generatesSomething |= conditional.role(g, s) == Role.GENERATE;
                for (int p = 1; p < passList.size(); p++) {
                    if (passList.get(p).role(g, s) == Role.GENERATE && conditional.role(g, s) != Role.GENERATE) {
                        throw new IllegalArgumentException("plan '" + name + "': pass " + p + " ('" + passList.get(p).name()
                                + "') generates slot " + g + " " + s + ", which the conditional pass does not generate ("
                                + conditional.role(g, s) + "); only the conditional pass's GENERATE parts are solved");
                    }
                }
            }
        }
        if (!generatesSomething) {
            throw new IllegalArgumentException("plan '" + name + "' has nothing to generate: no (slot, stream) is GENERATE "
                    + "in the conditional pass");
        }
        int[][] counterpartPass = new int[groupSize][Stream.values().length];
        for (int[] row : counterpartPass) {
            Arrays.fill(row, -1);
        }
        boolean[] used = new boolean[passList.size()];
        for (Counterpart c : links) {
            if (c.slot() >= groupSize) {
                throw new IllegalArgumentException("plan '" + name + "': counterpart " + c + " names slot " + c.slot()
                        + " but the plan has " + groupSize + " slots");
            }
            if (c.pass() >= passList.size()) {
                throw new IllegalArgumentException("plan '" + name + "': counterpart " + c + " names pass " + c.pass()
                        + " but the plan has " + passList.size() + " passes");
            }
            if (conditional.role(c.slot(), c.stream()) != Role.GENERATE) {
                throw new IllegalArgumentException("plan '" + name + "': counterpart " + c + " guides slot " + c.slot() + " "
                        + c.stream() + ", which is not generated (" + conditional.role(c.slot(), c.stream()) + ")");
            }
            if (passList.get(c.pass()).role(c.slot(), c.stream()) != Role.GENERATE) {
                throw new IllegalArgumentException("plan '" + name + "': counterpart " + c + " takes slot " + c.slot() + " "
                        + c.stream() + " from pass " + c.pass() + " where it is " + passList.get(c.pass()).role(c.slot(), c.stream())
                        + "; it must be GENERATE there so both passes see the same state");
            }
            if (counterpartPass[c.slot()][c.stream().ordinal()] >= 0) {
                throw new IllegalArgumentException("plan '" + name + "': slot " + c.slot() + " " + c.stream()
                        + " has two counterparts; expected at most one");
            }
            counterpartPass[c.slot()][c.stream().ordinal()] = c.pass();
            used[c.pass()] = true;
        }
        for (int p = 1; p < passList.size(); p++) {
            if (!used[p]) {
                throw new IllegalArgumentException("plan '" + name + "': pass " + p + " ('" + passList.get(p).name()
                        + "') is the unconditional counterpart of nothing; remove it or link it with a Counterpart");
            }
        }
        return new TaskPlan(name, passList, links, counterpartPass);
    }

    // ---------------------------------------------------------------- the tasks of the reference

    /** Text to image with the reference's unconditional pass (caption marginalized). */
    public static TaskPlan textToImage() {
        return textToImage(UnconditionalText.NOISE);
    }

    /**
     * Text to image: image latent and CLIP token generated, the prompt latent a condition at t = 0;
     * the unconditional pass replaces the prompt as {@code uncond} says. Given values: slot 0 TEXT
     * (the prompt latent), plus the empty-prompt latent for {@link UnconditionalText#EMPTY_PROMPT}.
     */
    public static TaskPlan textToImage(UnconditionalText uncond) {
        Pass cond = Pass.uniform("conditional", 1, Role.GENERATE, Role.CONDITION);
        Pass unc = cond.with(uncondName(uncond), Stream.TEXT, r -> uncond.role());
        return of("text-to-image", List.of(cond, unc), List.of(new Counterpart(0, Stream.IMAGE, 1)));
    }

    /** Image to text: text latent generated, the encoded image (latent and CLIP token) a condition at t = 0. */
    public static TaskPlan imageToText() {
        Pass cond = Pass.uniform("conditional", 1, Role.CONDITION, Role.GENERATE);
        Pass unc = cond.with("image marginalized", Stream.IMAGE, r -> Role.MARGINALIZE);
        return of("image-to-text", List.of(cond, unc), List.of(new Counterpart(0, Stream.TEXT, 1)));
    }

    /**
     * Joint image and text: both generated at t. The text output's counterpart is a pass with the
     * image marginalized, the image outputs' a pass with the text marginalized (3 passes).
     */
    public static TaskPlan joint() {
        Pass cond = Pass.uniform("conditional", 1, Role.GENERATE, Role.GENERATE);
        Pass imageMarginalized = cond.with("image marginalized", Stream.IMAGE, r -> Role.MARGINALIZE);
        Pass textMarginalized = cond.with("text marginalized", Stream.TEXT, r -> Role.MARGINALIZE);
        return of("joint", List.of(cond, imageMarginalized, textMarginalized),
                List.of(new Counterpart(0, Stream.TEXT, 1), new Counterpart(0, Stream.IMAGE, 2)));
    }

    /** Unconditional image: text marginalized, one pass, no guidance. */
    public static TaskPlan imageOnly() {
        return of("image", List.of(Pass.uniform("conditional", 1, Role.GENERATE, Role.MARGINALIZE)), List.of());
    }

    /** Unconditional text: image marginalized, one pass, no guidance. */
    public static TaskPlan textOnly() {
        return of("text", List.of(Pass.uniform("conditional", 1, Role.MARGINALIZE, Role.GENERATE)), List.of());
    }

    /**
     * Grouped generation guided by captions and references: {@link #group(List, UnconditionalText,
     * boolean)} with references dropped from the unconditional pass.
     */
    public static TaskPlan group(List<PlanSlot> slots, UnconditionalText uncond) {
        return group(slots, uncond, true);
    }

    /**
     * Grouped generation: every slot generated or a reference, captioned or not. Each generated
     * image is guided like text-to-image by one unconditional pass in which every caption is
     * replaced as {@code uncond} says; references are marginalized there too when
     * {@code guideByReferences}, else they stay as they are. Guiding by the references as well
     * treats them as what they are, conditions, like the in-context plan drops its examples: on
     * the default model it raises "unstated style equals the reference's" from 0.38 to 0.55.
     * With nothing to drop (no caption, and no reference or references kept) the plan has the
     * conditional pass only. Given values: TEXT of captioned slots, IMAGE of reference slots.
     *
     * @throws IllegalArgumentException if there are no slots or no slot is generated
     */
    public static TaskPlan group(List<PlanSlot> slots, UnconditionalText uncond, boolean guideByReferences) {
        if (slots == null || slots.isEmpty()) {
            throw new IllegalArgumentException("a group needs at least 1 slot, got 0");
        }
        int n = slots.size();
        Role[] image = new Role[n];
        Role[] text = new Role[n];
        boolean anyGenerated = false;
        boolean anyCaption = false;
        boolean anyReference = false;
        for (int g = 0; g < n; g++) {
            PlanSlot slot = Objects.requireNonNull(slots.get(g), "group slot " + g);
            image[g] = slot.image();
            text[g] = slot.text();
            anyGenerated |= slot.generated();
            anyCaption |= slot.captioned();
            anyReference |= !slot.generated();
        }
        if (!anyGenerated) {
            throw new IllegalArgumentException("a group of " + n + " slots has references but no slot to generate; "
                    + "mark at least one slot GENERATE");
        }
        Pass cond = Pass.of("conditional", image, text);
        boolean dropReferences = guideByReferences && anyReference;
        if (!anyCaption && !dropReferences) {
            return of("group", List.of(cond), List.of());
        }
        Pass unc = cond.with(uncondName(uncond), Stream.TEXT, r -> r == Role.CONDITION ? uncond.role() : r);
        if (dropReferences) {
            unc = unc.with(unc.name() + ", references dropped", Stream.IMAGE,
                    r -> r == Role.GENERATE ? r : Role.MARGINALIZE);
        }
        List<Counterpart> links = new ArrayList<>();
        for (int g = 0; g < n; g++) {
            if (slots.get(g).generated()) {
                links.add(new Counterpart(g, Stream.IMAGE, 1));
            }
        }
        return of("group", List.of(cond, unc), links);
    }

    /**
     * An in-context task (LaVin-DiT style) as a group of {@code 2 * pairs + 2} uncaptioned slots:
     * {@code pairs} example (input, output) pairs, the query input, then the generated output.
     * Examples and query are references fed as {@code referenceRole} says; the unconditional pass
     * drops the example pairs (marginalizes them) and keeps the query.
     *
     * @param pairs         number of example pairs, at least 1
     * @param referenceRole {@link Role#CONDITION} (clean) or {@link Role#RENOISE}
     */
    public static TaskPlan inContext(int pairs, Role referenceRole) {
        if (pairs < 1) {
            throw new IllegalArgumentException("an in-context task needs at least 1 example pair, got " + pairs);
        }
        if (referenceRole != Role.CONDITION && referenceRole != Role.RENOISE) {
            throw new IllegalArgumentException("references are CONDITION or RENOISE, got " + referenceRole);
        }
        int n = 2 * pairs + 2;
        Role[] image = new Role[n];
        Role[] text = new Role[n];
        Arrays.fill(image, referenceRole);
        Arrays.fill(text, Role.MARGINALIZE);
        image[n - 1] = Role.GENERATE;
        Pass cond = Pass.of("conditional", image, text);
        Pass unc = cond;
        for (int g = 0; g < 2 * pairs; g++) {
            unc = unc.with("examples dropped", g, Stream.IMAGE, Role.MARGINALIZE);
        }
        return of("in-context", List.of(cond, unc), List.of(new Counterpart(n - 1, Stream.IMAGE, 1)));
    }

    private static String uncondName(UnconditionalText uncond) {
        return uncond == UnconditionalText.NOISE ? "text marginalized" : "empty prompt";
    }

    // ---------------------------------------------------------------- queries

    /** The plan's short name. */
    public String name() {
        return name;
    }

    /** Slots per row. */
    public int groupSize() {
        return passes.get(0).groupSize();
    }

    /** Number of passes (1 + unconditional passes). */
    public int passCount() {
        return passes.size();
    }

    /** Pass {@code index}; 0 is the conditional pass. */
    public Pass pass(int index) {
        return passes.get(index);
    }

    /** All passes, conditional first. */
    public List<Pass> passes() {
        return passes;
    }

    /** The guidance links as given. */
    public List<Counterpart> counterparts() {
        return counterparts;
    }

    /** Whether (slot, stream) is part of the solved state. */
    public boolean generates(int slot, Stream stream) {
        return passes.get(0).role(slot, stream) == Role.GENERATE;
    }

    /** The pass holding the unconditional prediction of a generated (slot, stream), if it is guided. */
    public OptionalInt guidancePass(int slot, Stream stream) {
        Objects.checkIndex(slot, groupSize());
        int p = counterpartPass[slot][stream.ordinal()];
        return p < 0 ? OptionalInt.empty() : OptionalInt.of(p);
    }

    /** Whether any of the first {@code activePasses} passes reads a given value for (slot, stream). */
    public boolean readsGiven(int slot, Stream stream, int activePasses) {
        for (int p = 0; p < activePasses; p++) {
            if (passes.get(p).role(slot, stream).readsGivenValue()) {
                return true;
            }
        }
        return false;
    }

    /** Whether any of the first {@code activePasses} passes feeds the stream's empty value. */
    public boolean readsEmpty(Stream stream, int activePasses) {
        for (int p = 0; p < activePasses; p++) {
            if (passes.get(p).uses(stream, Role.EMPTY_CONDITION)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TaskPlan '").append(name).append("': ");
        for (int p = 0; p < passes.size(); p++) {
            sb.append(p == 0 ? "" : " | ").append("pass ").append(p).append(' ').append(passes.get(p));
        }
        return sb.append(", guidance ").append(counterparts).toString();
    }
}
