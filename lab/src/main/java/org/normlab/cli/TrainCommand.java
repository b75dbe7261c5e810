package org.normlab.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.normlab.data.Batches;
import org.normlab.data.DataDirectory;
import org.normlab.io.Checkpoint;
import org.normlab.io.ModelFile;
import org.normlab.lab.data.EmbeddedData;
import org.normlab.nn.Adam;
import org.normlab.nn.LearningRateSchedule;
import org.normlab.nn.Models;
import org.normlab.nn.Optimizer;
import org.normlab.nn.Sequential;
import org.normlab.nn.Sgd;
import org.normlab.nn.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code normlab train}: trains a built-in model with mini-batch SGD or Adam, shows a progress bar
 * (loss, accuracy, images/s), evaluates on the test set after each epoch, writes a checkpoint
 * (model + optimizer state) after each epoch and the model weights (PyTorch state-dict names) at
 * the end, all atomically. {@code --resume} continues from a checkpoint exactly as if the run had
 * not stopped (the settings come from the checkpoint).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a built-in model on the embedded Fashion-MNIST subset or a --data folder.")
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--model", paramLabel = "NAME",
      description = "mlp-sigmoid, mlp-sigmoid-bn, mlp-deep, mlp-deep-bn, cnn or cnn-bn (required unless --resume).")
  String model;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Folder with MNIST/Fashion-MNIST IDX files or CIFAR-10 binary batches (default: embedded data).")
  Path data;

  @Option(names = "--epochs", defaultValue = "2", description = "Total epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", description = "Batch size (default: 60 for the MLPs, 128 for the CNNs).")
  Integer batch;

  @Option(names = "--lr", description = "Learning rate (default: 0.05 for sgd, 0.001 for adam).")
  Double lr;

  @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd or adam (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
  double momentum;

  @Option(names = "--weight-decay", defaultValue = "0", description = "Weight decay (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--schedule", defaultValue = "constant",
      description = "Learning-rate schedule over all steps: constant, cosine or multistep (x0.1 at 50% and 75%)"
          + " (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--warmup", defaultValue = "0", description = "Linear warm-up steps (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--clip", defaultValue = "0", description = "Clip the gradient norm to this value (0: off).")
  double clip;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of weights and shuffling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", paramLabel = "FILE", description = "Model weights file (default: NAME.safetensors).")
  Path out;

  @Option(names = "--checkpoint", paramLabel = "FILE",
      description = "Checkpoint written after each epoch (default: the --out name with .ckpt.safetensors).")
  Path checkpoint;

  @Option(names = "--resume", paramLabel = "FILE", description = "Continue the run saved in this checkpoint.")
  Path resume;

  @Override
  public Integer call() throws Exception {
    Map<String, String> resumed = resume == null ? null : Checkpoint.metadata(resume);
    if (resumed != null) {
      adopt(resumed);
    }
    validate();
    PrintStream console = System.out;
    DataDirectory.Split split = EmbeddedData.load(data);
    int[] image = split.train().images().shape().dims();
    Sequential net = Models.create(model, seed, image[1], image[2], image[3]);
    Optimizer opt = optimizer.equals("adam")
        ? Adam.builder().optLearningRate(lr).optWeightDecay(weightDecay).build(net.parameters())
        : Sgd.builder().setLearningRate(lr).optMomentum(momentum).optWeightDecay(weightDecay).build(net.parameters());
    int startEpoch = 0;
    if (resumed != null) {
      Checkpoint.restore(resume, net, opt);
      startEpoch = Integer.parseInt(resumed.get("epochs_done"));
      console.printf(Locale.ROOT, "resuming %s from %s after epoch %d%n", model, resume, startEpoch);
    }
    Trainer trainer = new Trainer(net, opt, x -> Models.prepareInput(model, x)).setClipNorm(clip);
    Batches batches = new Batches(split.train(), batch, true, false, seed);
    LearningRateSchedule lrs = schedule(batches.count() * (long) epochs);
    console.printf(Locale.ROOT, "training %s (%,d parameters) on %s: %d images, batch %d, %s lr %s%n", model,
        net.parameterCount(), split.train().name(), split.train().size(), batch, optimizer, lr);
    Trainer.Evaluation eval = null;
    for (int epoch = startEpoch; epoch < epochs; epoch++) {
      TrainProgress bar = new TrainProgress(console, Main.interactive(),
          String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, epochs), batches.count());
      int[] order = batches.order(epoch);
      for (int b = 0; b < batches.count(); b++) {
        opt.setLearningRate(lrs.at(opt.steps()));
        Batches.Batch batchData = batches.batch(order, b);
        Trainer.StepResult r = trainer.step(batchData.images(), batchData.labels());
        bar.update(b + 1, r.loss(), r.correct(), r.count());
      }
      bar.finish();
      double imagesPerSecond = bar.imagesPerSecond();
      eval = Trainer.evaluate(net, x -> Models.prepareInput(model, x), split.test(), 500);
      console.printf(Locale.ROOT, "epoch %d/%d: train loss %.4f acc %.2f%%, test loss %.4f acc %.2f%%, %,.0f img/s%n",
          epoch + 1, epochs, bar.meanLoss(), 100 * bar.accuracy(), eval.loss(), 100 * eval.accuracy(),
          imagesPerSecond);
      Map<String, String> meta = settings();
      meta.put("epochs_done", String.valueOf(epoch + 1));
      meta.put("test_accuracy", String.valueOf(eval.accuracy()));
      Checkpoint.save(checkpointPath(), net, opt, meta);
    }
    Map<String, String> meta = settings();
    meta.put("epochs_done", String.valueOf(Math.max(epochs, startEpoch)));
    if (eval != null) {
      meta.put("test_accuracy", String.valueOf(eval.accuracy()));
      meta.put("test_loss", String.valueOf(eval.loss()));
    }
    ModelFile.save(net, outPath(), meta);
    console.printf("saved %s (checkpoint %s)%n", outPath(), checkpointPath());
    return ExitCodes.OK;
  }

  private void validate() {
    if (model == null) {
      throw new BadInputException("--model: required (one of " + String.join(", ", Models.NAMES) + ")");
    }
    if (!Models.NAMES.contains(model)) {
      throw new BadInputException("--model: expected one of " + String.join(", ", Models.NAMES) + ", got '" + model + "'");
    }
    if (!optimizer.equals("sgd") && !optimizer.equals("adam")) {
      throw new BadInputException("--optimizer: expected sgd or adam, got '" + optimizer + "'");
    }
    if (epochs < 1) {
      throw new BadInputException("--epochs: expected at least 1, got " + epochs);
    }
    if (batch == null) {
      batch = Models.isMlp(model) ? 60 : 128;
    }
    if (batch < 1) {
      throw new BadInputException("--batch: expected at least 1, got " + batch);
    }
    if (lr == null) {
      lr = optimizer.equals("adam") ? 1e-3 : 0.05;
    }
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new BadInputException("--lr: expected a positive number, got " + lr);
    }
    if (data != null && !Files.isDirectory(data)) {
      throw new BadInputException("--data: expected a folder, got " + data);
    }
    if (warmup < 0) {
      throw new BadInputException("--warmup: expected >= 0, got " + warmup);
    }
    if (!(clip >= 0)) {
      throw new BadInputException("--clip: expected >= 0, got " + clip);
    }
  }

  private LearningRateSchedule schedule(long totalSteps) {
    LearningRateSchedule base = switch (schedule) {
      case "constant" -> LearningRateSchedule.constant(lr);
      case "cosine" -> LearningRateSchedule.cosine(lr, Math.max(1, totalSteps - warmup), 0);
      case "multistep" -> LearningRateSchedule.multiStep(lr,
          new long[] {Math.max(1, totalSteps / 2 - warmup), Math.max(2, totalSteps * 3 / 4 - warmup)}, 0.1);
      default -> throw new BadInputException("--schedule: expected constant, cosine or multistep, got '" + schedule + "'");
    };
    return warmup == 0 ? base : LearningRateSchedule.linearWarmup(base, warmup, 0.1);
  }

  private Path outPath() {
    return out != null ? out : Path.of(model + ".safetensors");
  }

  private Path checkpointPath() {
    if (checkpoint != null) {
      return checkpoint;
    }
    String name = outPath().getFileName().toString().replaceFirst("\\.safetensors$", "");
    return outPath().resolveSibling(name + ".ckpt.safetensors");
  }

  /** The settings that define the run, stored in checkpoints and weight files. */
  private Map<String, String> settings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("format", "normlab");
    m.put("model", model);
    m.put("epochs", String.valueOf(epochs));
    m.put("batch", String.valueOf(batch));
    m.put("optimizer", optimizer);
    m.put("lr", String.valueOf(lr));
    m.put("momentum", String.valueOf(momentum));
    m.put("weight_decay", String.valueOf(weightDecay));
    m.put("schedule", schedule);
    m.put("warmup", String.valueOf(warmup));
    m.put("clip", String.valueOf(clip));
    m.put("seed", String.valueOf(seed));
    m.put("data", data == null ? "embedded" : data.toString());
    return m;
  }

  /** Takes the run's settings from a checkpoint; an explicit conflicting --model is an error. */
  private void adopt(Map<String, String> m) {
    String saved = require(m, "model");
    if (model != null && !model.equals(saved)) {
      throw new BadInputException("--model: the checkpoint " + resume + " is for " + saved + ", got " + model);
    }
    model = saved;
    batch = Integer.parseInt(require(m, "batch"));
    optimizer = require(m, "optimizer");
    lr = Double.parseDouble(require(m, "lr"));
    momentum = Double.parseDouble(require(m, "momentum"));
    weightDecay = Double.parseDouble(require(m, "weight_decay"));
    schedule = require(m, "schedule");
    warmup = Integer.parseInt(require(m, "warmup"));
    clip = Double.parseDouble(require(m, "clip"));
    seed = Long.parseLong(require(m, "seed"));
    require(m, "epochs_done");
  }

  private String require(Map<String, String> m, String key) {
    String v = m.get(key);
    if (v == null) {
      throw new BadInputException("--resume: " + resume + " has no '" + key + "' setting (not a normlab train checkpoint)");
    }
    return v;
  }
}
