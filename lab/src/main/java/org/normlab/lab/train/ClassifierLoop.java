package org.normlab.lab.train;

import java.util.Objects;
import java.util.function.LongToDoubleFunction;
import org.normlab.lab.Recorder;
import org.normlab.nn.Optimizer;

/**
 * The training loop shared by the classification experiments: seeded mini-batches, one
 * optimizer step per batch, and log records as it goes:
 * <ul>
 *   <li>{@code train} every {@code logEvery} steps: the mean training loss and accuracy (%) of
 *       the batches since the last record;</li>
 *   <li>{@code eval} at step 0 and every {@code evalEvery} steps: test accuracy (%) and loss in
 *       evaluation mode;</li>
 *   <li>whatever the {@link Hook}s log.</li>
 * </ul>
 * A non-finite loss ends the run as diverged (its records carry NaN, written as null).
 *
 * <p>Required: {@code setNet}, {@code setOptimizer}, {@code setData}, {@code setBatchSize},
 * {@code setSteps}. Optional: {@code optSeed} (1), {@code optLogEvery} (50), {@code optEvalEvery}
 * (500), {@code optLearningRate} (a schedule step -> lr; default: the optimizer's own), {@code
 * optHook} (none), {@code optBatches} (default: shuffled batches of the training set).
 */
public final class ClassifierLoop {
  /** Called around every training step (step counts from 1). */
  public interface Hook {
    /** Before step {@code step} on {@code batch}, at the weights of step - 1. */
    default void before(long step, BatchStream.Batch batch, Recorder log) {}

    /** After step {@code step}: the network's stored activations are those of this batch. */
    default void after(long step, BatchStream.Batch batch, Training.Pass pass, Recorder log) {}

    /** A hook that runs {@code action} after every {@code every}-th step and after step {@code last}. */
    static Hook afterEvery(long every, long last, StepAction action) {
      return new Hook() {
        @Override
        public void after(long step, BatchStream.Batch batch, Training.Pass pass, Recorder log) {
          if (step % every == 0 || step == last) {
            action.at(step, log);
          }
        }
      };
    }
  }

  /** A measurement after a training step. */
  @FunctionalInterface
  public interface StepAction {
    void at(long step, Recorder log);
  }

  /** A source of training batches. */
  @FunctionalInterface
  public interface BatchSource {
    BatchStream.Batch next();
  }

  /** The outcome: the last test evaluation and whether the run diverged. */
  public record Result(Evaluation.Result test, boolean diverged, long steps) {}

  private final Builder b;

  private ClassifierLoop(Builder b) {
    this.b = b;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Trains, logging through {@code log}; writes the run's done record. */
  public Result run(Recorder log) {
    BatchSource batches = b.batches != null ? b.batches
        : new BatchStream(b.data.train(), b.batchSize, b.seed)::next;
    Evaluation.Result test = evaluate(0, log);
    double lossSum = 0;
    double accSum = 0;
    int count = 0;
    boolean diverged = false;
    long step = 0;
    while (step < b.steps) {
      step++;
      if (b.schedule != null) {
        b.optimizer.setLearningRate(b.schedule.applyAsDouble(step));
      }
      BatchStream.Batch batch = batches.next();
      if (b.hook != null) {
        b.hook.before(step, batch, log);
      }
      Training.Pass pass = Training.step(b.net, b.optimizer, batch.x(), Objective.crossEntropy(batch.y()));
      diverged = !Double.isFinite(pass.loss());
      lossSum += pass.loss();
      accSum += Training.accuracy(pass.output(), batch.y());
      count++;
      if (b.hook != null && !diverged) {
        b.hook.after(step, batch, pass, log);
      }
      if (step % b.logEvery == 0 || step == b.steps || diverged) {
        log.log("train", step, "loss", lossSum / count, "acc", 100 * accSum / count);
        log.progress(step, lossSum / count);
        lossSum = 0;
        accSum = 0;
        count = 0;
      }
      if (diverged) {
        log.log("eval", step, "test_acc", Double.NaN, "test_loss", Double.NaN);
        break;
      }
      if (step % b.evalEvery == 0 || step == b.steps) {
        test = evaluate(step, log);
      }
    }
    return new Result(diverged ? new Evaluation.Result(Double.NaN, Double.NaN) : test, diverged, step);
  }

  private Evaluation.Result evaluate(long step, Recorder log) {
    Evaluation.Result r = Evaluation.evaluate(b.net, b.data.test());
    log.log("eval", step, "test_acc", r.percent(), "test_loss", r.loss());
    return r;
  }

  /** Builder; see {@link ClassifierLoop}. */
  public static final class Builder {
    private Net net;
    private Optimizer optimizer;
    private LabData data;
    private int batchSize;
    private long steps = -1;
    private long seed = 1;
    private long logEvery = 50;
    private long evalEvery = 500;
    private LongToDoubleFunction schedule;
    private Hook hook;
    private BatchSource batches;

    public Builder setNet(Net net) {
      this.net = net;
      return this;
    }

    public Builder setOptimizer(Optimizer optimizer) {
      this.optimizer = optimizer;
      return this;
    }

    public Builder setData(LabData data) {
      this.data = data;
      return this;
    }

    public Builder setBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder setSteps(long steps) {
      this.steps = steps;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder optLogEvery(long every) {
      this.logEvery = every;
      return this;
    }

    public Builder optEvalEvery(long every) {
      this.evalEvery = every;
      return this;
    }

    /** The learning rate at each step (1-based), applied before the step. */
    public Builder optLearningRate(LongToDoubleFunction schedule) {
      this.schedule = schedule;
      return this;
    }

    public Builder optHook(Hook hook) {
      this.hook = hook;
      return this;
    }

    /** Batches from elsewhere (e.g. E7's two-class batches) instead of shuffled ones. */
    public Builder optBatches(BatchSource batches) {
      this.batches = batches;
      return this;
    }

    public ClassifierLoop build() {
      Objects.requireNonNull(net, "net");
      Objects.requireNonNull(optimizer, "optimizer");
      Objects.requireNonNull(data, "data");
      if (batchSize < 1 && batches == null) {
        throw new IllegalArgumentException("batch size: expected at least 1, got " + batchSize);
      }
      if (steps < 0) {
        throw new IllegalArgumentException("steps: expected at least 0, got " + steps);
      }
      if (logEvery < 1 || evalEvery < 1) {
        throw new IllegalArgumentException("log/eval interval: expected at least 1, got " + logEvery + "/" + evalEvery);
      }
      return new ClassifierLoop(this);
    }
  }
}
