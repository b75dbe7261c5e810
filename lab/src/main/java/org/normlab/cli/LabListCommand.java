package org.normlab.cli;

import java.util.concurrent.Callable;
import org.normlab.lab.Experiment;
import org.normlab.lab.Experiments;
import picocli.CommandLine.Command;

/** {@code normlab lab list}: every experiment with one line. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the experiments.")
final class LabListCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    for (Experiment e : Experiments.all()) {
      System.out.printf("%-4s %s%n", e.name(), e.summary());
    }
    System.out.println("Default suite (normlab lab): E1 E3 E5");
    return ExitCodes.OK;
  }
}
