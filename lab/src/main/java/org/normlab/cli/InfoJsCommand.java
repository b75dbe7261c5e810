package org.normlab.cli;

import org.normlab.info.Measures;
import org.normlab.info.Unit;
import picocli.CommandLine.Command;

/** {@code normlab info js --p ... --q ...}: the Jensen-Shannon divergence and distance. */
@Command(name = "js", mixinStandardHelpOptions = true,
    description = "Jensen-Shannon divergence JS = (KL(P||M) + KL(Q||M))/2, M = (P+Q)/2, and distance sqrt(JS).")
final class InfoJsCommand extends InfoPairCommand {
  @Override
  void compute(double[] p, double[] q, Unit unit, InfoOutput out) {
    out.value("js", "JS(P, Q)", Measures.js(p, q, unit))
        .value("js_distance", "JS distance", Measures.jsDistance(p, q, unit), false);
  }

  @Override
  String measure() {
    return "js";
  }
}
