package io.credflow.audit;

/** An audit record as stored, with its position in the trail (its id; later ones are higher). */
public record AuditEntry(long seq, AuditRecord record) {}
