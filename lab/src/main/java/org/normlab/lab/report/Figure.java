package org.normlab.lab.report;

import org.knowm.xchart.internal.chartpart.Chart;

/** One chart of a report with the sentence under it. */
public record Figure(String caption, Chart<?, ?> chart) {}
