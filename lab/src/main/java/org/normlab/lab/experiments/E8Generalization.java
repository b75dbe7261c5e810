package org.normlab.lab.experiments;

import java.util.ArrayList;
import java.util.List;
import org.normlab.lab.Experiment;
import org.normlab.lab.LogRecord;
import org.normlab.lab.Recorder;
import org.normlab.lab.RunContext;
import org.normlab.lab.RunLog;
import org.normlab.lab.acceptance.Bar;
import org.normlab.lab.acceptance.Check;
import org.normlab.lab.report.Charts;
import org.normlab.lab.report.Figure;
import org.normlab.lab.train.ClassifierLoop;
import org.normlab.lab.train.Evaluation;
import org.normlab.lab.train.LabData;
import org.normlab.lab.train.Mlp;
import org.normlab.lab.train.Net;
import org.normlab.lab.train.Norms;
import org.normlab.nn.Sgd;

/**
 * E8, regularization: the generalization gap (train minus test accuracy) when training long on a
 * small subset (the first {@value #SUBSET} training images), for an MLP 784-256-256-10 ReLU
 * plain, with BN, with dropout 0.5, and with both; SGD momentum 0.9, lr 0.05, batch 64. Every
 * checkpoint logs the accuracy on the whole training subset and on the test set (inference
 * mode). Report only: BN is said to regularize; the runs show whether it does here.
 */
public final class E8Generalization implements Experiment {
  static final int SUBSET = 2000;
  static final List<String> RUNS = List.of("plain", "bn", "dropout", "bn+dropout");

  @Override
  public String name() {
    return "E8";
  }

  @Override
  public String title() {
    return "Regularization: the generalization gap with and without BN";
  }

  @Override
  public String summary() {
    return "train minus test accuracy after long training on 2,000 images: plain, BN, dropout, BN + dropout";
  }

  @Override
  public String claim() {
    return "Ioffe & Szegedy (2015) note that BN regularizes the model (each example is normalized with"
        + " statistics of a random batch) and that dropout can be reduced or removed with it. We train an MLP"
        + " for many epochs on 2,000 images, where it can memorize the training set, and compare the gap between"
        + " training and test accuracy with and without BN and dropout. Report only: whatever the runs show.";
  }

  @Override
  public List<Bar> bars() {
    List<Bar> bars = new ArrayList<>();
    for (String run : RUNS) {
      bars.add(Bar.reportOnly(run, "generalization gap (train - test accuracy) at the end, " + run, (log, seed) -> {
        LogRecord r = log.last(run, seed, "fit").orElse(null);
        return r == null || !log.finished(run, seed) ? null : Check.of(true, "train " + Bars.num(r.num("train_acc"))
            + "%, test " + Bars.num(r.num("test_acc")) + "%, gap " + Bars.num(r.num("gap")));
      }));
    }
    return bars;
  }

  @Override
  public List<Figure> figures(RunLog log) {
    List<Figure> figs = new ArrayList<>();
    Charts.curves(log, RUNS, "fit", "gap", "Generalization gap", "train - test accuracy (points)", false)
        .ifPresent(c -> figs.add(new Figure("Accuracy on the 2,000 training images minus test accuracy (inference"
            + " mode).", c)));
    Charts.curves(log, RUNS, "fit", "test_acc", "Test accuracy", "test accuracy (%)", false)
        .ifPresent(c -> figs.add(new Figure("Test accuracy on the full test set.", c)));
    Charts.curves(log, RUNS, "fit", "train_acc", "Training-set accuracy", "accuracy on the 2,000 (%)", false)
        .ifPresent(c -> figs.add(new Figure("Accuracy on the training subset (inference mode).", c)));
    Charts.curves(log, RUNS, "train", "loss", "Training loss", "cross-entropy", true)
        .ifPresent(c -> figs.add(new Figure("Mean training loss of the batches between log points.", c)));
    return figs;
  }

  @Override
  public void run(RunContext ctx) throws Exception {
    LabData data = ctx.data().headTrain(SUBSET);
    int batch = 64;
    long epochs = ctx.scale().pick(1, 60, 200);
    long steps = ctx.scale() == org.normlab.lab.Scale.TINY ? 6 : epochs * (data.trainSize() / batch);
    long every = Math.max(1, steps / ctx.scale().pick(2, 20, 20));
    for (long seed : ctx.seeds()) {
      for (String run : RUNS) {
        Net net = Mlp.builder(data.inputs(), 256, 256, 10)
            .optNorm(run.startsWith("bn") ? Norms.batchNorm() : null)
            .optDropout(run.contains("dropout") ? 0.5 : 0).optSeed(seed).build();
        Recorder rec = ctx.start(run, seed, steps);
        logFit(net, data, 0, rec);
        ClassifierLoop.builder().setNet(net)
            .setOptimizer(Sgd.builder().setLearningRate(0.05).optMomentum(0.9).build(net.parameters()))
            .setData(data).setBatchSize(batch).setSteps(steps).optSeed(seed)
            .optLogEvery(Math.max(1, every / 2)).optEvalEvery(Math.max(1, steps))
            .optHook(ClassifierLoop.Hook.afterEvery(every, steps, (step, log) -> logFit(net, data, step, log)))
            .build().run(rec);
        rec.done();
      }
    }
  }

  static void logFit(Net net, LabData data, long step, Recorder log) {
    Evaluation.Result train = Evaluation.evaluate(net, data.train());
    Evaluation.Result test = Evaluation.evaluate(net, data.test());
    log.log("fit", step, "train_acc", train.percent(), "test_acc", test.percent(), "gap",
        train.percent() - test.percent());
  }
}
