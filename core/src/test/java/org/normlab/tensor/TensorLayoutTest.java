package org.normlab.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Channels-first and channels-last conversions for every rank, checked element by element. */
class TensorLayoutTest {

  /** Logical (N, C, spatial...) dims used for each channels-first layout; odd sizes on purpose. */
  private static int[] logicalDims(Layout channelsFirst) {
    return switch (channelsFirst) {
      case NC -> new int[] {3, 5};
      case NCL -> new int[] {2, 3, 7};
      case NCHW -> new int[] {2, 3, 4, 5};
      case NCDHW -> new int[] {2, 3, 2, 3, 5};
      default -> throw new IllegalArgumentException(channelsFirst.toString());
    };
  }

  private static boolean channelsFirstWithChannels(Layout l) {
    return l.hasChannels() && !l.isChannelsLast();
  }

  @ParameterizedTest
  @EnumSource(value = Layout.class, names = {"NC", "NCL", "NCHW", "NCDHW"})
  void channelsLastRoundTripIsExact(Layout first) {
    Tensor x = Tensor.randn(7, first, logicalDims(first));
    Tensor last = x.toChannelsLast();
    assertEquals(first.toChannelsLast(), last.layout());
    Tensor back = last.toChannelsFirst();
    assertEquals(first, back.layout());
    assertEquals(x.shape(), back.shape());
    assertArrayEquals(x.data(), back.data());
    assertNotSame(x.data(), back.data());
  }

  @ParameterizedTest
  @EnumSource(value = Layout.class, names = {"NCL", "NCHW", "NCDHW"})
  void channelsLastPutsEveryElementWhereItsIndexSays(Layout first) {
    int[] dims = logicalDims(first);
    Tensor x = Tensor.uniform(11, -1f, 1f, first, dims);
    Tensor last = x.toChannelsLast();
    int rank = dims.length;
    int[] expectedDims = new int[rank];
    expectedDims[0] = dims[0];
    System.arraycopy(dims, 2, expectedDims, 1, rank - 2);
    expectedDims[rank - 1] = dims[1];
    assertEquals(Shape.of(expectedDims), last.shape());
    assertEquals(dims[1], last.channels());
    assertEquals(x.spatialSize(), last.spatialSize());
    assertArrayEquals(x.spatialDims(), last.spatialDims());
    // Walk every logical index (n, c, s...) and compare.
    int[] index = new int[rank];
    for (int flat = 0; flat < x.size(); flat++) {
      int rem = flat;
      for (int a = rank - 1; a >= 0; a--) {
        index[a] = rem % dims[a];
        rem /= dims[a];
      }
      int[] lastIndex = new int[rank];
      lastIndex[0] = index[0];
      System.arraycopy(index, 2, lastIndex, 1, rank - 2);
      lastIndex[rank - 1] = index[1];
      assertEquals(x.get(index), last.get(lastIndex), "element " + java.util.Arrays.toString(index));
    }
  }

  @ParameterizedTest
  @EnumSource(value = Layout.class, names = {"NC", "NCL", "NLC", "NCHW", "NHWC", "NCDHW", "NDHWC"})
  void toLayoutBetweenSiblingsRoundTrips(Layout layout) {
    Layout first = layout.toChannelsFirst();
    Tensor x = Tensor.randn(3, first, logicalDims(first)).toLayout(layout);
    Layout sibling = layout.isChannelsLast() ? layout.toChannelsFirst() : layout.toChannelsLast();
    Tensor y = x.toLayout(sibling).toLayout(layout);
    assertEquals(x.shape(), y.shape());
    assertArrayEquals(x.data(), y.data());
  }

  @Test
  void toLayoutAcrossRanksNamesBothLayouts() {
    Tensor x = Tensor.zeros(Layout.NCHW, 1, 2, 3, 4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.toLayout(Layout.NLC));
    assertTrue(e.getMessage().contains("NCHW") && e.getMessage().contains("NLC"), e.getMessage());
  }

  @Test
  void channelsBatchAndSpatialOfEachLayout() {
    Tensor nchw = Tensor.zeros(Layout.NCHW, 2, 3, 4, 5);
    assertEquals(2, nchw.batch());
    assertEquals(3, nchw.channels());
    assertEquals(20, nchw.spatialSize());
    assertArrayEquals(new int[] {4, 5}, nchw.spatialDims());
    Tensor ndhwc = Tensor.zeros(Layout.NDHWC, 2, 6, 4, 5, 3);
    assertEquals(3, ndhwc.channels());
    assertEquals(120, ndhwc.spatialSize());
    assertArrayEquals(new int[] {6, 4, 5}, ndhwc.spatialDims());
    Tensor nc = Tensor.zeros(Layout.NC, 8, 16);
    assertEquals(16, nc.channels());
    assertEquals(1, nc.spatialSize());
    assertEquals(0, nc.spatialDims().length);
  }

  @Test
  void layoutFacts() {
    for (Layout l : Layout.values()) {
      if (!l.hasChannels()) {
        assertThrows(UnsupportedOperationException.class, l::spatialRank);
        continue;
      }
      assertEquals(l.rank() - 2, l.spatialRank(), l.toString());
      assertEquals(l.toChannelsFirst(), l.toChannelsLast().toChannelsFirst(), l.toString());
      assertTrue(channelsFirstWithChannels(l.toChannelsFirst()), l.toString());
      assertEquals(l.toChannelsFirst(), Layout.channelsFirstOfRank(l.rank()), l.toString());
    }
    assertEquals(Layout.NC, Layout.NC.toChannelsLast());
    assertThrows(IllegalArgumentException.class, () -> Layout.channelsFirstOfRank(6));
  }

  @Test
  void rowMajorHasNoChannels() {
    Tensor w = Tensor.zeros(Layout.ROW_MAJOR, 4, 4, 4, 4, 4, 4);
    IllegalStateException e = assertThrows(IllegalStateException.class, w::channels);
    assertTrue(e.getMessage().contains("ROW_MAJOR"), e.getMessage());
    assertThrows(IllegalStateException.class, w::toChannelsLast);
  }
}
