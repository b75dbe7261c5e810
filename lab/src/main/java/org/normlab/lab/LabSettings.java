package org.normlab.lab;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.normlab.kernels.Parallel;

/**
 * What a lab invocation was asked to do, written into every run folder as settings.json.
 *
 * @param scale how long to train ({@link Scale#DEFAULT} unless {@code --full} or tiny tests)
 * @param seeds how many seeds each run repeats with (seeds 1..K); at least 1
 * @param dataDir the full Fashion-MNIST (IDX, optionally gzip) or null for the embedded subset
 * @param outDir where run folders go (default {@code runs/})
 */
public record LabSettings(Scale scale, int seeds, Path dataDir, Path outDir) {
  public LabSettings {
    Objects.requireNonNull(scale, "scale");
    Objects.requireNonNull(outDir, "outDir");
    if (seeds < 1) {
      throw new IllegalArgumentException("seeds: expected at least 1, got " + seeds);
    }
  }

  /** The default settings: default scale, one seed, embedded data, {@code runs/}. */
  public static LabSettings defaults() {
    return new LabSettings(Scale.DEFAULT, 1, null, Path.of("runs"));
  }

  public Optional<Path> data() {
    return Optional.ofNullable(dataDir);
  }

  /** The settings as a JSON-ready map (with the thread count and JDK, for reproducibility). */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scale", scale.name().toLowerCase(java.util.Locale.ROOT));
    m.put("seeds", seeds);
    m.put("data", dataDir == null ? "embedded" : dataDir.toString());
    m.put("threads", Parallel.threads());
    m.put("jdk", Runtime.version().toString());
    return m;
  }
}
