package org.normlab.golden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.normlab.io.SafetensorsFile;

/**
 * Runs every golden case file as its own test, named after its file: the project's cases under
 * {@code src/test/resources/golden} and, when {@code NORMLAB_GOLDEN_DIR} is set, every case under
 * that folder (recursively).
 */
class GoldenSuiteTest {
  static final Path PROJECT_CASES = Paths.get("src", "test", "resources", "golden");

  static List<Path> caseFiles() throws IOException {
    List<Path> roots = new ArrayList<>();
    roots.add(PROJECT_CASES);
    String extra = System.getenv("NORMLAB_GOLDEN_DIR");
    if (extra != null && !extra.isBlank()) {
      Path dir = Paths.get(extra);
      if (!Files.isDirectory(dir)) {
        throw new IOException("NORMLAB_GOLDEN_DIR: expected a folder, got " + dir.toAbsolutePath());
      }
      roots.add(dir);
    }
    List<Path> files = new ArrayList<>();
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(p -> p.toString().endsWith(".safetensors")).sorted().forEach(files::add);
      }
    }
    return files;
  }

  @TestFactory
  Stream<DynamicTest> goldenCases() throws IOException {
    return caseFiles().stream().map(path -> DynamicTest.dynamicTest(
        path.getParent().getFileName() + "/" + path.getFileName(), path.toUri(), () -> {
          GoldenCase c = new GoldenCase(SafetensorsFile.read(path));
          GoldenOps.find(c.op()).run(c);
        }));
  }
}
