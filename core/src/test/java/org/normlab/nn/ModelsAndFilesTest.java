package org.normlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normlab.data.Batches;
import org.normlab.data.Dataset;
import org.normlab.io.Checkpoint;
import org.normlab.io.ModelFile;
import org.normlab.io.SafetensorsFile;
import org.normlab.io.SafetensorsWriter;
import org.normlab.tensor.AllClose;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

class ModelsAndFilesTest {
  @TempDir
  Path dir;

  @Test
  void batchNormLayerGradients() {
    Tensor x = Tensor.randn(3, Layout.NCHW, 4, 3, 2, 3);
    BatchNormLayer bn = BatchNormLayer.of2d(3);
    bn.parameters().get(0).value().data()[1] = 1.5f;
    GradCheck.of(bn).check(x);
    GradCheck.of(bn).check(x.toChannelsLast());
    GradCheck.of(BatchNormLayer.of1d(5)).check(Tensor.randn(4, Layout.NC, 6, 5));
  }

  @Test
  void stateDictNamesAreTorchSequentialNames() {
    // names and shapes printed by PyTorch 1.13.1 for the nn.Sequential equivalents
    // (reference/make_engine_reference.py builds the same modules)
    Sequential mlp = Models.create("mlp-sigmoid-bn", 1);
    StateDict sd = mlp.stateDict();
    assertEquals(List.of("0.weight", "1.weight", "1.bias", "1.running_mean", "1.running_var",
        "1.num_batches_tracked", "3.weight", "4.weight", "4.bias", "4.running_mean", "4.running_var",
        "4.num_batches_tracked", "6.weight", "7.weight", "7.bias", "7.running_mean", "7.running_var",
        "7.num_batches_tracked", "9.weight", "9.bias"), List.copyOf(sd.names()));
    assertArrayEquals(new int[] {100, 784}, sd.get("0.weight").shape());
    assertArrayEquals(new int[] {}, sd.get("1.num_batches_tracked").shape());

    Sequential cnn = Models.create("cnn-bn", 1);
    StateDict c = cnn.stateDict();
    assertArrayEquals(new int[] {32, 1, 3, 3}, c.get("0.weight").shape());
    assertArrayEquals(new int[] {64, 64, 3, 3}, c.get("10.weight").shape());
    assertArrayEquals(new int[] {256, 3136}, c.get("15.weight").shape());
    assertArrayEquals(new int[] {10, 256}, c.get("18.weight").shape());
    assertTrue(c.has("18.bias") && !c.has("15.bias") && !c.has("0.bias"));
    assertEquals(19, cnn.size());
    assertEquals(14, Models.create("cnn", 1).size(), "4 x (conv, ReLU) + 2 pools + flatten, linear, ReLU, linear");
  }

