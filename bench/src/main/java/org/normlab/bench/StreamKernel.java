package org.normlab.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fastest loop a normlab kernel could be on memory-bound data: preferred-width float vectors
 * loaded from some arrays and stored into others, with one add per extra input and nothing else.
 * StreamBench.copy times {@code System.arraycopy}, which no kernel that computes its output can
 * use; this loop takes the same load and store path as the kernels, in the arrays' mix of reads
 * and writes, so it bounds them. Package-private, so that only this class touches the Vector API;
 * {@link StreamBench#vectorStream} drives it.
 */
final class StreamKernel {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  private StreamKernel() {}

  /**
   * For i in [from, to): v = in[0][i] + ... + in[r-1][i]; out[k][i] = v for every output k.
   * Lengths are whole vectors (the caller sizes the arrays so). The mixes of the benchmark rows
   * have their own loops (forward: read x, write y; a channels-last forward that reads x twice:
   * two reads, one write; forward+backward: three reads, two writes); others run the general
   * one.
   */
  static void run(float[][] in, float[][] out, int from, int to) {
    int step = F.length();
    if (in.length == 1 && out.length == 1) {
      float[] a = in[0];
      float[] y = out[0];
      for (int i = from; i < to; i += step) {
        FloatVector.fromArray(F, a, i).intoArray(y, i);
      }
    } else if (in.length == 2 && out.length == 1) {
      float[] a = in[0];
      float[] b = in[1];
      float[] y = out[0];
      for (int i = from; i < to; i += step) {
        FloatVector.fromArray(F, a, i).add(FloatVector.fromArray(F, b, i)).intoArray(y, i);
      }
    } else if (in.length == 3 && out.length == 2) {
      float[] a = in[0];
      float[] b = in[1];
      float[] c = in[2];
      float[] y = out[0];
      float[] z = out[1];
      for (int i = from; i < to; i += step) {
        FloatVector v = FloatVector.fromArray(F, a, i).add(FloatVector.fromArray(F, b, i))
            .add(FloatVector.fromArray(F, c, i));
        v.intoArray(y, i);
        v.intoArray(z, i);
      }
    } else {
      for (int i = from; i < to; i += step) {
        FloatVector v = FloatVector.fromArray(F, in[0], i);
        for (int r = 1; r < in.length; r++) {
          v = v.add(FloatVector.fromArray(F, in[r], i));
        }
        for (float[] y : out) {
          v.intoArray(y, i);
        }
      }
    }
  }
}
