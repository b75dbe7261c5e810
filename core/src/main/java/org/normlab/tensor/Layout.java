package org.normlab.tensor;

/**
 * The memory order of a tensor and where its channel axis is.
 *
 * <p>Channels-first layouts (NC, NCL, NCHW, NCDHW) are PyTorch's contiguous order; channels-last
 * layouts (NLC, NHWC, NDHWC) keep the channels of one position together. A {@link Shape} always
 * lists dimensions in memory order, so an NHWC tensor of 2 images of 3 channels at 4x5 has shape
 * (2, 4, 5, 3). {@link #ROW_MAJOR} is a plain tensor of any rank with no channel axis (weights,
 * logits, rows of features).
 */
public enum Layout {
  NC(2, 1),
  NCL(3, 1),
  NLC(3, 2),
  NCHW(4, 1),
  NHWC(4, 3),
  NCDHW(5, 1),
  NDHWC(5, 4),
  /** Any rank, no channel axis. */
  ROW_MAJOR(-1, -1);

  private final int rank;
  private final int channelAxis;

  Layout(int rank, int channelAxis) {
    this.rank = rank;
    this.channelAxis = channelAxis;
  }

  /** The rank this layout requires, or -1 for {@link #ROW_MAJOR}. */
  public int rank() {
    return rank;
  }

  /** The axis (in memory order) that holds channels, or -1 for {@link #ROW_MAJOR}. */
  public int channelAxis() {
    return channelAxis;
  }

  public boolean hasChannels() {
    return channelAxis >= 0;
  }

  /** True for NLC, NHWC and NDHWC: the channel axis is the innermost one. */
  public boolean isChannelsLast() {
    return hasChannels() && rank > 2 && channelAxis == rank - 1;
  }

  /** Number of spatial axes (0 for NC, 1 for NCL/NLC, 2 for NCHW/NHWC, 3 for NCDHW/NDHWC). */
  public int spatialRank() {
    if (!hasChannels()) {
      throw new UnsupportedOperationException("layout ROW_MAJOR has no spatial axes");
    }
    return rank - 2;
  }

  /** The channels-last layout with the same spatial rank (NC and ROW_MAJOR map to themselves). */
  public Layout toChannelsLast() {
    return switch (this) {
      case NCL, NLC -> NLC;
      case NCHW, NHWC -> NHWC;
      case NCDHW, NDHWC -> NDHWC;
      default -> this;
    };
  }

  /** The channels-first layout with the same spatial rank (NC and ROW_MAJOR map to themselves). */
  public Layout toChannelsFirst() {
    return switch (this) {
      case NCL, NLC -> NCL;
      case NCHW, NHWC -> NCHW;
      case NCDHW, NDHWC -> NCDHW;
      default -> this;
    };
  }

  /** The channels-first layout of the given rank (2..5). */
  public static Layout channelsFirstOfRank(int rank) {
    return switch (rank) {
      case 2 -> NC;
      case 3 -> NCL;
      case 4 -> NCHW;
      case 5 -> NCDHW;
      default -> throw new IllegalArgumentException(
          "rank: expected 2 to 5 for a layout with channels, got " + rank);
    };
  }
}
