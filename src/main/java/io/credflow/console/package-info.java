/**
 * The browser console: server-rendered pages (JTE templates, htmx fragments) over the same services
 * and access rules as the API, signed in with a session cookie.
 */
package io.credflow.console;
