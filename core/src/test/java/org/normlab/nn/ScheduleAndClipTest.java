package org.normlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.normlab.tensor.Tensor;

/**
 * Learning-rate schedules and gradient clipping against PyTorch 1.13.1: the expected values were
 * printed by torch.optim.lr_scheduler (StepLR, MultiStepLR, CosineAnnealingLR, LinearLR) with base
 * lr 0.1 over consecutive steps, and by torch.nn.utils.clip_grad_norm_.
 */
class ScheduleAndClipTest {
  private static void expect(LearningRateSchedule s, double... expected) {
    for (int t = 0; t < expected.length; t++) {
      assertEquals(expected[t], s.at(t), 1e-12, "t=" + t);
    }
  }

  @Test
  void stepLr() {
    // StepLR(step_size=3, gamma=0.5)
    expect(LearningRateSchedule.step(0.1, 3, 0.5), 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025);
  }

  @Test
  void multiStepLr() {
    // MultiStepLR(milestones=[2, 5], gamma=0.1)
    expect(LearningRateSchedule.multiStep(0.1, new long[] {2, 5}, 0.1), 0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001);
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.multiStep(0.1, new long[] {5, 2}, 0.1));
  }

  @Test
  void cosineLr() {
    // CosineAnnealingLR(T_max=4, eta_min=0.01); after T_max normlab stays at eta_min
    expect(LearningRateSchedule.cosine(0.1, 4, 0.01), 0.1, 0.08681980515339464, 0.05500000000000001,
        0.023180194846605363, 0.01);
    assertEquals(0.01, LearningRateSchedule.cosine(0.1, 4, 0.01).at(9));
  }

  @Test
  void linearWarmup() {
    // LinearLR(start_factor=0.1, end_factor=1.0, total_iters=4)
    expect(LearningRateSchedule.linearWarmup(LearningRateSchedule.constant(0.1), 4, 0.1),
        0.010000000000000002, 0.03250000000000001, 0.055000000000000014, 0.07750000000000003, 0.1, 0.1);
    // then the inner schedule, shifted by the warm-up
    assertEquals(0.05, LearningRateSchedule.linearWarmup(LearningRateSchedule.step(0.1, 3, 0.5), 4, 0.1).at(7), 1e-12);
  }

  @Test
  void clipByGlobalNorm() {
    Parameter a = new Parameter("a", Tensor.vector(0, 0, 0));
    Parameter b = new Parameter("b", Tensor.vector(0, 0));
    System.arraycopy(new float[] {3, 4, 0}, 0, a.grad().data(), 0, 3);
    System.arraycopy(new float[] {12, 0}, 0, b.grad().data(), 0, 2);
    double norm = GradClip.clipByNorm(List.of(a, b), 6.5);
    assertEquals(13.0, norm, 1e-9);
    // clip_grad_norm_([a, b], 6.5): scale 6.5 / (13 + 1e-6)
    assertArrayEquals(new float[] {1.4999998807907104f, 1.9999998807907104f, 0f}, a.grad().data(), 1e-7f);
    assertArrayEquals(new float[] {5.999999523162842f, 0f}, b.grad().data(), 1e-6f);
    // below the limit nothing changes
    GradClip.clipByNorm(List.of(a, b), 100);
    assertEquals(5.999999523162842f, b.grad().data()[0], 1e-6f);
  }

  @Test
  void excludingNormParametersFromWeightDecay() {
    Parameter w = new Parameter("weight", Tensor.vector(1f));
    Parameter gamma = new Parameter("weight", Tensor.vector(1f), true);
    Sgd sgd = Sgd.builder().setLearningRate(0.1).optWeightDecay(0.5).optExcludeNormFromDecay(true)
        .build(List.of(w, gamma));
    sgd.step();
    // zero gradients: only the decayed parameter moves, p - lr * wd * p = 1 - 0.05
    assertEquals(0.95f, w.value().data()[0], 1e-7f);
    assertEquals(1f, gamma.value().data()[0]);
  }
}
