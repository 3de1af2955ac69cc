/**
 * Flows: a trigger and an ordered list of REST API steps that use the workspace's credentials, kept
 * as numbered versions, and their runs, dispatched step by step through db-scheduler.
 */
package io.credflow.flow;
