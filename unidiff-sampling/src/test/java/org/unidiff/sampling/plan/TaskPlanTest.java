package org.unidiff.sampling.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unidiff.sampling.plan.Role.CONDITION;
import static org.unidiff.sampling.plan.Role.EMPTY_CONDITION;
import static org.unidiff.sampling.plan.Role.GENERATE;
import static org.unidiff.sampling.plan.Role.MARGINALIZE;
import static org.unidiff.sampling.plan.Role.RENOISE;
import static org.unidiff.sampling.plan.Stream.IMAGE;
import static org.unidiff.sampling.plan.Stream.TEXT;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The factories against the task table of the reference, and the plan rules. */
class TaskPlanTest {

    /** Asserts (image role, text role) of slot 0 in every pass, in order. */
    private static void assertRoles(TaskPlan plan, Role... imageTextPerPass) {
        assertEquals(imageTextPerPass.length / 2, plan.passCount(), plan.name() + " pass count");
        for (int p = 0; p < plan.passCount(); p++) {
            assertEquals(imageTextPerPass[2 * p], plan.pass(p).role(0, IMAGE), plan.name() + " pass " + p + " image");
            assertEquals(imageTextPerPass[2 * p + 1], plan.pass(p).role(0, TEXT), plan.name() + " pass " + p + " text");
        }
    }

    @Test
    void textToImage() {
        TaskPlan plan = TaskPlan.textToImage();
        assertRoles(plan, GENERATE, CONDITION, GENERATE, MARGINALIZE);
        assertEquals(OptionalInt.of(1), plan.guidancePass(0, IMAGE));
        assertTrue(plan.generates(0, IMAGE));
        assertFalse(plan.generates(0, TEXT));
        assertRoles(TaskPlan.textToImage(UnconditionalText.EMPTY_PROMPT), GENERATE, CONDITION, GENERATE, EMPTY_CONDITION);
    }

    @Test
    void imageToText() {
        TaskPlan plan = TaskPlan.imageToText();
        assertRoles(plan, CONDITION, GENERATE, MARGINALIZE, GENERATE);
        assertEquals(OptionalInt.of(1), plan.guidancePass(0, TEXT));
    }

    @Test
    void jointHasThreePassesWithCrossedCounterparts() {
        TaskPlan plan = TaskPlan.joint();
        assertRoles(plan, GENERATE, GENERATE, MARGINALIZE, GENERATE, GENERATE, MARGINALIZE);
        assertEquals(OptionalInt.of(1), plan.guidancePass(0, TEXT), "text from the pass with the image marginalized");
        assertEquals(OptionalInt.of(2), plan.guidancePass(0, IMAGE), "image from the pass with the text marginalized");
    }

    @Test
    void unconditionalTasksHaveOnePassAndNoGuidance() {
        assertRoles(TaskPlan.imageOnly(), GENERATE, MARGINALIZE);
        assertRoles(TaskPlan.textOnly(), MARGINALIZE, GENERATE);
        assertEquals(OptionalInt.empty(), TaskPlan.imageOnly().guidancePass(0, IMAGE));
        assertEquals(OptionalInt.empty(), TaskPlan.textOnly().guidancePass(0, TEXT));
    }

    @Test
    void groupGuidedByCaptionsAloneKeepsReferences() {
        TaskPlan plan = TaskPlan.group(List.of(PlanSlot.generate(true), PlanSlot.cleanReference(true),
                PlanSlot.renoisedReference(false), PlanSlot.generate(false)), UnconditionalText.NOISE, false);
        assertEquals(4, plan.groupSize());
        assertEquals(2, plan.passCount());
        Role[] condImage = {GENERATE, CONDITION, RENOISE, GENERATE};
        Role[] condText = {CONDITION, CONDITION, MARGINALIZE, MARGINALIZE};
        for (int g = 0; g < 4; g++) {
            assertEquals(condImage[g], plan.pass(0).role(g, IMAGE));
            assertEquals(condText[g], plan.pass(0).role(g, TEXT));
            assertEquals(condImage[g], plan.pass(1).role(g, IMAGE), "references kept in the unconditional pass");
            assertEquals(MARGINALIZE, plan.pass(1).role(g, TEXT), "every caption marginalized");
        }
        assertEquals(OptionalInt.of(1), plan.guidancePass(0, IMAGE));
        assertEquals(OptionalInt.of(1), plan.guidancePass(3, IMAGE));
        assertEquals(OptionalInt.empty(), plan.guidancePass(1, IMAGE));
        TaskPlan empty = TaskPlan.group(List.of(PlanSlot.generate(true), PlanSlot.generate(false)),
                UnconditionalText.EMPTY_PROMPT);
        assertEquals(EMPTY_CONDITION, empty.pass(1).role(0, TEXT));
        assertEquals(MARGINALIZE, empty.pass(1).role(1, TEXT), "an uncaptioned slot stays marginalized");
    }

    @Test
    void groupGuidedByReferencesDropsThemFromTheUnconditionalPass() {
        TaskPlan plan = TaskPlan.group(List.of(PlanSlot.generate(true), PlanSlot.cleanReference(true),
                PlanSlot.renoisedReference(false), PlanSlot.generate(false)), UnconditionalText.NOISE);
        assertEquals(2, plan.passCount());
        Role[] condImage = {GENERATE, CONDITION, RENOISE, GENERATE};
        Role[] uncImage = {GENERATE, MARGINALIZE, MARGINALIZE, GENERATE};
        for (int g = 0; g < 4; g++) {
            assertEquals(condImage[g], plan.pass(0).role(g, IMAGE));
            assertEquals(uncImage[g], plan.pass(1).role(g, IMAGE), "slot " + g);
            assertEquals(MARGINALIZE, plan.pass(1).role(g, TEXT), "every caption marginalized");
        }
        assertTrue(plan.pass(1).name().endsWith("references dropped"), plan.pass(1).name());
        assertEquals(OptionalInt.of(1), plan.guidancePass(0, IMAGE));
        assertEquals(OptionalInt.of(1), plan.guidancePass(3, IMAGE));
        assertEquals(OptionalInt.empty(), plan.guidancePass(1, IMAGE));
    }

