package org.normlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.normlab.kernels.Parallel;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Training steps of the built-in CNN give the same bits with 1 and 2 threads: the convolutions
 * (Winograd and im2col), pooling and batch norm split work in fixed pieces and combine them in a
 * fixed order.
 */
class ThreadCountTest {
  private final int savedThreads = Parallel.threads();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(savedThreads);
  }

  @Test
  void cnnBnStepsAreBitwiseEqualForOneAndTwoThreads() {
    List<float[]> one = run(1);
    List<float[]> two = run(2);
    assertEquals(one.size(), two.size());
    for (int i = 0; i < one.size(); i++) {
      assertArrayEquals(one.get(i), two.get(i), "parameter " + i + " after 2 steps");
    }
  }

  /** Two SGD steps of cnn-bn on a batch of 9 images (three pieces of images, one partial). */
  private static List<float[]> run(int threads) {
    Parallel.setThreads(threads);
    Sequential net = Models.create("cnn-bn", 3);
    Trainer trainer = new Trainer(net, Sgd.builder().setLearningRate(0.05).optMomentum(0.9)
        .build(net.parameters()), x -> x);
    Tensor images = Tensor.uniform(4, 0f, 1f, Layout.NCHW, 9, 1, 28, 28);
    int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    List<float[]> losses = new ArrayList<>();
    for (int step = 0; step < 2; step++) {
      losses.add(new float[] {(float) trainer.step(images, labels).loss()});
    }
    List<float[]> out = new ArrayList<>(losses);
    for (Parameter p : net.parameters()) {
      out.add(p.value().data().clone());
    }
    return out;
  }
}
