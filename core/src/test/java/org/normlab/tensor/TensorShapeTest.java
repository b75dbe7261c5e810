package org.normlab.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Shapes, creation, element access and the messages of shape errors. */
class TensorShapeTest {

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void requireChannelsNamesExpectedAndActual() {
    Tensor x = Tensor.zeros(Layout.NCHW, 2, 32, 3, 3);
    assertSame(x, x.requireChannels(32));
    String m = message(() -> x.requireChannels(64));
    assertTrue(m.startsWith("channels: expected 64, got 32"), m);
  }

  @Test
  void requireShapeAndSameShapeNameTheArgument() {
    Tensor x = Tensor.zeros(Layout.NC, 4, 3);
    String m = message(() -> x.requireShape("weight", Shape.of(3)));
    assertEquals("weight: expected shape (3,), got (4, 3)", m);
    Tensor y = Tensor.zeros(Layout.ROW_MAJOR, 4, 3);
    m = message(() -> x.requireSameShape("grad", y));
    assertEquals("grad: expected ROW_MAJOR (4, 3), got NC (4, 3)", m);
  }

  @Test
  void layoutRankMismatchIsAnError() {
    String m = message(() -> Tensor.zeros(Layout.NCHW, 2, 3, 4));
    assertTrue(m.contains("NCHW expects rank 4") && m.contains("rank 3"), m);
  }

  @Test
  void wrapChecksTheElementCount() {
    String m = message(() -> Tensor.wrap(new float[5], Layout.NC, 2, 3));
    assertTrue(m.contains("expected 6 elements") && m.contains("got 5"), m);
  }

  @Test
  void negativeDimensionIsAnError() {
    String m = message(() -> Shape.of(2, -1));
    assertTrue(m.contains("dimension 1 must be >= 0, got -1"), m);
  }

  @Test
  void elementCountOverflowIsAnErrorNotAWrapAround() {
    // 65536 * 65536 = 2^32 wraps to 0 in int arithmetic; it must be rejected.
    String m = message(() -> Shape.of(65536, 65536));
    assertTrue(m.contains("more elements than one array holds"), m);
    // 2^16 * 2^16 * 0 is 0 elements only after the overflowing prefix: still rejected.
    assertThrows(IllegalArgumentException.class, () -> Shape.of(65536, 65536, 0));
    assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(Layout.NCHW, 1024, 1024, 1024, 2));
    // The largest count still fits.
    assertEquals(Shape.MAX_ELEMENTS, Shape.of(Shape.MAX_ELEMENTS).size());
  }

  @Test
  void stridesAndOffsets() {
    Shape s = Shape.of(2, 3, 4);
    assertArrayEquals(new int[] {12, 4, 1}, s.strides());
    assertEquals(1 * 12 + 2 * 4 + 3, s.offset(1, 2, 3));
    assertEquals(24, s.size());
    assertEquals(12, s.product(1, 3));
    assertEquals("(2, 3, 4)", s.toString());
    assertEquals("(5,)", Shape.of(5).toString());
    assertEquals(Shape.of(2, 3, 4), s);
    assertNotEquals(Shape.of(2, 4, 3), s);
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> s.offset(0, 3, 0));
    assertTrue(e.getMessage().contains("axis 1"), e.getMessage());
    assertTrue(message(() -> s.offset(0, 0)).contains("expected 3 coordinates"));
    assertTrue(message(() -> s.dim(3)).contains("axis: expected 0..2"));
  }

  @Test
  void getAndSetUseMemoryOrder() {
    Tensor x = Tensor.zeros(Layout.NHWC, 1, 2, 2, 3);
    x.set(5f, 0, 1, 0, 2);
    assertEquals(5f, x.get(0, 1, 0, 2));
    assertEquals(5f, x.data()[1 * 2 * 3 + 0 * 3 + 2]);
  }

  @Test
  void reshapeSharesDataAndChecksCount() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, Layout.NC, 2, 3);
    Tensor r = x.reshape(Layout.ROW_MAJOR, 6);
    r.data()[0] = 9f;
    assertEquals(9f, x.get(0, 0));
    String m = message(() -> x.reshape(Layout.NC, 4, 2));
    assertTrue(m.contains("(2, 3) has 6 elements") && m.contains("(4, 2) has 8"), m);
  }

  @Test
  void creationIsSeededAndCopies() {
    float[] src = {1, 2, 3};
    Tensor v = Tensor.vector(src);
    src[0] = 7;
    assertEquals(1f, v.get(0));
    assertArrayEquals(Tensor.randn(42, Layout.NC, 3, 4).data(), Tensor.randn(42, Layout.NC, 3, 4).data());
    assertNotEquals(Tensor.randn(42, Layout.NC, 3, 4).get(0, 0), Tensor.randn(43, Layout.NC, 3, 4).get(0, 0));
    Tensor u = Tensor.uniform(1, -2f, 3f, Layout.ROW_MAJOR, 1000);
    for (float f : u.data()) {
      assertTrue(f >= -2f && f < 3f, "uniform value " + f);
    }
    assertTrue(message(() -> Tensor.uniform(1, 1f, 1f, Layout.NC, 1, 1)).contains("low < high"));
    Tensor f = Tensor.filled(2.5f, Layout.NC, 2, 2);
    assertArrayEquals(new float[] {2.5f, 2.5f, 2.5f, 2.5f}, f.data());
    Tensor c = f.copy();
    c.data()[0] = 0;
    assertEquals(2.5f, f.data()[0]);
    assertEquals(f.shape(), f.zerosLike().shape());
  }

  @Test
  void randnHasTheRequestedMoments() {
    Tensor x = Tensor.randn(5, 3f, 2f, Layout.ROW_MAJOR, 100_000);
    double sum = 0;
    double sumSq = 0;
    for (float v : x.data()) {
      sum += v;
      sumSq += (double) v * v;
    }
    double mean = sum / x.size();
    double std = Math.sqrt(sumSq / x.size() - mean * mean);
    // Standard error of the mean is 2/sqrt(1e5) = 0.0063; 5 sigma bounds.
    assertEquals(3.0, mean, 0.032);
    assertEquals(2.0, std, 0.03);
  }

  @Test
  void toStringIsAShortSummary() {
    String s = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, Layout.NC, 2, 4).toString();
    assertTrue(s.startsWith("Tensor[NC (2, 4) float32 mean=4.500"), s);
    assertTrue(s.contains("min=1.000") && s.contains("max=8.000") && s.endsWith(", ...]]"), s);
    assertEquals("Tensor[NC (0, 4) float32]", Tensor.zeros(Layout.NC, 0, 4).toString());
  }
}
