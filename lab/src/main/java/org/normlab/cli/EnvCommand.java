package org.normlab.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.normlab.kernels.Kernels;
import org.normlab.kernels.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code normlab env}: what normlab runs on (JDK, kernels, SIMD width, threads). */
@Command(name = "env", mixinStandardHelpOptions = true,
    description = "Show the JDK, the kernel implementation (vector or scalar) and the thread count.")
final class EnvCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.println("normlab   " + VersionProvider.version());
    out.println("jdk       " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
    out.println("kernels   " + Kernels.get().name()
        + (Kernels.vector().isPresent() ? "" : " (start java with --add-modules jdk.incubator.vector for SIMD)"));
    out.println("threads   " + Parallel.threads() + " of " + Runtime.getRuntime().availableProcessors()
        + " processors (set with --threads or NORMLAB_THREADS)");
    out.println("os/arch   " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    out.flush();
    return ExitCodes.OK;
  }
}
