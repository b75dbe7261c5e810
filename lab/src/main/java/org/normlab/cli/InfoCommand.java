package org.normlab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code normlab info}: information measures of probabilities typed on the command line. Each
 * measure is its own subcommand class; they share {@link InfoOptions}, parse with
 * {@link InfoInput} and print with {@link InfoOutput}.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = {"Information measures: information content, entropy, cross-entropy, KL and JS divergence.",
        "Probabilities may be written 0.25, 1/4 or 25%; --base 2 gives bits, 10 hartleys (default: nats)."},
    subcommands = {InfoInformationCommand.class, InfoEntropyCommand.class, InfoCrossEntropyCommand.class,
        InfoKlCommand.class, InfoJsCommand.class, InfoBinaryEntropyCommand.class})
final class InfoCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
