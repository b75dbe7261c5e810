package org.normlab.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/** Ghost batch norm: statistics per virtual sub-batch, running statistics updated per sub-batch. */
class GhostBatchNormTest {

  private static int[] dims(Layout layout, int n) {
    return switch (layout) {
      case NC -> new int[] {n, 3};
      case NCHW -> new int[] {n, 3, 2, 3};
      default -> new int[] {n, 2, 3, 3};
    };
  }

  private static BatchNorm.Builder withMomentum(BatchNorm.Builder b) {
    return b.optMomentum(0.2);
  }

  private static void load(BatchNorm bn) {
    bn.loadAffine(Tensor.vector(1.5f, 0.5f, -1f), Tensor.vector(0.2f, 0f, -0.3f));
  }

  @ParameterizedTest
  @EnumSource(value = Layout.class, names = {"NC", "NCHW", "NHWC"})
  void equalsSeparateBatchNormsOverSubBatchesInTurn(Layout layout) {
    BatchNorm ghost = withMomentum(BatchNorm.builder(3).optGhostBatchSize(2)).build();
    BatchNorm plain = withMomentum(BatchNorm.builder(3)).build();
    load(ghost);
    load(plain);
    int[] full = dims(layout, 6);
    int[] sub = dims(layout, 2);
    Tensor x = Tensor.randn(1, 1f, 2f, layout, full);
    Tensor dy = Tensor.randn(2, layout, full);
    Tensor y = ghost.forward(x);
    Tensor dx = ghost.backward(dy);
    int per = x.size() / 3;
    for (int g = 0; g < 3; g++) {
      Tensor xs = Tensor.wrap(Arrays.copyOfRange(x.data(), g * per, (g + 1) * per), layout, sub);
      Tensor dys = Tensor.wrap(Arrays.copyOfRange(dy.data(), g * per, (g + 1) * per), layout, sub);
      assertArrayEquals(plain.forward(xs).data(), Arrays.copyOfRange(y.data(), g * per, (g + 1) * per));
      assertArrayEquals(plain.backward(dys).data(), Arrays.copyOfRange(dx.data(), g * per, (g + 1) * per));
    }
    assertEquals(3, ghost.numBatchesTracked());
    assertArrayEquals(plain.runningMean().data(), ghost.runningMean().data());
    assertArrayEquals(plain.runningVar().data(), ghost.runningVar().data());
    for (int ch = 0; ch < 3; ch++) {
      assertEquals(plain.weightGrad().data()[ch], ghost.weightGrad().data()[ch], 1e-5);
      assertEquals(plain.biasGrad().data()[ch], ghost.biasGrad().data()[ch], 1e-5);
    }
    BatchNormGradCheck.check(ghost, x, 3);
  }

  @ParameterizedTest
  @EnumSource(value = Layout.class, names = {"NC", "NHWC"})
  void batchMustDivideEvenlyAndEvalIgnoresGhostSize(Layout layout) {
    BatchNorm ghost = BatchNorm.builder(3).optGhostBatchSize(4).build();
    var e = assertThrows(IllegalArgumentException.class,
        () -> ghost.forward(Tensor.randn(1, layout, dims(layout, 6))));
    assertTrue(e.getMessage().contains("6") && e.getMessage().contains("4"), e.getMessage());
    ghost.setTraining(false);
    Tensor x = Tensor.randn(1, layout, dims(layout, 6));
    assertArrayEquals(BatchNorm.builder(3).build().setTraining(false).forward(x).data(),
        ghost.forward(x).data());
    BatchNorm single = BatchNorm.builder(3).optGhostBatchSize(1).build();
    assertThrows(IllegalArgumentException.class, () -> single.forward(Tensor.randn(1, Layout.NC, 4, 3)));
  }
}
