/**
 * What the console's templates receive: one record per page or fragment, built by the page classes,
 * holding only what the template shows.
 */
package io.credflow.console.view;
