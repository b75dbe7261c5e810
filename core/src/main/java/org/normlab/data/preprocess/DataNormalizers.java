package org.normlab.data.preprocess;

import java.io.IOException;
import java.nio.file.Path;
import org.normlab.io.SafetensorsFile;

/** Loading of saved normalizers (see {@link DataNormalizer#save}). */
public final class DataNormalizers {
  private DataNormalizers() {}

  /** Reads a normalizer saved by {@link DataNormalizer#save}, of whichever type it is. */
  public static DataNormalizer load(Path path) throws IOException {
    SafetensorsFile f = SafetensorsFile.read(path);
    String type = f.requireMetadata("type");
    String format = f.requireMetadata("format");
    if (!format.equals(NormalizerFiles.FORMAT)) {
      throw new IllegalArgumentException(path + ": format: expected " + NormalizerFiles.FORMAT
          + ", got " + format);
    }
    return switch (type) {
      case MinMaxScaler.TYPE -> MinMaxScaler.read(f);
      case StandardScaler.TYPE -> StandardScaler.read(f);
      case Whitening.TYPE -> Whitening.read(f);
      default -> throw new IllegalArgumentException(path + ": type: expected "
          + MinMaxScaler.TYPE + ", " + StandardScaler.TYPE + " or " + Whitening.TYPE + ", got "
          + type);
    };
  }

  /** {@link #load} with a check of the type, e.g. {@code load(path, StandardScaler.class)}. */
  public static <T extends DataNormalizer> T load(Path path, Class<T> type) throws IOException {
    DataNormalizer n = load(path);
    if (!type.isInstance(n)) {
      throw new IllegalArgumentException(path + ": expected a " + type.getSimpleName() + ", got a "
          + n.getClass().getSimpleName());
    }
    return type.cast(n);
  }
}
