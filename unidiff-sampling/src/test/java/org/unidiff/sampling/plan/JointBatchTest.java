package org.unidiff.sampling.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The buffers ONNX Runtime will wrap: direct, native order, row-major [B,G,...] shapes. */
class JointBatchTest {

    private static final JointShape SHAPE = new JointShape(4, 8, 6, 5, 7, 3, 2);

    @Test
    void buffersAreDirectNativeAndSizedByTheContract() {
        JointBatch batch = JointBatch.allocate(SHAPE, 3, true);
        for (Part part : Part.values()) {
            assertTrue(batch.buffer(part).isDirect(), part + " direct");
            assertEquals(ByteOrder.nativeOrder(), batch.buffer(part).order(), part + " native order");
        }
        assertEquals(3 * 2 * 4 * 8 * 6, batch.img().capacity());
        assertEquals(3 * 2 * 5, batch.clipImg().capacity());
        assertEquals(3 * 2 * 7 * 3, batch.text().capacity());
        assertEquals(6, batch.tImg().capacity());
        assertEquals(6, batch.tText().capacity());
        assertTrue(batch.dataType().isDirect());
        assertEquals(3, batch.dataType().capacity());
        assertArrayEquals(new long[] {3, 2, 4, 8, 6}, batch.tensorShape(Part.IMAGE_LATENT));
        assertArrayEquals(new long[] {3, 2, 1, 5}, batch.tensorShape(Part.CLIP));
        assertArrayEquals(new long[] {3, 2, 7, 3}, batch.tensorShape(Part.TEXT));
        assertArrayEquals(new long[] {3, 2}, batch.timeShape());
        JointOutputs outputs = JointOutputs.allocate(SHAPE, 3);
        assertTrue(outputs.text().isDirect());
        assertEquals(batch.text().capacity(), outputs.text().capacity());
    }

    @Test
    void offsetsAreRowMajorOverRowsThenSlots() {
        JointBatch batch = JointBatch.allocate(SHAPE, 3, false);
        assertEquals((2 * 2 + 1) * 192, batch.offset(Part.IMAGE_LATENT, 2, 1));
        assertEquals((1 * 2 + 0) * 21, batch.offset(Part.TEXT, 1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> batch.offset(Part.CLIP, 3, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> batch.offset(Part.CLIP, 0, 2));
        assertFalse(batch.hasDataType());
        IllegalStateException e = assertThrows(IllegalStateException.class, batch::dataType);
        assertTrue(e.getMessage().contains("no data_type"));
    }

    @Test
    void tooLargeBatchesAreRejectedWithTheTensorName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JointBatch.allocate(new JointShape(4, 512, 512, 512, 77, 64, 8), 1000, false));
        assertTrue(e.getMessage().contains("tensor img"), e.getMessage());
    }
}
