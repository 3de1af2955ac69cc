package io.credflow.demo;

/**
 * A page telling the user why the demo provider will not go on, shown instead of redirecting
 * wherever a request said when the client or its redirect URI cannot be trusted ({@code
 * src/main/jte/demo/error.jte}). Public only because the precompiled template lives in a package of
 * its own.
 *
 * @param heading what went wrong, in a few words
 * @param detail what the request carried and what to do about it
 * @param stylesheet the console's stylesheet
 */
public record ErrorPage(String heading, String detail, String stylesheet) {}
