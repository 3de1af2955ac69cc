/**
 * The HTTP edge: JSON:API documents in and out, authentication, errors, routes per resource, health
 * and metrics. Maps documents to domain calls; holds no business rules of its own.
 */
package io.credflow.api;
