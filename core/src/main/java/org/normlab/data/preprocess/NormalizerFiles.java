package org.normlab.data.preprocess;

import org.normlab.io.SafetensorsFile;
import org.normlab.io.SafetensorsWriter;

/**
 * The file format of a fitted normalizer: a safetensors file whose metadata holds
 * {@code type} (min_max_scaler, standard_scaler, whitening), {@code format} (1), the settings and
 * {@code samples_seen}; its F64 arrays hold the fitted statistics (so a loaded normalizer can go
 * on fitting exactly).
 */
final class NormalizerFiles {
  static final String FORMAT = "1";

  private NormalizerFiles() {}

  /** A writer with the type, format and sample count already set. */
  static SafetensorsWriter writer(String type, long samplesSeen) {
    return new SafetensorsWriter().metadata("type", type).metadata("format", FORMAT)
        .metadata("samples_seen", Long.toString(samplesSeen));
  }

  static long samplesSeen(SafetensorsFile f) {
    return Long.parseLong(f.requireMetadata("samples_seen"));
  }

  static double number(SafetensorsFile f, String key) {
    return Double.parseDouble(f.requireMetadata(key));
  }

  static boolean flag(SafetensorsFile f, String key) {
    String v = f.requireMetadata(key);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(f.path() + ": metadata " + key
          + ": expected true or false, got " + v);
    }
    return v.equals("true");
  }
}
