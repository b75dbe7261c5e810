package org.normlab.lab.report;

import java.io.IOException;
import java.util.Base64;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** HTML helpers for the reports: escaping, the shared style sheet, charts as PNG data URIs. */
public final class Html {
  private Html() {}

  public static final String STYLE = """
      body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;max-width:1300px;
      padding:0 1em;color:#222;line-height:1.45}
      h1{font-size:1.6em;margin-bottom:.2em} h2{font-size:1.25em;margin-top:1.6em}
      .meta{color:#666;font-size:.9em}
      .claim{background:#f6f8fa;border-left:4px solid #1f77b4;padding:.6em 1em}
      table{border-collapse:collapse;margin:.6em 0;font-size:.92em} th,td{border:1px solid #ddd;padding:.35em .6em;
      vertical-align:top;text-align:left} th{background:#f3f3f3}
      .PASS{color:#fff;background:#2c8a2c;font-weight:bold} .FAIL{color:#fff;background:#c62828;font-weight:bold}
      .NOT_MEASURED{background:#eee;color:#555} .REPORT{background:#e3edf7}
      .figs{display:flex;flex-wrap:wrap;gap:1em} figure{margin:0;width:600px}
      figcaption{font-size:.88em;color:#444} img{max-width:100%}
      .warn{background:#fff4e5;border-left:4px solid #ff9800;padding:.5em 1em}
      """;

  /** Escapes text for HTML element content and attribute values. */
  public static String esc(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Renders a chart as a PNG data URI (headless: no window is opened). */
  public static String pngDataUri(Chart<?, ?> chart) throws IOException {
    byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
  }

  /** The start of a page: doctype, title, style. */
  public static String head(String title) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title)
        + "</title><style>" + STYLE + "</style></head><body>\n";
  }
}
