package org.normlab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The choice made once at start-up, seen from fresh JVMs: the Vector API kernels with the module,
 * the scalar ones (and one warning naming the fix) without it or when forced, and the thread
 * count from NORMLAB_THREADS.
 */
class KernelChoiceTest {

  private record Run(String out, String err) {}

  private static Run launch(Map<String, String> env, String... jvmArgs) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvmArgs));
    cmd.add("-cp");
    cmd.add(Path.of("target", "classes") + java.io.File.pathSeparator + Path.of("target", "test-classes"));
    cmd.add(PrintKernelChoice.class.getName());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("NORMLAB_KERNELS");
    pb.environment().remove("NORMLAB_THREADS");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "exit code; stderr: " + err);
    return new Run(out, err);
  }

  @Test
  void vectorKernelsWithTheModule() throws Exception {
    Run r = launch(Map.of("NORMLAB_THREADS", "3"), "--add-modules", "jdk.incubator.vector");
    assertTrue(r.out().contains("kernels vector("), r.out());
    assertTrue(r.out().contains("threads 3"), r.out());
  }

  @Test
  void scalarKernelsAndOneWarningWithoutTheModule() throws Exception {
    Run r = launch(Map.of());
    assertTrue(r.out().contains("kernels scalar"), r.out());
    assertEquals(1, r.err().split("--add-modules jdk.incubator.vector", -1).length - 1,
        "one warning naming the fix: " + r.err());
  }

  @Test
  void scalarKernelsWhenForced() throws Exception {
    Run r = launch(Map.of("NORMLAB_KERNELS", "scalar"), "--add-modules", "jdk.incubator.vector");
    assertTrue(r.out().contains("kernels scalar"), r.out());
    assertTrue(launch(Map.of(), "--add-modules", "jdk.incubator.vector", "-Dnormlab.kernels=scalar")
        .out().contains("kernels scalar"));
  }

  @Test
  void aBadThreadCountIsAClearError() throws Exception {
    Run r = launch(Map.of("NORMLAB_THREADS", "many"), "--add-modules", "jdk.incubator.vector");
    assertTrue(r.out().contains("error NORMLAB_THREADS: expected a positive integer, got 'many'"), r.out());
  }
}
