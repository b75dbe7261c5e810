package org.normlab.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.normlab.nn.Layer;
import org.normlab.nn.Optimizer;
import org.normlab.nn.StateDict;

/**
 * A training checkpoint: one safetensors file with the model's state under {@code model.} (its
 * PyTorch state-dict names), the optimizer's under {@code optimizer.} (step count, learning rate,
 * per-parameter buffers such as {@code optimizer.3.momentum_buffer}) and the run's settings and
 * position as metadata strings. Restoring it and replaying the same batches continues a run
 * exactly. Writes are atomic, so a crash never leaves half a checkpoint.
 */
public final class Checkpoint {
  public static final String MODEL = "model.";
  public static final String OPTIMIZER = "optimizer.";

  private Checkpoint() {}

  public static void save(Path path, Layer model, Optimizer optimizer, Map<String, String> metadata)
      throws IOException {
    StateDict sd = new StateDict();
    model.collectState(MODEL, sd);
    optimizer.collectState(OPTIMIZER, sd);
    ModelFile.write(sd, path, metadata);
  }

  /**
   * Reads only the metadata and checks that the file is a checkpoint (for choosing the model and
   * optimizer before {@link #restore}).
   */
  public static Map<String, String> metadata(Path path) throws IOException {
    SafetensorsFile file = SafetensorsFile.read(path);
    if (!file.has(OPTIMIZER + "step")) {
      throw new IllegalArgumentException(path + ": not a normlab training checkpoint (no "
          + OPTIMIZER + "step tensor; model weights are read with --weights, not --resume)");
    }
    return file.metadata();
  }

  /** Restores model and optimizer state; both must have the shapes of the run that wrote it. */
  public static Map<String, String> restore(Path path, Layer model, Optimizer optimizer) throws IOException {
    SafetensorsFile file = SafetensorsFile.read(path);
    StateDict modelExpected = new StateDict();
    model.collectState("", modelExpected);
    StateDict optimizerExpected = new StateDict();
    optimizer.collectState("", optimizerExpected);
    StateDict modelState = ModelFile.read(file, modelExpected, MODEL);
    StateDict optimizerState = ModelFile.read(file, optimizerExpected, OPTIMIZER);
    model.loadState("", modelState);
    optimizer.loadState("", optimizerState);
    return file.metadata();
  }
}
