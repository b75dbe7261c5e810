package org.normlab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normlab.data.Dataset;
import org.normlab.io.Json;
import org.normlab.io.SafetensorsFile;
import org.normlab.lab.data.EmbeddedData;

class TrainEvalCommandTest {
  @TempDir
  Path dir;

  /** Writes the first n images of a dataset as gzip IDX files named with {@code prefix}. */
  private void writeIdx(Path folder, String prefix, Dataset ds, int n) throws IOException {
    int per = ds.imageSize();
    ByteBuffer images = ByteBuffer.allocate(16 + n * per).putInt(0x00000803).putInt(n).putInt(28).putInt(28);
    for (int i = 0; i < n * per; i++) {
      images.put((byte) Math.round(ds.images().data()[i] * 255));
    }
    ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x00000801).putInt(n);
    for (int i = 0; i < n; i++) {
      labels.put((byte) ds.labels()[i]);
    }
    gzip(folder.resolve(prefix + "-images-idx3-ubyte.gz"), images.array());
    gzip(folder.resolve(prefix + "-labels-idx1-ubyte.gz"), labels.array());
  }

  private static void gzip(Path p, byte[] bytes) throws IOException {
    try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
      out.write(bytes);
    }
  }

  private Path smallData() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("small"));
    writeIdx(folder, "train", EmbeddedData.embedded().train(), 600);
    writeIdx(folder, "t10k", EmbeddedData.embedded().test(), 300);
    return folder;
  }

  private static String run(int expectedCode, String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.run(args);
    } finally {
      System.setOut(saved);
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    assertEquals(expectedCode, code, "exit code of " + String.join(" ", args) + "; output:\n" + text);
    return text;
  }

  @Test
  void trainThenEvalReportsTheSameAccuracy() throws IOException {
    Path data = smallData();
    Path weights = dir.resolve("m.safetensors");
    String log = run(0, "train", "--model", "mlp-sigmoid-bn", "--data", data.toString(), "--epochs", "2",
        "--lr", "0.2", "--out", weights.toString());
    assertTrue(log.contains("epoch 2/2") && log.contains("img/s") && log.contains("acc"), log);
    assertTrue(Files.isRegularFile(dir.resolve("m.ckpt.safetensors")), "checkpoint written beside the weights");
    SafetensorsFile file = SafetensorsFile.read(weights);
    assertTrue(file.has("1.running_mean") && !file.has(org.normlab.io.Checkpoint.OPTIMIZER + "step"));
    double trained = Double.parseDouble(file.requireMetadata("test_accuracy"));

    String out = run(0, "eval", "--model", "mlp-sigmoid-bn", "--weights", weights.toString(),
        "--data", data.toString(), "--json");
    Map<String, Object> result = Json.parseObject(out.strip());
    assertEquals(trained, ((Number) result.get("accuracy")).doubleValue(), 1e-12);
    assertEquals(300L, ((Number) result.get("count")).longValue());
    assertTrue(trained > 0.5, "600 images, 2 epochs: accuracy " + trained);
  }

  @Test
  void resumeGivesTheUninterruptedRunsWeights() throws IOException {
    Path data = smallData();
    Path straight = dir.resolve("straight.safetensors");
    run(0, "train", "--model", "mlp-sigmoid-bn", "--data", data.toString(), "--epochs", "2", "--seed", "3",
        "--out", straight.toString());
    Path half = dir.resolve("half.safetensors");
    run(0, "train", "--model", "mlp-sigmoid-bn", "--data", data.toString(), "--epochs", "1", "--seed", "3",
        "--out", half.toString());
    Path resumed = dir.resolve("resumed.safetensors");
    String log = run(0, "train", "--resume", dir.resolve("half.ckpt.safetensors").toString(), "--data",
        data.toString(), "--epochs", "2", "--out", resumed.toString());
    assertTrue(log.contains("resuming mlp-sigmoid-bn") && log.contains("epoch 2/2"), log);
    SafetensorsFile a = SafetensorsFile.read(straight);
    SafetensorsFile b = SafetensorsFile.read(resumed);
    for (String name : a.names()) {
      if (name.endsWith("num_batches_tracked")) {
        assertArrayEquals(a.longs(name), b.longs(name), name);
      } else {
        assertArrayEquals(a.floats(name), b.floats(name), name + " equal bit for bit");
      }
    }
    assertEquals(a.requireMetadata("test_accuracy"), b.requireMetadata("test_accuracy"));
  }

  @Test
  void badInputExitsWithTwoAndSaysWhy() throws IOException {
    PrintStream savedErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      run(2, "train", "--model", "resnet", "--epochs", "1");
      run(2, "eval", "--model", "cnn", "--weights", dir.resolve("none.safetensors").toString());
      Path wrong = dir.resolve("mlp.safetensors");
      Files.write(wrong, new byte[] {1, 2, 3});
      run(1, "eval", "--model", "cnn", "--weights", wrong.toString());
    } finally {
      System.setErr(savedErr);
    }
    String text = err.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("--model: expected one of") && text.contains("'resnet'"), text);
    assertTrue(text.contains("--weights: no such file"), text);
    assertTrue(text.contains("not a valid safetensors file"), text);
  }
}
