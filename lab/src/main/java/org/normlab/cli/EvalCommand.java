package org.normlab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.normlab.data.Dataset;
import org.normlab.io.Json;
import org.normlab.io.ModelFile;
import org.normlab.lab.data.EmbeddedData;
import org.normlab.nn.Models;
import org.normlab.nn.Sequential;
import org.normlab.nn.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code normlab eval}: test accuracy and mean cross-entropy of a built-in model with weights from
 * a safetensors file (written by {@code normlab train} or by PyTorch for the same nn.Sequential).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Evaluate model weights (normlab or PyTorch safetensors) on the test set.")
final class EvalCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "NAME",
      description = "mlp-sigmoid, mlp-sigmoid-bn, mlp-deep, mlp-deep-bn, cnn or cnn-bn.")
  String model;

  @Option(names = "--weights", required = true, paramLabel = "FILE", description = "A safetensors file.")
  Path weights;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Folder with MNIST/Fashion-MNIST IDX files or CIFAR-10 binary batches (default: embedded data).")
  Path data;

  @Option(names = "--batch", defaultValue = "500", description = "Evaluation batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!Models.NAMES.contains(model)) {
      throw new BadInputException("--model: expected one of " + String.join(", ", Models.NAMES) + ", got '" + model + "'");
    }
    if (!Files.isRegularFile(weights)) {
      throw new BadInputException("--weights: no such file: " + weights);
    }
    if (batch < 1) {
      throw new BadInputException("--batch: expected at least 1, got " + batch);
    }
    Dataset test = EmbeddedData.loadTest(data);
    int[] image = test.images().shape().dims();
    Sequential net = Models.create(model, 0, image[1], image[2], image[3]);
    ModelFile.load(net, weights);
    Trainer.Evaluation e = Trainer.evaluate(net, x -> Models.prepareInput(model, x), test, batch);
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("model", model);
      m.put("weights", weights.toString());
      m.put("data", test.name());
      m.put("count", (long) e.count());
      m.put("correct", Math.round(e.accuracy() * e.count()));
      m.put("accuracy", e.accuracy());
      m.put("loss", e.loss());
      System.out.println(Json.write(m));
    } else {
      System.out.printf(Locale.ROOT, "%s on %s: accuracy %.2f%% (%d/%d), loss %.4f%n", model, test.name(),
          100 * e.accuracy(), Math.round(e.accuracy() * e.count()), e.count(), e.loss());
    }
    return ExitCodes.OK;
  }
}
