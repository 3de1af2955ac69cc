/**
 * The audit trail: who did what to which subject, when, from where and why, for every release of a
 * secret, every change of access and every sign-in; append-only, read by admins within their
 * tenancy, and kept for a retention period. Knows no tenancy: callers hand it ids.
 */
package io.credflow.audit;
