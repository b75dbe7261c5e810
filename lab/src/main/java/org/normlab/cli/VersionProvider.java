package org.normlab.cli;

import org.normlab.kernels.Kernels;
import org.normlab.kernels.Parallel;
import picocli.CommandLine;

/** Prints the normlab version, the JDK, the chosen kernels and the thread count. */
final class VersionProvider implements CommandLine.IVersionProvider {
  static String version() {
    String v = VersionProvider.class.getPackage().getImplementationVersion();
    return v != null ? v : Main.class.getPackage().getSpecificationVersion() != null
        ? Main.class.getPackage().getSpecificationVersion() : "0.1.0-SNAPSHOT";
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "normlab " + version(),
      "JDK " + Runtime.version() + ", kernels " + Kernels.get().name() + ", threads " + Parallel.threads()
    };
  }
}
