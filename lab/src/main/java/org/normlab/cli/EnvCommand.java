package org.normlab.cli;

import java.util.concurrent.Callable;
import org.normlab.kernels.Kernels;
import org.normlab.kernels.Parallel;
import picocli.CommandLine.Command;

/** {@code normlab env}: what normlab runs on (JDK, kernels, SIMD width, threads). */
@Command(name = "env", mixinStandardHelpOptions = true,
    description = "Show the JDK, the kernel implementation (vector or scalar) and the thread count.")
final class EnvCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.println("normlab   " + VersionProvider.version());
    System.out.println("jdk       " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
    System.out.println("kernels   " + Kernels.get().name()
        + (Kernels.vector().isPresent() ? "" : " (start java with --add-modules jdk.incubator.vector for SIMD)"));
    System.out.println("threads   " + Parallel.threads() + " of " + Runtime.getRuntime().availableProcessors()
        + " processors (set with --threads or NORMLAB_THREADS)");
    System.out.println("os/arch   " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    return ExitCodes.OK;
  }
}
