/**
 * Auth-clients: how a component authenticates against one API, in one of five types, owned at the
 * component, tenant, contract or workspace level. Settings are a sealed family, one record a type.
 */
package io.credflow.authclient;
