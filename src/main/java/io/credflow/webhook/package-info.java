/**
 * Event webhooks: a workspace's subscriptions to credential and run events, and their signed
 * deliveries, retried with backoff for a day through db-scheduler and recorded attempt by attempt.
 */
package io.credflow.webhook;
