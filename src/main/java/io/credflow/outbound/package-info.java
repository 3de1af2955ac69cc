/**
 * Guarded outbound HTTP (docs/security.md, requirement 17): every call Credflow makes to another
 * company's API or token endpoint connects only to an address this package checked. Literal IP
 * forms are parsed as browsers and curl parse them, names are resolved once per connection, and the
 * checked addresses are the ones the shared Jetty client connects to; redirects are never followed
 * here. A kernel package: it uses only common, logging, the JDK and Jetty.
 */
package io.credflow.outbound;
