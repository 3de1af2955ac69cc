/**
 * The ownership tree (tenants hold contracts, contracts hold workspaces), users with hashed API
 * keys, memberships with roles, and the {@link io.credflow.tenancy.Caller} every request acts as.
 */
package io.credflow.tenancy;
