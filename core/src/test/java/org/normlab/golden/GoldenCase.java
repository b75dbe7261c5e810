package org.normlab.golden;

import java.nio.file.Path;
import org.normlab.io.SafetensorsFile;
import org.normlab.tensor.AllClose;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * One golden case file (see shared/docs/golden-format.md): PyTorch's inputs and outputs for one
 * operation, with the operation and its arguments in the metadata.
 */
public final class GoldenCase {
  /** Default tolerances for float32 cases, overridden by the case's {@code rtol}/{@code atol} metadata. */
  public static final double DEFAULT_RTOL = 1e-4;
  public static final double DEFAULT_ATOL = 1e-5;

  private final SafetensorsFile file;

  public GoldenCase(SafetensorsFile file) {
    this.file = file;
  }

  public Path path() {
    return file.path();
  }

  public SafetensorsFile file() {
    return file;
  }

  public String op() {
    return file.requireMetadata("op");
  }

  public boolean has(String tensor) {
    return file.has(tensor);
  }

  public String meta(String key) {
    return file.requireMetadata(key);
  }

  public String meta(String key, String fallback) {
    return file.metadata().getOrDefault(key, fallback);
  }

  public double metaDouble(String key) {
    return Double.parseDouble(meta(key));
  }

  public boolean metaBool(String key) {
    String v = meta(key).toLowerCase(java.util.Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(path() + ": metadata '" + key + "' must be true or false, got " + v);
    }
    return v.equals("true");
  }

  public double rtol() {
    return Double.parseDouble(meta("rtol", String.valueOf(DEFAULT_RTOL)));
  }

  public double atol() {
    return Double.parseDouble(meta("atol", String.valueOf(DEFAULT_ATOL)));
  }

  /** A stored tensor as float32 (fails loudly when missing). */
  public float[] floats(String name) {
    return file.floats(name);
  }

  public double[] doubles(String name) {
    return file.doubles(name);
  }

  public long[] longs(String name) {
    return file.longs(name);
  }

  public int[] shape(String name) {
    return file.shape(name);
  }

  /** A stored tensor in PyTorch's logical (channels-first) order, with the given layout. */
  public Tensor tensor(String name, Layout layout) {
    return file.tensor(name, layout);
  }

  /** Asserts {@code actual} matches the stored tensor {@code name} within the case tolerances. */
  public void expectClose(String name, float[] actual) {
    double[] expected = file.doubles(name);
    double[] a = new double[actual.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = actual[i];
    }
    AllClose.assertAllClose(a, expected, rtol(), atol(), path().getFileName() + " " + name);
  }

  public void expectClose(String name, double[] actual) {
    AllClose.assertAllClose(actual, file.doubles(name), rtol(), atol(), path().getFileName() + " " + name);
  }
}
