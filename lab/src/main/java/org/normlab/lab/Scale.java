package org.normlab.lab;

/**
 * How long the experiments run. {@link #DEFAULT} is sized so that the default suite (E1, E3, E5)
 * finishes within minutes on two cores; {@link #FULL} uses the step counts of
 * shared/docs/reproductions.md; {@link #TINY} runs a few steps of everything (tests, smoke checks:
 * the wiring, not the science).
 */
public enum Scale {
  TINY,
  DEFAULT,
  FULL;

  /** Picks the value for this scale. */
  public long pick(long tiny, long normal, long full) {
    return switch (this) {
      case TINY -> tiny;
      case DEFAULT -> normal;
      case FULL -> full;
    };
  }

  /** Picks the value for this scale. */
  public int pick(int tiny, int normal, int full) {
    return (int) pick((long) tiny, normal, full);
  }
}