    @Test
    void groupWithoutCaptionsIsGuidedByItsReferencesOnly() {
        List<PlanSlot> slots = List.of(PlanSlot.generate(false), PlanSlot.cleanReference(false));
        TaskPlan kept = TaskPlan.group(slots, UnconditionalText.NOISE, false);
        assertEquals(1, kept.passCount(), "nothing to guide by");
        assertEquals(OptionalInt.empty(), kept.guidancePass(0, IMAGE));
        TaskPlan dropped = TaskPlan.group(slots, UnconditionalText.NOISE);
        assertEquals(2, dropped.passCount());
        assertEquals(MARGINALIZE, dropped.pass(1).role(1, IMAGE));
        assertEquals(OptionalInt.of(1), dropped.guidancePass(0, IMAGE));
        TaskPlan noReference = TaskPlan.group(List.of(PlanSlot.generate(false), PlanSlot.generate(false)),
                UnconditionalText.NOISE);
        assertEquals(1, noReference.passCount(), "neither captions nor references: nothing to guide by");
    }

    @Test
    void inContextDropsExamplesInTheUnconditionalPass() {
        TaskPlan plan = TaskPlan.inContext(2, CONDITION);
        assertEquals(6, plan.groupSize());
        for (int g = 0; g < 4; g++) {
            assertEquals(CONDITION, plan.pass(0).role(g, IMAGE));
            assertEquals(MARGINALIZE, plan.pass(1).role(g, IMAGE));
        }
        assertEquals(CONDITION, plan.pass(1).role(4, IMAGE), "the query is kept");
        assertEquals(GENERATE, plan.pass(0).role(5, IMAGE));
        assertEquals(OptionalInt.of(1), plan.guidancePass(5, IMAGE));
    }

    @Test
    void variationsChainTheTasks() {
        TwoStagePlan image = TwoStagePlan.imageVariation(UnconditionalText.NOISE);
        assertEquals("image-to-text", image.first().name());
        assertEquals("text-to-image", image.second().name());
        assertEquals(TEXT, image.carried());
        TwoStagePlan text = TwoStagePlan.textVariation(UnconditionalText.NOISE);
        assertEquals(IMAGE, text.carried());
        assertEquals("image-to-text", text.second().name());
        TwoStagePlan viaText = TwoStagePlan.imageViaText(UnconditionalText.NOISE);
        assertEquals("text", viaText.first().name());
        assertEquals("text-to-image", viaText.second().name());
        assertEquals(TEXT, viaText.carried());
        assertEquals(GENERATE, viaText.first().pass(0).role(0, TEXT));
        assertEquals(MARGINALIZE, viaText.first().pass(0).role(0, IMAGE), "the first stage draws no image");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TwoStagePlan("bad", TaskPlan.textOnly(), TaskPlan.imageToText(), IMAGE));
        assertTrue(e.getMessage().contains("does not generate slot 0 IMAGE"), e.getMessage());
    }

    @Test
    void rejectsPlansThatBreakTheRules() {
        Pass nothing = Pass.uniform("conditional", 1, CONDITION, MARGINALIZE);
        assertMessage("nothing to generate", () -> TaskPlan.of("x", List.of(nothing), List.of()));
        assertMessage("references but no slot to generate", () -> TaskPlan.group(
                List.of(PlanSlot.cleanReference(true), PlanSlot.renoisedReference(false)), UnconditionalText.NOISE));
        assertMessage("at least 1 slot", () -> TaskPlan.group(List.of(), UnconditionalText.NOISE));
        assertMessage("group size must be >= 1", () -> Pass.uniform("p", 0, GENERATE, GENERATE));
        assertMessage("no passes", () -> TaskPlan.of("x", List.of(), List.of()));
        Pass cond = Pass.uniform("conditional", 1, GENERATE, CONDITION);
        assertMessage("which the conditional pass does not generate", () -> TaskPlan.of("x",
                List.of(cond, Pass.uniform("u", 1, GENERATE, GENERATE)), List.of(new Counterpart(0, IMAGE, 1))));
        assertMessage("counterpart of nothing", () -> TaskPlan.of("x",
                List.of(cond, cond.with("u", TEXT, r -> MARGINALIZE)), List.of()));
        assertMessage("is not generated", () -> TaskPlan.of("x",
                List.of(cond, cond.with("u", TEXT, r -> MARGINALIZE)), List.of(new Counterpart(0, TEXT, 1))));
        assertMessage("must be GENERATE there", () -> TaskPlan.of("x",
                List.of(cond, cond.with("u", IMAGE, r -> MARGINALIZE)), List.of(new Counterpart(0, IMAGE, 1))));
        assertMessage("has 2 slots but the conditional pass has 1", () -> TaskPlan.of("x",
                List.of(cond, Pass.uniform("u", 2, GENERATE, MARGINALIZE)), List.of(new Counterpart(0, IMAGE, 1))));
        assertMessage("names pass 2", () -> TaskPlan.of("x",
                List.of(cond, cond.with("u", TEXT, r -> MARGINALIZE)), List.of(new Counterpart(0, IMAGE, 2))));
        assertMessage("image must be GENERATE, CONDITION", () -> new PlanSlot(MARGINALIZE, CONDITION));
        assertMessage("at least 1 example pair", () -> TaskPlan.inContext(0, CONDITION));
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }
}
