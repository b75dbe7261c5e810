package org.normlab.cli;

import org.normlab.info.Unit;
import picocli.CommandLine.Option;

/** Options shared by the {@code normlab info} subcommands (a picocli mixin). */
final class InfoOptions {
  @Option(names = "--base", paramLabel = "B", defaultValue = "e",
      description = "Logarithm base: e (nats, default), 2 (bits) or 10 (hartleys).")
  String base;

  @Option(names = "--json", description = "Print one JSON object instead of a line of text.")
  boolean json;

  @Option(names = "--normalize",
      description = "Rescale inputs that do not sum to 1 (otherwise they are an error).")
  boolean normalize;

  Unit unit() {
    return Unit.parse(base);
  }
}
