package org.normlab.lab.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.normlab.io.AtomicFiles;
import org.normlab.io.Json;
import org.normlab.lab.RunFolder;

/**
 * {@code <out>/index.html}: every run folder under the output directory that has a report, newest
 * first, with its acceptance counts; the runs of the latest suite are listed first.
 */
public final class IndexPage {
  private IndexPage() {}

  /** Rewrites the index of {@code outDir}, listing {@code latest} (this suite's folders) first. */
  public static Path write(Path outDir, List<Path> latest) throws IOException {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(outDir)) {
      dirs.filter(d -> Files.isRegularFile(d.resolve(RunFolder.SUMMARY))).forEach(all::add);
    }
    all.sort(Comparator.comparing((Path p) -> p.getFileName().toString().replaceFirst("^[^-]*-", "")).reversed());
    StringBuilder h = new StringBuilder(Html.head("normlab lab: runs"));
    h.append("<h1>normlab lab</h1>\n<p>Re-runs of the batch normalization experiments of Ioffe &amp; Szegedy (2015)"
        + " and Santurkar et al. (2018); see shared/docs/reproductions.md for the settings and bars.</p>\n");
    if (!latest.isEmpty()) {
      h.append("<h2>This suite</h2>\n").append(table(latest.stream().map(p -> p.toAbsolutePath().normalize()).toList(),
          outDir));
    }
    h.append("<h2>All runs</h2>\n").append(table(all.stream().map(p -> p.toAbsolutePath().normalize()).toList(), outDir));
    h.append("</body></html>\n");
    Path index = outDir.resolve("index.html");
    AtomicFiles.writeString(index, h.toString());
    return index;
  }

  private static String table(List<Path> dirs, Path outDir) throws IOException {
    StringBuilder h = new StringBuilder(
        "<table><tr><th>run folder</th><th>experiment</th><th>finished</th><th>pass</th><th>fail</th>"
            + "<th>not measured</th></tr>\n");
    for (Path d : dirs) {
      Path summary = d.resolve(RunFolder.SUMMARY);
      if (!Files.isRegularFile(summary)) {
        continue;
      }
      Map<String, Object> s = Json.parseObject(Files.readString(summary, StandardCharsets.UTF_8));
      Object bars = s.get("bars");
      Map<?, ?> b = bars instanceof Map<?, ?> m ? m : Map.of();
      String rel = outDir.toAbsolutePath().normalize().relativize(d).toString().replace('\\', '/');
      h.append("<tr><td><a href=\"").append(Html.esc(rel)).append("/").append(RunFolder.REPORT).append("\">")
          .append(Html.esc(d.getFileName().toString())).append("</a></td><td>")
          .append(Html.esc(s.getOrDefault("experiment", "") + ". " + s.getOrDefault("title", ""))).append("</td><td>")
          .append(Boolean.TRUE.equals(s.get("complete")) ? "yes" : "no (interrupted)").append("</td><td>")
          .append(b.get("pass")).append("</td><td>").append(b.get("fail")).append("</td><td>")
          .append(b.get("not_measured")).append("</td></tr>\n");
    }
    return h.append("</table>\n").toString();
  }
}
