/**
 * Components: deployed copies described by their {@code component.json}, whose {@code
 * authClientTypes}, view class and OAuth2 scopes say what authorization they accept.
 */
package io.credflow.component;
