package org.normlab.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.normlab.nn.Layer;
import org.normlab.nn.StateDict;

/**
 * Model weights as safetensors, named and shaped as PyTorch's {@code state_dict()} for the same
 * nn.Sequential ({@code 0.weight}, {@code 1.running_mean}, {@code 1.num_batches_tracked}, ...),
 * so files move both ways between normlab and PyTorch / Hugging Face tooling.
 *
 * <p>Writes are atomic. Reads accept F32, F64, F16 and BF16 for float tensors and any integer
 * dtype (PyTorch writes I64) for counters; every problem (missing, unexpected, mis-shaped or
 * mistyped tensors) is collected and reported in one error before anything is copied, so a failed
 * load leaves the model untouched.
 */
public final class ModelFile {
  private ModelFile() {}

  /** Writes {@code model}'s state with the given metadata strings. */
  public static void save(Layer model, Path path, Map<String, String> metadata) throws IOException {
    StateDict sd = new StateDict();
    model.collectState("", sd);
    write(sd, path, metadata);
  }

  /** Reads weights written by normlab or PyTorch into {@code model}; returns the file's metadata. */
  public static Map<String, String> load(Layer model, Path path) throws IOException {
    StateDict expected = new StateDict();
    model.collectState("", expected);
    SafetensorsFile file = SafetensorsFile.read(path);
    model.loadState("", read(file, expected, ""));
    return file.metadata();
  }

  /** Writes a state dict (F32 and I64 tensors) atomically. */
  public static void write(StateDict sd, Path path, Map<String, String> metadata) throws IOException {
    SafetensorsWriter w = new SafetensorsWriter();
    metadata.forEach(w::metadata);
    for (Map.Entry<String, StateDict.Entry> e : sd.entries().entrySet()) {
      StateDict.Entry v = e.getValue();
      if (v.isInteger()) {
        w.putLongs(e.getKey(), v.longs(), v.shape());
      } else {
        w.putFloats(e.getKey(), v.floats(), v.shape());
      }
    }
    w.write(path);
  }

  /**
   * Reads from {@code file} every tensor of {@code expected} (named {@code prefix + name} in the
   * file), checking names, shapes and dtypes; tensors in the file under {@code prefix} that are
   * not expected are errors too. Returns the values as a new state dict with {@code expected}'s
   * names.
   */
  public static StateDict read(SafetensorsFile file, StateDict expected, String prefix) {
    List<String> problems = new ArrayList<>();
    StateDict out = new StateDict();
    for (Map.Entry<String, StateDict.Entry> e : expected.entries().entrySet()) {
      String name = prefix + e.getKey();
      StateDict.Entry want = e.getValue();
      if (!file.has(name)) {
        problems.add("missing " + name + " (" + want.describe() + ")");
        continue;
      }
      SafetensorsFile.Entry have = file.entry(name);
      if (!Arrays.equals(have.shape(), want.shape())) {
        problems.add(name + ": expected shape " + Arrays.toString(want.shape()) + ", got "
            + Arrays.toString(have.shape()));
        continue;
      }
      boolean floatType = switch (have.dtype()) {
        case F32, F64, F16, BF16 -> true;
        default -> false;
      };
      if (want.isInteger() == floatType) {
        problems.add(name + ": expected " + (want.isInteger() ? "an integer dtype (I64)" : "a float dtype (F32, F64, F16, BF16)")
            + ", got " + have.dtype());
        continue;
      }
      if (want.isInteger()) {
        out.putLongs(e.getKey(), file.longs(name), want.shape());
      } else {
        out.putFloats(e.getKey(), file.floats(name), want.shape());
      }
    }
    for (String name : file.names()) {
      if (name.startsWith(prefix) && !expected.has(name.substring(prefix.length()))) {
        problems.add("unexpected " + name + " " + Arrays.toString(file.entry(name).shape()));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(file.path() + ": does not match the model: "
          + String.join("; ", problems));
    }
    return out;
  }
}
