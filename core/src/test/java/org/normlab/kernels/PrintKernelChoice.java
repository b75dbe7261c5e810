package org.normlab.kernels;

/** Prints the kernel choice and thread count of a fresh JVM (run by {@link KernelChoiceTest}). */
public final class PrintKernelChoice {
  private PrintKernelChoice() {}

  public static void main(String[] args) {
    System.out.println("kernels " + Kernels.get().name());
    try {
      System.out.println("threads " + Parallel.threads());
    } catch (IllegalArgumentException e) {
      System.out.println("error " + e.getMessage());
    }
  }
}
