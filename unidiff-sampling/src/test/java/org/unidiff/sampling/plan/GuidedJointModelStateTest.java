package org.unidiff.sampling.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.unidiff.sampling.noise.SeededNoiseSource;

/** {@link GuidedJointModel#state} is the inverse of {@link GuidedJointModel#split} for every task. */
class GuidedJointModelStateTest {

    static List<org.junit.jupiter.params.provider.Arguments> everyTask() {
        return GuidedJointModelTest.everyTask().toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyTask")
    void stateOfASplitIsTheStateAndMissingPartsAreNamed(TaskPlan plan, JointShape shape) {
        GuidedJointModel model = GuidedJointModel.builder(plan, shape, GuidedJointModelTest.SCHEDULE,
                        new RecordingJointPredictor())
                .givens(GuidedJointModelTest.givensFor(plan, shape)).noise(SeededNoiseSource.streams(5, 3)).build();
        double[] x = model.initialState();
        List<SampleLatents> split = model.split(x);
        assertArrayEquals(x, model.state(split));
        assertThrows(IllegalArgumentException.class, () -> model.state(split.subList(0, 2)));
        SampleLatents first = split.get(0);
        SlotLatents slot = first.slot(0);
        SlotLatents emptied = new SlotLatents(null, null, null);
        boolean generatesSlot0 = slot.imageLatent() != null || slot.text() != null;
        if (generatesSlot0) {
            List<SlotLatents> slots = new java.util.ArrayList<>(first.slots());
            slots.set(0, emptied);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.state(
                    List.of(new SampleLatents(0, slots), split.get(1), split.get(2))));
            assertTrue(e.getMessage().contains("sample 0, slot 0"), e.getMessage());
        }
    }
}
