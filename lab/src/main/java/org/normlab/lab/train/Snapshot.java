package org.normlab.lab.train;

import java.util.ArrayList;
import java.util.List;
import org.normlab.nn.StateDict;

/**
 * A copy of a network's whole state (parameters and buffers such as BN running statistics), to
 * be put back after a probe that moves weights or runs extra training-mode forward passes.
 */
public final class Snapshot {
  private final List<float[]> live = new ArrayList<>();
  private final List<float[]> saved = new ArrayList<>();

  private Snapshot() {}

  public static Snapshot of(Net net) {
    Snapshot s = new Snapshot();
    StateDict state = net.model().stateDict();
    for (StateDict.Entry e : state.entries().values()) {
      if (e.floats() != null) {
        s.live.add(e.floats());
        s.saved.add(e.floats().clone());
      }
    }
    return s;
  }

  /** Writes the saved values back into the network. */
  public void restore() {
    for (int i = 0; i < live.size(); i++) {
      System.arraycopy(saved.get(i), 0, live.get(i), 0, saved.get(i).length);
    }
  }
}
