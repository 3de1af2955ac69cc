package io.credflow.console.view;

/** One option of a chooser: its value, what the user reads, and whether it is chosen. */
public record Choice(String value, String label, boolean selected) {}
