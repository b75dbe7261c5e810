package org.normlab.lab.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.normlab.lab.Stats;
import org.normlab.nn.Parameter;
import org.normlab.tensor.Tensor;

/**
 * The measurements the experiments take during training: activation percentiles, Santurkar et
 * al.'s gradient-ICS, and their loss-landscape probes (reproductions.md, shared definitions).
 * Probes that move weights or run extra forward passes restore the network's whole state.
 */
public final class Probes {
  private Probes() {}

  /** The 15th, 50th and 85th percentiles of column {@code unit} of an (N, units) tensor. */
  public static double[] percentiles(Tensor activations, int unit) {
    int n = activations.dim(0);
    int units = activations.dim(1);
    float[] col = new float[n];
    for (int i = 0; i < n; i++) {
      col[i] = activations.data()[i * units + unit];
    }
    Arrays.sort(col);
    return new double[] {Stats.percentileSorted(col, 15), Stats.percentileSorted(col, 50),
        Stats.percentileSorted(col, 85)};
  }

  /** Gradient-ICS of one layer: ||G - G'||_2, ||G - G'|| / ||G|| and cos(G, G'). */
  public record Ics(double l2, double relative, double cosine) {}

  /**
   * Santurkar's gradient form of internal covariate shift for linear layer {@code layer}
   * (1-based): G = dL/dW_layer at the current weights on batch {@code x}; G' = the same gradient
   * on the same batch after layers 1..layer-1 (their linear and norm parameters) took their plain
   * SGD step w - lr*g. The network stays in training mode and is restored afterwards.
   */
  public static Ics ics(Net net, Tensor x, Objective objective, int layer, double lr) {
    Snapshot snap = Snapshot.of(net);
    try {
      Training.gradients(net, x, objective);
      float[] g = net.linear(layer).weight().grad().data().clone();
      List<Parameter> earlier = new ArrayList<>();
      for (int j = 1; j < layer; j++) {
        earlier.addAll(net.linear(j).parameters());
        if (j <= net.norms().size()) {
          earlier.addAll(net.norms().get(j - 1).parameters());
        }
      }
      List<float[]> steps = new ArrayList<>();
      for (Parameter p : earlier) {
        steps.add(p.grad().data().clone());
      }
      for (int i = 0; i < earlier.size(); i++) {
        axpy(-lr, steps.get(i), earlier.get(i).value().data());
      }
      Training.gradients(net, x, objective);
      float[] g2 = net.linear(layer).weight().grad().data();
      double dot = 0;
      double n1 = 0;
      double n2 = 0;
      double diff = 0;
      for (int i = 0; i < g.length; i++) {
        dot += (double) g[i] * g2[i];
        n1 += (double) g[i] * g[i];
        n2 += (double) g2[i] * g2[i];
        double d = (double) g[i] - g2[i];
        diff += d * d;
      }
      double l2 = Math.sqrt(diff);
      return new Ics(l2, l2 / Math.sqrt(n1), dot / Math.sqrt(n1 * n2));
    } finally {
      snap.restore();
    }
  }

  /** One landscape probe: ranges along the gradient and the effective smoothness. */
  public record Landscape(double lossMin, double lossMax, double gradDiffMin, double gradDiffMax, double betaEff) {
    public double lossRange() {
      return lossMax - lossMin;
    }
  }

  /**
   * Santurkar's Fig. 4 probes at the current weights w on batch {@code x}: g = grad L(w) over the
   * linear layers' parameters (norm gamma and beta held); for each eta, w' = w - eta*g, L(w') and
   * d(eta) = ||grad L(w) - grad L(w')||. Returns min..max of L(w'), min..max of d(eta) and
   * beta_eff = max over eta of d(eta) / ||eta*g||. The network is restored afterwards.
   */
  public static Landscape landscape(Net net, Tensor x, Objective objective, double[] etas) {
    Snapshot snap = Snapshot.of(net);
    try {
      List<Parameter> moved = net.linearParameters();
      Training.gradients(net, x, objective);
      List<float[]> g = new ArrayList<>();
      double gNorm2 = 0;
      for (Parameter p : moved) {
        float[] gp = p.grad().data().clone();
        g.add(gp);
        for (float v : gp) {
          gNorm2 += (double) v * v;
        }
      }
      double gNorm = Math.sqrt(gNorm2);
      double lossMin = Double.POSITIVE_INFINITY;
      double lossMax = Double.NEGATIVE_INFINITY;
      double dMin = Double.POSITIVE_INFINITY;
      double dMax = Double.NEGATIVE_INFINITY;
      double beta = 0;
      for (double eta : etas) {
        snap.restore();
        for (int i = 0; i < moved.size(); i++) {
          axpy(-eta, g.get(i), moved.get(i).value().data());
        }
        double loss = Training.gradients(net, x, objective).loss();
        double d2 = 0;
        for (int i = 0; i < moved.size(); i++) {
          float[] now = moved.get(i).grad().data();
          float[] then = g.get(i);
          for (int k = 0; k < now.length; k++) {
            double d = (double) now[k] - then[k];
            d2 += d * d;
          }
        }
        double d = Math.sqrt(d2);
        lossMin = Math.min(lossMin, loss);
        lossMax = Math.max(lossMax, loss);
        dMin = Math.min(dMin, d);
        dMax = Math.max(dMax, d);
        beta = Math.max(beta, d / (eta * gNorm));
        if (!Double.isFinite(loss) || !Double.isFinite(d)) {
          // a probe step past the stable region: the ranges are unbounded
          lossMax = Double.POSITIVE_INFINITY;
          dMax = Double.POSITIVE_INFINITY;
          beta = Double.POSITIVE_INFINITY;
        }
      }
      return new Landscape(lossMin, lossMax, dMin, dMax, beta);
    } finally {
      snap.restore();
    }
  }

  private static void axpy(double a, float[] x, float[] y) {
    for (int i = 0; i < y.length; i++) {
      y[i] += (float) (a * x[i]);
    }
  }
}
