package org.normlab.data.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.normlab.data.preprocess.SklearnReference.assertClose;
import static org.normlab.data.preprocess.SklearnReference.columns;
import static org.normlab.data.preprocess.SklearnReference.matrix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normlab.data.preprocess.StandardScaler.ZeroVariance;
import org.normlab.io.SafetensorsFile;

/**
 * A saved normalizer loads as the same type with the same settings, transforms identically and
 * goes on fitting exactly where it left off.
 */
class SaveLoadTest {
  static final double[][] TRAIN = columns(matrix("train"), 0, 1, 2, 3, 5);
  static final double[][] TEST = columns(matrix("test"), 0, 1, 2, 3, 5);

  static List<DataNormalizer> normalizers() {
    return List.of(MinMaxScaler.builder().optFeatureRange(-2, 3).optClip(true).build(),
        StandardScaler.builder().setZeroVariance(ZeroVariance.EPS).optEps(1e-3).optDdof(1)
            .optWithMean(false).build(),
        Whitening.builder(Whitening.Method.CHOLESKY).optEps(1e-4).build());
  }

  @Test
  void roundTripsAndContinuesFitting(@TempDir Path dir) throws IOException {
    double[][] first = Arrays.copyOfRange(TRAIN, 0, 60);
    double[][] rest = Arrays.copyOfRange(TRAIN, 60, TRAIN.length);
    for (DataNormalizer n : normalizers()) {
      Path file = dir.resolve(n.getClass().getSimpleName() + ".safetensors");
      n.fit(first);
      n.save(file);
      DataNormalizer loaded = DataNormalizers.load(file);
      assertEquals(n.getClass(), loaded.getClass());
      assertEquals(n.toString(), loaded.toString(), "settings survive");
      assertClose(loaded.transform(TEST), n.transform(TEST), 0, "same transform after load");
      n.partialFit(rest);
      loaded.partialFit(rest);
      assertClose(loaded.transform(TEST), n.transform(TEST), 1e-12, "same after further fitting");
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(3, files.count(), "no temporary files left behind");
    }
  }

  @Test
  void fileHoldsSettingsInMetadata(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("s.safetensors");
    StandardScaler.builder().setZeroVariance(ZeroVariance.ERROR).build().fit(TRAIN).save(file);
    SafetensorsFile f = SafetensorsFile.read(file);
    assertEquals("standard_scaler", f.requireMetadata("type"));
    assertEquals("ERROR", f.requireMetadata("zero_variance"));
    assertEquals(Integer.toString(TRAIN.length), f.requireMetadata("samples_seen"));
    StandardScaler s = DataNormalizers.load(file, StandardScaler.class);
    assertEquals(5, s.features());
    String m = assertThrows(IllegalArgumentException.class,
        () -> DataNormalizers.load(file, MinMaxScaler.class)).getMessage();
    assertTrue(m.contains("expected a MinMaxScaler, got a StandardScaler"), m);
    assertThrows(IllegalStateException.class,
        () -> MinMaxScaler.builder().build().save(dir.resolve("unfitted.safetensors")));
  }
}
