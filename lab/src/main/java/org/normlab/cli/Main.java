package org.normlab.cli;

import org.normlab.kernels.Parallel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code normlab} command: one class per subcommand, errors mapped to exit codes by {@link ErrorHandler}. */
@Command(
    name = "normlab",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Normalization in neural networks: batch norm and its relatives, exact and fast,"
        + " and a lab that re-runs the classic batch-norm experiments.",
    subcommands = {
      // Each area adds its commands under its marker (keeps merges clean).
      // [lab]
      LabCommand.class,

      // [info]
      InfoCommand.class,

      // [engine]
      TrainCommand.class,
      EvalCommand.class,

      EnvCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--debug", description = "Print stack traces for errors.", scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  @Option(names = "--threads", description = "Number of threads (default: NORMLAB_THREADS or all processors).",
      scope = CommandLine.ScopeType.INHERIT)
  void setThreads(int threads) {
    if (threads < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--threads: expected at least 1, got " + threads);
    }
    Parallel.setThreads(threads);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the command line with normlab's error handling (used by {@link #main} and tests). */
  public static CommandLine commandLine(boolean debug) {
    ErrorHandler handler = new ErrorHandler(debug);
    return new CommandLine(new Main())
        .setExecutionExceptionHandler(handler)
        .setParameterExceptionHandler(handler)
        .setCaseInsensitiveEnumValuesAllowed(true);
  }

  /** Runs the command and returns its exit code. */
  public static int run(String... args) {
    return commandLine(ErrorHandler.debug(args)).execute(args);
  }

  /** True when standard output is a terminal (progress bars redraw one line). */
  static boolean interactive() {
    java.io.Console c = System.console();
    return c != null && c.isTerminal();
  }

  public static void main(String[] args) {
    int code = run(args);
    System.out.flush();
    System.exit(code);
  }
}
