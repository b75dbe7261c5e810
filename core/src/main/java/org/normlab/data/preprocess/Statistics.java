package org.normlab.data.preprocess;

import org.normlab.io.SafetensorsFile;
import org.normlab.io.SafetensorsWriter;
import org.normlab.norm.MergeableStats;

/** Chunk statistics for the scalers: two passes over a chunk, then Chan's merge into the total. */
final class Statistics {
  private Statistics() {}

  /** {@code total} (null for none yet) merged with the per-feature mean and M2 of {@code chunk}. */
  static MergeableStats merge(MergeableStats total, double[][] chunk, int d) {
    double[] mean = new double[d];
    for (double[] row : chunk) {
      for (int c = 0; c < d; c++) {
        mean[c] += row[c];
      }
    }
    for (int c = 0; c < d; c++) {
      mean[c] /= chunk.length;
    }
    double[] m2 = new double[d];
    for (double[] row : chunk) {
      for (int c = 0; c < d; c++) {
        double dev = row[c] - mean[c];
        m2[c] += dev * dev;
      }
    }
    MergeableStats t = total == null ? new MergeableStats(d) : total;
    return t.merge(chunk.length, mean, m2);
  }

  static SafetensorsWriter put(SafetensorsWriter w, MergeableStats s) {
    double[] m2 = new double[s.features()];
    for (int c = 0; c < m2.length; c++) {
      m2[c] = s.m2(c);
    }
    return w.putDoubles("mean", s.means(), m2.length).putDoubles("m2", m2, m2.length);
  }

  static MergeableStats read(SafetensorsFile f) {
    double[] mean = f.doubles("mean");
    double[] m2 = f.doubles("m2");
    return new MergeableStats(mean.length).merge(NormalizerFiles.samplesSeen(f), mean, m2);
  }
}