  @Test
  void everyModelRunsForwardAndBackward() {
    for (String name : Models.NAMES) {
      Sequential m = Models.create(name, 5);
      Tensor images = Tensor.uniform(6, 0f, 1f, Layout.NCHW, 3, 1, 28, 28);
      Tensor logits = m.forward(Models.prepareInput(name, images));
      assertArrayEquals(new int[] {3, 10}, logits.shape().dims(), name);
      Tensor dx = m.backward(Tensor.filled(0.1f, Layout.NC, 3, 10));
      assertEquals(images.size(), dx.size(), name);
    }
    // CIFAR-10 sized input: 3 x 32 x 32
    Sequential cifar = Models.create("cnn-bn", 1, 3, 32, 32);
    Tensor logits = cifar.forward(Tensor.uniform(7, 0f, 1f, Layout.NCHW, 2, 3, 32, 32));
    assertArrayEquals(new int[] {2, 10}, logits.shape().dims());
    assertArrayEquals(new int[] {256, 64 * 8 * 8}, cifar.stateDict().get("15.weight").shape());
    assertArrayEquals(new int[] {100, 3072}, Models.create("mlp-sigmoid", 1, 3, 32, 32).stateDict().get("0.weight").shape());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.create("resnet", 0));
    assertTrue(e.getMessage().contains("mlp-sigmoid") && e.getMessage().contains("'resnet'"), e.getMessage());
  }

  @Test
  void modelFileRoundTrip() throws IOException {
    Sequential a = Models.create("mlp-sigmoid-bn", 1);
    // move the running statistics away from their defaults
    a.forward(Models.prepareInput("mlp-sigmoid-bn", Tensor.uniform(2, 0f, 1f, Layout.NCHW, 8, 1, 28, 28)));
    Path f = dir.resolve("m.safetensors");
    ModelFile.save(a, f, Map.of("model", "mlp-sigmoid-bn"));
    Sequential b = Models.create("mlp-sigmoid-bn", 99);
    assertEquals("mlp-sigmoid-bn", ModelFile.load(b, f).get("model"));
    StateDict sa = a.stateDict();
    StateDict sb = b.stateDict();
    for (String name : sa.names()) {
      StateDict.Entry ea = sa.get(name);
      StateDict.Entry eb = sb.get(name);
      if (ea.isInteger()) {
        assertArrayEquals(ea.longs(), eb.longs(), name);
      } else {
        assertArrayEquals(ea.floats(), eb.floats(), name);
      }
    }
    assertEquals(1L, sb.longValue("1.num_batches_tracked"));
    assertEquals(SafetensorsFile.DType.I64, SafetensorsFile.read(f).entry("1.num_batches_tracked").dtype());
  }

  @Test
  void mismatchedFilesListEveryProblemAndLeaveTheModelAlone() throws IOException {
    Path f = dir.resolve("bad.safetensors");
    Sequential m = Models.create("mlp-sigmoid", 1);
    StateDict sd = m.stateDict();
    SafetensorsWriter w = new SafetensorsWriter();
    for (String name : sd.names()) {
      if (name.equals("2.bias")) {
        continue; // missing
      }
      StateDict.Entry e = sd.get(name);
      int[] shape = name.equals("0.weight") ? new int[] {784, 100} : e.shape();
      w.putFloats(name, e.floats(), shape);
    }
    w.putFloats("9.weight", new float[] {1}, 1);
    w.write(f);
    float before = m.stateDict().get("0.bias").floats()[0];
    Sequential target = Models.create("mlp-sigmoid", 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.load(target, f));
    String msg = e.getMessage();
    assertTrue(msg.contains("missing 2.bias"), msg);
    assertTrue(msg.contains("0.weight: expected shape [100, 784], got [784, 100]"), msg);
    assertTrue(msg.contains("unexpected 9.weight"), msg);
    assertEquals(before, target.stateDict().get("0.bias").floats()[0], "nothing copied on error");
  }

  @Test
  void readsF16Bf16AndF64() throws IOException {
    Linear lin = Linear.builder(2, 1).build();
    Sequential m = new Sequential(lin);
    // weight F16 [0.5, -2] (0x3800, 0xC000), bias BF16 [3.0] (0x4040), little-endian
    String header = "{\"0.weight\":{\"dtype\":\"F16\",\"shape\":[1,2],\"data_offsets\":[0,4]},"
        + "\"0.bias\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[4,6]}}";
    byte[] h = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + h.length + 6).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).putShort((short) 0x3800).putShort((short) 0xC000).putShort((short) 0x4040);
    Path f = dir.resolve("typed.safetensors");
    Files.write(f, b.array());
    ModelFile.load(m, f);
    assertArrayEquals(new float[] {0.5f, -2f}, lin.weight().value().data());
    assertArrayEquals(new float[] {3f}, lin.bias().value().data());
    Path f64 = dir.resolve("f64.safetensors");
    new SafetensorsWriter().putDoubles("0.weight", new double[] {0.25, 4}, 1, 2)
        .putDoubles("0.bias", new double[] {-1}, 1).write(f64);
    ModelFile.load(m, f64);
    assertArrayEquals(new float[] {0.25f, 4f}, lin.weight().value().data());
  }

  /** A tiny two-class problem: does resuming from a checkpoint replay exactly? */
  private static Dataset tinyData() {
    Tensor images = Tensor.uniform(7, 0f, 1f, Layout.NCHW, 40, 1, 28, 28);
    int[] labels = new int[40];
    for (int i = 0; i < 40; i++) {
      labels[i] = i % 10;
      images.data()[i * 784 + labels[i]] += 3f;
    }
    return new Dataset("tiny", images, labels, 10);
  }

  private static List<Double> train(Sequential model, Optimizer opt, Dataset data, int fromEpoch, int toEpoch) {
    Trainer trainer = new Trainer(model, opt, x -> Models.prepareInput("mlp-sigmoid-bn", x));
    Batches batches = new Batches(data, 8, true, false, 3);
    List<Double> losses = new ArrayList<>();
    for (int e = fromEpoch; e < toEpoch; e++) {
      for (Batches.Batch b : batches.epoch(e)) {
        losses.add(trainer.step(b.images(), b.labels()).loss());
      }
    }
    return losses;
  }

  @Test
  void resumeContinuesExactly() throws IOException {
    Dataset data = tinyData();
    Sequential straight = Models.create("mlp-sigmoid-bn", 11);
    Optimizer so = Sgd.builder().setLearningRate(0.1).optMomentum(0.9).build(straight.parameters());
    List<Double> all = train(straight, so, data, 0, 3);

    Sequential first = Models.create("mlp-sigmoid-bn", 11);
    Optimizer fo = Sgd.builder().setLearningRate(0.1).optMomentum(0.9).build(first.parameters());
    List<Double> part = new ArrayList<>(train(first, fo, data, 0, 1));
    Path ckpt = dir.resolve("ckpt.safetensors");
    Checkpoint.save(ckpt, first, fo, Map.of("epoch", "1"));

    Sequential resumed = Models.create("mlp-sigmoid-bn", 12345);
    Optimizer ro = Sgd.builder().setLearningRate(0.1).optMomentum(0.9).build(resumed.parameters());
    assertEquals("1", Checkpoint.restore(ckpt, resumed, ro).get("epoch"));
    assertEquals(fo.steps(), ro.steps());
    part.addAll(train(resumed, ro, data, 1, 3));
    assertEquals(all, part, "losses of the resumed run equal the uninterrupted run's, bit for bit");
    AllClose.assertAllClose(resumed.stateDict().get("9.weight").floats(),
        straight.stateDict().get("9.weight").floats(), 0, 0, "final weights");
    assertTrue(all.get(all.size() - 1) < all.get(0), "the loss went down: " + all);
  }

  @Test
  void adamStateResumesToo() throws IOException {
    Dataset data = tinyData();
    Sequential a = Models.create("mlp-sigmoid-bn", 1);
    Optimizer ao = Adam.builder().optLearningRate(1e-3).build(a.parameters());
    List<Double> all = train(a, ao, data, 0, 2);
    Sequential b = Models.create("mlp-sigmoid-bn", 1);
    Optimizer bo = Adam.builder().optLearningRate(1e-3).build(b.parameters());
    List<Double> part = new ArrayList<>(train(b, bo, data, 0, 1));
    Path ckpt = dir.resolve("adam.safetensors");
    Checkpoint.save(ckpt, b, bo, Map.of());
    Sequential c = Models.create("mlp-sigmoid-bn", 2);
    Optimizer co = Adam.builder().optLearningRate(1e-3).build(c.parameters());
    Checkpoint.restore(ckpt, c, co);
    part.addAll(train(c, co, data, 1, 2));
    assertEquals(all, part);
    assertThrows(IllegalArgumentException.class, () -> Checkpoint.metadata(writeModelOnly(a)));
  }

  private Path writeModelOnly(Sequential m) throws IOException {
    Path f = dir.resolve("weights.safetensors");
    ModelFile.save(m, f, Map.of());
    return f;
  }
}
