package org.normlab.cli;

import org.normlab.info.Measures;
import org.normlab.info.Unit;
import picocli.CommandLine.Command;

/** {@code normlab info kl --p ... --q ...}: KL(P||Q) and KL(Q||P), to show that KL is not symmetric. */
@Command(name = "kl", mixinStandardHelpOptions = true,
    description = "Kullback-Leibler divergence in both directions, KL(P||Q) = sum p log(p/q) and KL(Q||P).")
final class InfoKlCommand extends InfoPairCommand {
  @Override
  void compute(double[] p, double[] q, Unit unit, InfoOutput out) {
    out.value("kl_pq", "KL(P||Q)", Measures.kl(p, q, unit))
        .value("kl_qp", "KL(Q||P)", Measures.kl(q, p, unit))
        .note("KL is not symmetric");
  }

  @Override
  String measure() {
    return "kl";
  }
}
