package org.normlab.lab;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.normlab.io.AtomicFiles;
import org.normlab.io.Json;

/**
 * The files of one experiment run: {@code <out>/<experiment>-<yyyyMMdd-HHmmss>/} with
 * {@value #SETTINGS} (written whole, atomically), {@value #LOG} (JSON Lines, one line per logged
 * step, flushed as it goes) and {@value #REPORT}.
 */
public final class RunFolder {
  public static final String SETTINGS = "settings.json";
  public static final String LOG = "log.jsonl";
  public static final String REPORT = "report.html";
  public static final String SUMMARY = "summary.json";

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private final Path dir;

  private RunFolder(Path dir) {
    this.dir = dir;
  }

  /** Opens an existing run folder (for {@code lab report}); it must hold settings.json. */
  public static RunFolder open(Path dir) {
    if (!Files.isRegularFile(dir.resolve(SETTINGS))) {
      throw new IllegalArgumentException("RUN_DIR: expected a run folder with " + SETTINGS + ", got " + dir);
    }
    return new RunFolder(dir);
  }

  /**
   * Creates a fresh folder for {@code experiment} under {@code outDir}, named after the start
   * time (a suffix -2, -3, ... when two runs start within the same second), and writes the
   * settings.
   */
  public static RunFolder create(Path outDir, String experiment, LocalDateTime start,
      Map<String, Object> settings) throws IOException {
    Files.createDirectories(outDir);
    String base = experiment + "-" + STAMP.format(start);
    for (int i = 1; ; i++) {
      Path dir = outDir.resolve(i == 1 ? base : base + "-" + i);
      try {
        Files.createDirectory(dir);
      } catch (FileAlreadyExistsException e) {
        continue;
      }
      RunFolder folder = new RunFolder(dir);
      AtomicFiles.writeString(folder.settings(), Json.write(settings) + "\n");
      return folder;
    }
  }

  public Path dir() {
    return dir;
  }

  public Path settings() {
    return dir.resolve(SETTINGS);
  }

  public Path log() {
    return dir.resolve(LOG);
  }

  public Path report() {
    return dir.resolve(REPORT);
  }

  public Path summary() {
    return dir.resolve(SUMMARY);
  }
}
