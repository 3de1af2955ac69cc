package io.credflow.console.view;

/** A member as the Workspace page lists them: where the membership is, and its role. */
public record Member(String userId, String email, String role, String level, boolean here) {}
