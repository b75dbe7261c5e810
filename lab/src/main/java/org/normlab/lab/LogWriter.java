package org.normlab.lab;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.normlab.io.Json;

/**
 * Appends JSON Lines to a run log and flushes after every line, so that an interrupted run
 * (Ctrl-C, a crash) leaves every completed line on disk and still gets a report.
 */
public final class LogWriter implements AutoCloseable {
  private final BufferedWriter out;
  private boolean closed;

  public LogWriter(Path file) throws IOException {
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** Writes one record as one line and flushes it. */
  public synchronized void write(Map<String, Object> record) {
    if (closed) {
      return; // a shutdown hook closed the log while training still ran
    }
    try {
      out.write(Json.write(record));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("log: cannot write the run log", e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      out.close();
    }
  }
}
