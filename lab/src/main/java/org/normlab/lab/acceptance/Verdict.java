package org.normlab.lab.acceptance;

/** One row of an acceptance table: the bar, what was measured, and the outcome. */
public record Verdict(String id, String bar, String measured, Status status) {}
