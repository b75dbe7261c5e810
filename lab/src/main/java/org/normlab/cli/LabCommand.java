package org.normlab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.normlab.lab.Experiment;
import org.normlab.lab.Experiments;
import org.normlab.lab.LabRunner;
import org.normlab.lab.LabSettings;
import org.normlab.lab.Progress;
import org.normlab.lab.Scale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code normlab lab [NAME...]}: runs experiments (the default suite E1, E3, E5 when no name is
 * given) and writes a run folder with a report for each, plus an index page.
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
    description = {"Re-run the batch normalization experiments and write HTML reports.",
        "Without NAME runs the default suite (E1, E3, E5) on the embedded data in a few minutes."},
    subcommands = {LabListCommand.class, LabReportCommand.class})
final class LabCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "NAME", description = "Experiments to run (see 'normlab lab list').")
  List<String> names = new ArrayList<>();

  @Option(names = "--seeds", paramLabel = "K", defaultValue = "1",
      description = "Repeat each run with seeds 1..K; charts show the spread (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--full", description = "Use the step counts of the papers' settings (reproductions.md).")
  boolean full;

  @Option(names = "--tiny", hidden = true, description = "A few steps of everything: checks the wiring only.")
  boolean tiny;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Directory with the full Fashion-MNIST IDX files (default: the embedded subset).")
  Path data;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs",
      description = "Where run folders go (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    LabSettings settings = settings();
    List<Experiment> chosen = experiments();
    new LabRunner(settings, System.out, Progress.terminal()).run(chosen);
    return ExitCodes.OK;
  }

  LabSettings settings() {
    if (seeds < 1) {
      throw new BadInputException("--seeds: expected at least 1, got " + seeds);
    }
    if (full && tiny) {
      throw new BadInputException("--full and --tiny: expected at most one, got both");
    }
    if (data != null && !Files.isDirectory(data)) {
      throw new BadInputException("--data: expected a directory with the Fashion-MNIST IDX files, got " + data);
    }
    Scale scale = full ? Scale.FULL : tiny ? Scale.TINY : Scale.DEFAULT;
    return new LabSettings(scale, seeds, data, out);
  }

  List<Experiment> experiments() {
    if (names.isEmpty()) {
      return Experiments.defaultSuite();
    }
    List<Experiment> chosen = new ArrayList<>();
    for (String n : names) {
      chosen.add(Experiments.byName(n));
    }
    return chosen;
  }
}
