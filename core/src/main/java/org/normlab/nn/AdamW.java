package org.normlab.nn;

import java.util.List;

/**
 * Adam with decoupled weight decay (PyTorch's torch.optim.AdamW, default weight decay 0.01):
 * see {@link Adam} for the update. Build with {@code AdamW.builder()}.
 */
public final class AdamW extends Adam {
  AdamW(Builder b, List<Parameter> parameters) {
    super(b, parameters);
  }

  public static Builder builder() {
    return new Builder(true, 0.01);
  }
}
