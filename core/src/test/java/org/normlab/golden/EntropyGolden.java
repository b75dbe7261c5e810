package org.normlab.golden;

import org.normlab.info.Measures;
import org.normlab.info.Unit;
import org.normlab.tensor.Layout;

/** Golden check of {@code entropy} (golden-format.md): one entropy per row of p, in base e, 2 or 10. */
final class EntropyGolden {
  private EntropyGolden() {}

  static void check(GoldenCase c) {
    c.expectClose("output", Measures.entropyRows(c.tensor("p", Layout.ROW_MAJOR), Unit.parse(c.meta("base"))));
  }
}
